#!/bin/sh
# A short fixed-seed campaign of tconv explore against the TensorFlow.js adapter (label adapters):
#   tfjs_explore.sh TCONV SOURCE_DIR cpu|wasm CASES KNOWN|none [EXPLORE FLAGS...]
# KNOWN: a baseline (tfjs_known.json: the rank-3 findings of docs/findings.md) whose failures are
# counted, so that any other finding fails; none: every finding fails (the control). Exit 77
# (SKIP) without node or the npm packages. TFJS_SHRINK_TIME: --shrink-time (default 5 s).
set -u
tconv=$1 src=$2 backend=$3 cases=$4 known=$5
shift 5
command -v node >/dev/null 2>&1 || { echo "SKIP: node not found (Debian package nodejs)"; exit 77; }
for package in @tensorflow/tfjs @tensorflow/tfjs-backend-wasm; do
  node -e "require.resolve('$package', {paths: ['$src/adapters/js']})" 2>/dev/null ||
    { echo "SKIP: npm package $package not installed (scripts/install-deps.sh)"; exit 77; }
done
corpus=$(mktemp -d) || exit 1
trap 'rm -rf "$corpus"' EXIT
[ "$known" = none ] || set -- --known "$known" "$@"
"$tconv" explore --cmd "node '$src/adapters/js/tconv_tfjs.js' --backend $backend" \
  --cases "$cases" --seed 3 --shrink-time "${TFJS_SHRINK_TIME:-5}" --corpus "$corpus" "$@"
