#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (address + undefined sanitizers) in build/fuzz and runs
# each for SECONDS (default 25) from its seed corpus in fuzz/corpus/<target>/. New corpus entries
# go to build/fuzz/corpus/<target>/ (the repository's seeds stay as committed). A crash stops the
# script with exit 1 and leaves the input in build/fuzz/artifacts/: commit it to
# fuzz/regressions/<target>/ so the normal CTest suite replays it forever.
#   scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-25}
shift || true
cxx=${TCONV_FUZZ_CXX:-$(command -v clang++ || command -v clang++-14 || true)}
cc=${TCONV_FUZZ_CC:-$(command -v clang || command -v clang-14 || true)}
if [ -z "$cxx" ] || [ -z "$cc" ]; then
  echo "scripts/fuzz.sh: clang is needed for libFuzzer (apt-get install clang)" >&2
  exit 2
fi
build=build/fuzz
cmake -S . -B $build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTCONV_FUZZ=ON \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_C_COMPILER="$cc" >/dev/null
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for d in fuzz/corpus/*/; do targets+=("$(basename "$d")"); done
fi
cmake --build $build -j "${TCONV_JOBS:-2}" --target "${targets[@]/#/fuzz_}"
mkdir -p $build/artifacts
export TMPDIR=${TMPDIR:-/dev/shm}
[ -w "$TMPDIR" ] || export TMPDIR=/tmp
# one target per core (libFuzzer runs single-threaded): the same fuzzing time per target in half
# the wall time on 2 cores; each target's summary is printed in order at the end
run_one() {
  local t=$1 start log runs cov
  mkdir -p $build/corpus/$t
  start=$(date +%s)
  log=$build/$t.log
  if ! "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$build/artifacts/$t-" -print_final_stats=1 \
      "$build/corpus/$t" "fuzz/corpus/$t" >"$log" 2>&1; then
    echo "fuzz_$t: FOUND A CRASH (see $log); input: $(ls -t $build/artifacts/$t-* | head -1)"
    tail -40 "$log"
    return 1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || echo '?')
  echo "fuzz_$t: ${runs} runs in $(( $(date +%s) - start )) s, ${cov} coverage edges, no crash"
}
parallel=${TCONV_JOBS:-$(nproc)}
status=0
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do wait -n || status=1; done
  run_one "$t" >"$build/$t.summary" 2>&1 &
done
while [ -n "$(jobs -rp)" ]; do wait -n || status=1; done
for t in "${targets[@]}"; do
  cat "$build/$t.summary"
  ! grep -q "FOUND A CRASH" "$build/$t.summary" || status=1
done
exit $status
