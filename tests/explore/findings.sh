#!/usr/bin/env bash
# Many findings per campaign (lib/harness/signature.hpp): against a plugin with two independent
# bugs (tests/plugins two_bugs: a grouped problem takes the next group's bias; the rows
# output_padding adds are never written) explore reports both, with different signatures; with
# --max-findings 1 only one; with --known naming one (a baseline's structural signature, or a
# corpus holding it) only the other is new and the known one's failures are counted.
set -euo pipefail
tconv=$1 plugins=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
fail() { echo "FAIL: $*" >&2; exit 1; }
explore() {  # explore ARGS...: the output, exit status in $rc
  set +e
  out=$("$tconv" explore --impl "$plugins/two_bugs.so" --cases 20 --shrink-time 5 "$@" 2>&1)
  rc=$?
  set -e
  echo "$out"
}
bias='signature: wrong_result: groups>1\+bias \('
op='signature: wrong_result: [a-z0-9>=+_]*output_padding[a-z0-9>=+_]* \('

# both bugs, each its own finding and signature; the JSON lists them with their hit counts
explore --corpus both --json both.json
[ "$rc" = 1 ] || fail "two bugs: exit $rc, expected 1"
grep -Eq "$bias" <<<"$out" || fail "the grouped-bias finding is missing"
grep -Eq "$op" <<<"$out" || fail "the output_padding finding is missing"
python3 - both.json <<'PY' || fail "JSON findings"
import json, sys
r = json.load(open(sys.argv[1]))
sigs = [f["signature"] for f in r["findings"]]
assert len(sigs) >= 2 and len(set(sigs)) == len(sigs), sigs
assert all(f["hits"] >= 1 for f in r["findings"]) and r["max_findings"] == 5, r["findings"]
PY

# the limit: one finding only
explore --max-findings 1
[ "$rc" = 1 ] || fail "--max-findings 1: exit $rc"
[ "$(grep -c '^FOUND' <<<"$out")" = 1 ] || fail "--max-findings 1 reported $(grep -c '^FOUND' <<<"$out") findings"
grep -q "stopped after 1 distinct findings" <<<"$out" || fail "no note of the limit"

# a baseline naming the grouped-bias finding structurally: only output_padding ones are new
cat > known.json <<'JSON'
{"findings": [{"id": "B1", "implementation": "two_bugs", "signature": "features:groups>1+bias"}]}
JSON
explore --known known.json
[ "$rc" = 1 ] || fail "--known FILE: exit $rc"
grep -Eq "$bias" <<<"$out" && fail "--known FILE: the known finding was reported again"
grep -Eq "$op" <<<"$out" || fail "--known FILE: the other finding is missing"
grep -Eq "known findings hit: B1 x[1-9]" <<<"$out" || fail "--known FILE: hits not counted"

# a corpus holding the output_padding findings: only the grouped-bias one is new
mkdir opk
has_op='import json, sys; sys.exit(0 if any(json.load(open(sys.argv[1]))["output_padding"]) else 1)'
for e in both/*/; do
  if python3 -c "$has_op" "$e/problem.json"; then cp -r "$e" opk/; fi
done
[ -n "$(ls opk)" ] || fail "no output_padding entry in the corpus"
explore --known opk
[ "$rc" = 1 ] || fail "--known DIR: exit $rc"
grep -Eq "$op" <<<"$out" && fail "--known DIR: a known finding was reported again"
grep -Eq "$bias" <<<"$out" || fail "--known DIR: the other finding is missing"
grep -Eq "known findings hit: corpus:" <<<"$out" || fail "--known DIR: hits not counted"
echo PASS
