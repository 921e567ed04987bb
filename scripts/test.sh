#!/usr/bin/env bash
# Sets everything up and runs the whole test suite: install, configure, build (the build is the
# proof), then every CTest label. TCONV_DEEP=1 runs the deep proof box and property campaigns.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
deep=OFF; [ "${TCONV_DEEP:-0}" = 1 ] && deep=ON
cmake --preset release -DTCONV_DEEP=$deep >/dev/null
cmake --build --preset release -j "$(nproc)"
ctest --preset release
