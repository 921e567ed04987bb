#!/usr/bin/env bash
# The main job: installs the dependencies (Debian packages), builds tconv and the adapter plugins,
# prints the seed examples, then verifies every available library with `tconv verify`:
# the verification matrix on stdout, tconv-report/verify.json and tconv-report/verify.html.
# Exit status: tconv verify's (0 every finding is a known one, docs/known-findings.json;
# 1 a new finding, or a known one no longer reproduces; 2 usage error).
# Extra arguments go to tconv verify (e.g. --cases-per-cell 100, --only torch, --seed 7).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target tconv-seeds tconv_cli tconv_adapters
./build/release/tools/seeds/tconv-seeds
echo
exec ./build/release/tools/tconv verify "$@"
