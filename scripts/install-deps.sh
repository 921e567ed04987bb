#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the verified libraries need.
# Non-interactive, as root (or through sudo); a no-op when everything is present.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build python3
  catch2 librapidcheck-dev libboost1.81-dev libcli11-dev nlohmann-json3-dev libfmt-dev
  # the libraries verified by adapters/ (each plugin is built only when its package is present)
  libtorch-dev libdnnl-dev libxnnpack-dev libpthreadpool-dev libopencv-dnn-dev libopenblas0-pthread
  # the float checker's fast estimate (cblas_dgemm); without it tconv check falls back to direct loops
  libopenblas-dev
  # tconv explore --cmd: the PyTorch Python adapter (adapters/pytorch_python), under /usr/bin/python3
  python3-torch python3-numpy
  # scripts/fuzz.sh: libFuzzer with clang 14 and its sanitizer runtimes
  clang libclang-rt-14-dev
  # proofs/smt: the theorem for every shape, Z3's C++ API and cvc5's CLI for the cross-check
  libz3-dev cvc5
  # tests/style: the tree's format (.clang-format) and function lengths (Universal Ctags)
  clang-format universal-ctags git
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
