#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the verified libraries need.
# Non-interactive, as root (or through sudo); a no-op when everything is present.
# Then the npm engines (ONNX Runtime, TensorFlow.js) of package-lock.json into node_modules/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

PACKAGES=(
  build-essential cmake ninja-build python3
  catch2 librapidcheck-dev libboost1.81-dev libcli11-dev nlohmann-json3-dev libfmt-dev
  # the libraries verified by adapters/ (each plugin is built only when its package is present)
  libtorch-dev libdnnl-dev libxnnpack-dev libpthreadpool-dev libopencv-dnn-dev libopenblas0-pthread
  # the float checker's fast estimate (cblas_dgemm); without it tconv check falls back to direct loops
  libopenblas-dev
  # tconv explore --cmd: the PyTorch Python adapter (adapters/pytorch_python), under /usr/bin/python3
  python3-torch python3-numpy
  # tests/adapters: the ONNX encoder's bytes decoded by ONNX itself (small: it adds python3-protobuf)
  python3-onnx
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
# Node and npm for the npm engines' adapters (adapters/js): Debian's packages only when the
# commands are missing (a Node from elsewhere, e.g. NodeSource's nodejs with npm built in, stays).
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The npm engines, exactly as package-lock.json pins them; --ignore-scripts: onnxruntime-node's
# install script only fetches GPU extras (its CPU binding ships in the package). Re-run when
# node_modules is missing or older than the lock (a stamp file). No registry: the ONNX Runtime
# and TensorFlow.js columns are "not available" and everything else goes on.
stamp="$root/node_modules/.tconv-npm-stamp"
if [ ! -f "$stamp" ] || [ "$root/package-lock.json" -nt "$stamp" ]; then
  if ! (cd "$root" && timeout 30 npm ping --fetch-retries=0 --fetch-timeout=15000 >/dev/null 2>&1); then
    echo "install-deps: npm registry not reachable: the ONNX Runtime and TensorFlow.js columns will be 'not available'" >&2
    exit 0
  fi
  echo "install-deps: npm ci (package-lock.json -> node_modules)" >&2
  (cd "$root" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
  touch "$stamp"
fi
