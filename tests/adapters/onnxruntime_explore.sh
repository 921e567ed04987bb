#!/bin/sh
# A short fixed-seed campaign of tconv explore against the ONNX Runtime adapter (label adapters):
#   onnxruntime_explore.sh TCONV SOURCE_DIR cpu|wasm CASES [ADAPTER FLAGS...]
# Known: ONNX Runtime's refusal of output_padding >= stride (onnxruntime_known.json); any other
# finding fails. Exit 77 (SKIP) without node or the npm package.
set -u
tconv=$1 src=$2 provider=$3 cases=$4
shift 4
package=onnxruntime-node
[ "$provider" = wasm ] && package=onnxruntime-web
command -v node >/dev/null 2>&1 || { echo "SKIP: node not found (Debian package nodejs)"; exit 77; }
node -e "require.resolve('$package', {paths: ['$src/adapters/js']})" 2>/dev/null ||
  { echo "SKIP: npm package $package not installed (scripts/install-deps.sh)"; exit 77; }
corpus=$(mktemp -d) || exit 1
trap 'rm -rf "$corpus"' EXIT
"$tconv" explore --cmd "node '$src/adapters/js/tconv_onnxruntime.js' --provider $provider $*" \
  --cases "$cases" --seed 3 --shrink-time 5 --corpus "$corpus" --known "$src/tests/adapters/onnxruntime_known.json"
