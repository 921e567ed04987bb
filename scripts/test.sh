#!/usr/bin/env bash
# Sets everything up and runs the whole test suite:
#   1. install what is missing (apt-get), configure and build the release preset — the build is the proof;
#   2. every CTest label: proof, unit, property, cli, explore, adapters, verify, mutation, bad_input, fuzz;
#      then the main job (scripts/main.sh) on a small budget;
#   3. the same suite under AddressSanitizer + UBSan (scripts/test-asan.sh);
#   4. a short libFuzzer run of every fuzz target (scripts/fuzz.sh).
# TCONV_DEEP=1 runs the deep proof box and property campaigns; TCONV_QUICK=1 skips steps 3 and 4.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$(date +%s)
scripts/install-deps.sh
deep=OFF; [ "${TCONV_DEEP:-0}" = 1 ] && deep=ON
cmake --preset release -DTCONV_DEEP=$deep >/dev/null
cmake --build --preset release -j "$(nproc)"
t1=$(date +%s)
ctest --preset release --timeout 900
t2=$(date +%s)
# The main job, exactly as the README's first command runs it (its own set-up, build and paths),
# on a small budget: a path or target it relies on that breaks fails the suite here.
scripts/main.sh --cases-per-cell 40 --cmd-cases-per-cell 5 --out-dir build/release/main-job >build/release/main-job.log 2>&1 ||
  { tail -40 build/release/main-job.log; echo "test.sh: the main job (scripts/main.sh) failed" >&2; exit 1; }
grep "^result:" build/release/main-job.log
t3=$(date +%s)
echo "test.sh: release build $((t1 - t0)) s, tests $((t2 - t1)) s, main job $((t3 - t2)) s"
if [ "${TCONV_QUICK:-0}" != 1 ]; then
  scripts/test-asan.sh
  scripts/fuzz.sh "${TCONV_FUZZ_SECONDS:-10}"
fi
echo "test.sh: all passed in $(( $(date +%s) - t0 )) s"
