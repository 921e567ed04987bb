#!/usr/bin/env bash
# --json and --junit: well-formed, and they carry the verdict, the finding and the coverage.
set -euo pipefail
tconv=$1 plugins=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
set +e
"$tconv" explore --impl "$plugins/wrong_groups.so" --cases 300 --max-findings 1 --json r.json --junit r.xml >/dev/null 2>&1
rc=$?
set -e
[ "$rc" = 1 ] || { echo "FAIL: exit $rc, expected 1" >&2; exit 1; }
"$tconv" explore --impl "$plugins/partial.so" --cases 300 --json ok.json --junit ok.xml >/dev/null
python3 - <<'PY'
import json
import xml.etree.ElementTree as ET
r = json.load(open("r.json"))
assert r["verdict"] == "fail" and r["findings"][0]["kind"] == "wrong_result", r["findings"]
f = r["findings"][0]
assert f["problem"]["groups"] > 1 and f["replay"].startswith("tconv explore --impl ")
assert f["check"]["first_violations"], "the checker's first violation is missing"
assert f["signature"] == "wrong_result: groups>1" and f["hits"] == 1, (f["signature"], f["hits"])
assert r["max_findings"] == 1 and r["findings_limit_reached"] and r["known_hits"] == {}
root = ET.parse("r.xml").getroot()
assert int(root.get("failures")) >= 1
assert any(tc.find("failure") is not None for tc in root.iter("testcase"))
ok = json.load(open("ok.json"))
assert ok["verdict"] == "pass" and ok["unsupported"] > 0
assert ok["coverage"]["groups"]["tested"] == 0 and ok["coverage"]["groups"]["unsupported"] > 0
assert ok["coverage"]["rank1"]["tested"] > 0
root = ET.parse("ok.xml").getroot()
assert int(root.get("failures")) == 0
skipped = [tc.get("name") for tc in root.iter("testcase") if tc.find("skipped") is not None]
assert "groups" in skipped and "rank3" in skipped, skipped
print("PASS")
PY
