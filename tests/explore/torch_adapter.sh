#!/usr/bin/env bash
# The PyTorch Python adapter (adapters/pytorch_python/tconv_torch.py) passes a short campaign.
# Exit 77 (CTest: skipped) when Debian's python3-torch / python3-numpy are not installed.
set -uo pipefail
tconv=$1 adapter=$2
if ! /usr/bin/python3 -c "import torch, numpy" 2>/dev/null; then
  echo "SKIP: python3-torch and python3-numpy are not installed for /usr/bin/python3 (scripts/install-deps.sh installs them)"
  exit 77
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
"$tconv" explore --cmd "/usr/bin/python3 $adapter" --cases "${TCONV_TORCH_CASES:-300}" --seed 3
