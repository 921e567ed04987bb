#!/usr/bin/env bash
# The CTest suite under AddressSanitizer + UndefinedBehaviorSanitizer (preset `asan`, -O1):
# configure, build every target except the compile-time proof box and the property suite, run
# every label but `proof`, `property`, `install` and `style`.
# The proofs are static_asserts evaluated by the compiler: they contain no run-time code for a
# sanitizer to watch, and the release job already builds them, so the sanitized job skips them.
# The property laws are header-only exact arithmetic over std::vector and Boost.Multiprecision
# (no raw memory, no input from outside); they run in the release job, and under the sanitizers
# they would cost more compile time than everything else together — TCONV_ASAN_PROPERTIES=1
# includes them.
#   scripts/test-asan.sh                 (build dir: build/asan, or TCONV_ASAN_BUILD)
#   TCONV_JOBS=N  parallel build and test jobs (default: nproc)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${TCONV_ASAN_BUILD:-build/asan}
jobs=${TCONV_JOBS:-$(nproc)}
t0=$(date +%s)
# (catch_discover_tests registers an unlabelled placeholder for an executable it did not build)
# `install` (a CMake install + find_package consumer) and `style` (clang-format drift, function
# lengths) run no code of ours that a sanitizer could watch; the release job runs them.
skip_props="|tconv_properties"; labels="proof|property|install|style"; skip_tests="^tconv_properties_NOT_BUILT"
if [ "${TCONV_ASAN_PROPERTIES:-0}" = 1 ]; then skip_props=""; labels="proof|install|style"; skip_tests="^$"; fi
# The two verify tests that drive the five real libraries (about 225 s of the sanitized run, the
# libraries' own code not sanitized) run in the release job only; TCONV_ASAN_VERIFY_ALL=1 adds them.
# So do, for the 25-minute CI budget, the slowest repeats of code the sanitized run covers
# elsewhere: verify's report-format tests on wrong plugins (verify.correct, partial, html, usage
# drive the same cells), the npm engines' adapter tests but two (adapters.onnxruntime_cpu.campaign
# and adapters.tfjs_cpu.campaign drive the ONNX and TensorFlow forms through the sanitized harness;
# the others run Node's code, not ours),
# the mutation gate's 24 campaigns (every explore test drives the same
# sandbox and shrinker) and the --at formula sweep (hundreds of process starts). The reproduction
# scripts of PyTorch and the JavaScript engines (verify.repro_python, _javascript: torch and node
# start-up, no sanitized code but the writer, which verify.repro_plugin drives) likewise.
[ "${TCONV_ASAN_VERIFY_ALL:-0}" = 1 ] ||
  skip_tests="${skip_tests}|^verify\.(real_libraries|baseline|wrong|json|repro_python|repro_javascript)$|^mutation\.gate$|^cli\.formula_at_agrees$|^adapters\.(onnx_model\.decode|onnxruntime_wasm\..*|onnxruntime_cpu\.(fixed|campaign_plain)|tfjs_wasm\..*|tfjs_cpu\.(fixed|campaign_reports_finding))$"
cmake --preset asan -B "$build" >/dev/null
# every primary target except the proofs (and properties), the benchmark, the libFuzzer binaries (clang-only) and CMake's own
targets=$(cmake --build "$build" --target help | sed -n 's/^\([A-Za-z0-9_.+-]*\): phony$/\1/p' |
  grep -Ev '^(all|clean|help|test|install|install/.*|list_install_components|edit_cache|rebuild_cache|package.*|Experimental.*|Nightly.*|Continuous.*|bench|tconv_proofs|tconv-proof-report|tconv-smt-proof|tconv-smt-bridge'"${skip_props}"')$' |
  grep -Ev '^fuzz_.*[^y]$' || true)
cmake --build "$build" -j "$jobs" --target $targets
t1=$(date +%s)
# Intentional crashes in test plugins must stay signals (the harness reports "killed by SIGSEGV"),
# so ASan leaves SEGV/ABRT/BUS/FPE to the default handlers; UB aborts at the first report.
export ASAN_OPTIONS=${ASAN_OPTIONS:-handle_segv=0:handle_abort=0:handle_sigbus=0:handle_sigfpe=0:detect_leaks=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
ctest --test-dir "$build" -LE "$labels" -E "$skip_tests" -j "$jobs" --output-on-failure --timeout 900 || status=$?
t2=$(date +%s)
echo "test-asan: build $((t1 - t0)) s, tests $((t2 - t1)) s"
exit $status
