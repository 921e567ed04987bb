#!/usr/bin/env bash
# expect.sh RC REGEX... -- COMMAND ARGS...: runs COMMAND in a fresh scratch directory and passes
# when it exits with status RC and its output (stdout + stderr) matches every extended REGEX.
set -u
want=$1; shift
patterns=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do patterns+=("$1"); shift; done
shift
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
out=$(cd "$scratch" && "$@" 2>&1)
rc=$?
echo "$out"
if [ "$rc" != "$want" ]; then echo "FAIL: exit status $rc, expected $want" >&2; exit 1; fi
for p in "${patterns[@]}"; do
  if ! grep -Eq -- "$p" <<<"$out"; then echo "FAIL: output lacks /$p/" >&2; exit 1; fi
done
echo "PASS"
