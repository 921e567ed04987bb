#!/usr/bin/env bash
# Declared domains (the directory protocol's domain probe): a --cmd adapter of a rank-1 engine
# (cmd_rank1.py) that declares its domain gets >= 90% of its cases inside it, counted by the
# adapter itself and by the JSON report; the same adapter without the declaration (old style)
# still works and gets far fewer; a wrong adapter is still found, shrunk inside its domain.
set -euo pipefail
tconv=$1 adapter=$2 py=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
run() {  # expected-exit, then explore's arguments
  local want=$1 rc=0
  shift
  "$tconv" explore --seed 5 --shrink-time 5 "$@" >>out.txt 2>&1 || rc=$?
  [ "$rc" = "$want" ] || { cat out.txt >&2; echo "FAIL: exit $rc, expected $want: $*" >&2; exit 1; }
}
run 0 --cmd "$py $adapter --log declared.log" --cases 100 --json declared.json
run 0 --cmd "$py $adapter --no-declare --log control.log" --cases 100 --json control.json
run 1 --cmd "$py $adapter --wrong" --cases 100 --json wrong.json --corpus wrong-corpus
"$py" - <<'PY'
import json
def share(log):
    lines = open(log).read().split()
    return sum(l == "in" for l in lines) / len(lines), len(lines)
d, c, w = (json.load(open(f + ".json")) for f in ("declared", "control", "wrong"))
s_declared, n = share("declared.log")
s_control, _ = share("control.log")
dom = d["declared_domain"]
print("declared: adapter counts %.3f of %d inside, report %.3f (%d of %d); control: %.3f" %
      (s_declared, n, dom["share"], dom["inside"], dom["cases"], s_control))
assert dom["domain"]["ranks"] == [1] and dom["domain"]["groups"] is False, dom
assert dom["domain"]["padding"] == "symmetric" and dom["domain"]["dilation"] is False, dom
assert s_declared >= 0.9 and dom["share"] >= 0.9 and dom["cases"] == n == d["executed"], dom
assert d["unsupported"] <= 0.1 * d["executed"], d["unsupported"]
assert "declared_domain" not in c, "the old-style adapter declared nothing"
assert s_control < 0.3 and c["unsupported"] >= 0.7 * c["executed"], (s_control, c["unsupported"])
f = w["findings"][0]
assert w["verdict"] == "fail" and f["kind"] == "wrong_result", w["findings"]
p = f["problem"]
assert p["rank"] == 1 and p["groups"] == 1 and p["dilation"] == [1], p
assert p["pad_begin"] == p["pad_end"] and p["input"] == [4], p
print("PASS")
PY
grep -q "declared domain: {.*}; 100 of 100 cases inside it (100.0%)" out.txt ||
  { cat out.txt >&2; echo "FAIL: no declared-domain line in the text report" >&2; exit 1; }
