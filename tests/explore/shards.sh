#!/usr/bin/env bash
# Sharding partitions a campaign exactly: the shards' cases (index and data fingerprint) are
# disjoint and their union is the whole campaign; the TEST_SHARD_* environment protocol agrees
# with --shard and touches TEST_SHARD_STATUS_FILE.
set -euo pipefail
tconv=$1 plugins=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
common=(explore --impl "$plugins/correct.so" --cases 301 --seed 7 --json-cases)
"$tconv" "${common[@]}" --json whole.json >/dev/null
for i in 0 1 2; do "$tconv" "${common[@]}" --shard "$i/3" --json "shard$i.json" >/dev/null; done
TEST_TOTAL_SHARDS=3 TEST_SHARD_INDEX=1 TEST_SHARD_STATUS_FILE="$dir/status" "$tconv" "${common[@]}" --json env1.json >/dev/null
[ -f "$dir/status" ] || { echo "FAIL: TEST_SHARD_STATUS_FILE was not touched" >&2; exit 1; }
python3 - <<'PY'
import json, sys
load = lambda f: [tuple(c) for c in json.load(open(f))["case_list"]]
whole = load("whole.json")
shards = [load("shard%d.json" % i) for i in range(3)]
assert len(whole) == 301, len(whole)
union = [c for s in shards for c in s]
assert len(union) == len(set(union)), "shards overlap"
assert sorted(union) == sorted(whole), "the union of the shards is not the whole campaign"
for i, s in enumerate(shards):
    assert all(c[0] % 3 == i for c in s), "shard %d holds a case of another shard" % i
assert load("env1.json") == shards[1], "TEST_SHARD_INDEX=1 differs from --shard 1/3"
print("PASS: 3 shards of %d cases partition the campaign exactly" % len(whole))
PY
