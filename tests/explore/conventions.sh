#!/usr/bin/env bash
# Convention forms (issue 12) through the directory protocol: a test engine (convention_adapter.py,
# ONNX ConvTranspose resolved from the spec text by its own code) declares the ONNX kinds; each
# case carries problem.json's "convention" and the judge checks the output shape it chose, then the
# values. The correct engine: no finding (exit 0). Controls that must be caught: SAME_UPPER split
# as SAME_LOWER (wrong values or shape, exit 1), output_shape ignored (wrong_shape, exit 1), and
# the other reading of SAME_* with output_padding (a spec ambiguity listed, still exit 0).
set -euo pipefail
tconv=$1 adapter=$2 py=$3
"$py" -c "import numpy" 2>/dev/null || { echo "SKIP: numpy is not installed for $py"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
run() {  # expected-exit, name, then the adapter's flags
  local want=$1 name=$2 rc=0
  shift 2
  "$tconv" explore --seed 7 --cases 120 --max-channels 2 --max-extent 5 --shrink-time 3 \
    --max-findings 1 --cmd "$py $adapter $*" --json "$name.json" --corpus "$name-corpus" \
    >"$name.txt" 2>&1 || rc=$?
  [ "$rc" = "$want" ] || { cat "$name.txt" >&2; echo "FAIL: $name: exit $rc, expected $want" >&2; exit 1; }
}
run 0 correct
run 1 swap_same --swap-same
run 1 ignore_output_shape --ignore-output-shape
run 0 same_adds_output_padding --same-adds-output-padding
grep -q "spec ambiguities" same_adds_output_padding.txt || { cat same_adds_output_padding.txt >&2; exit 1; }
"$py" - <<'PY'
import json, os
r = {n: json.load(open(n + ".json")) for n in
     ("correct", "swap_same", "ignore_output_shape", "same_adds_output_padding")}
c = r["correct"]
kinds = c["declared_domain"]["domain"]["conventions"]
assert "onnx_same_upper" in kinds and "onnx_output_shape" in kinds, kinds
assert c["verdict"] == "pass" and c["findings"] == [] and c["executed"] == 120, c["findings"]
assert c["unsupported"] == 0, c["unsupported"]
for a in c["spec_ambiguities"]:  # the spec-faithful engine refuses negative pads: a reading too
    assert a["choice"].startswith("rejected: "), a
    assert len(a["readings"]) >= 2 and a["references"], a
f = r["swap_same"]["findings"][0]
assert f["kind"] in ("wrong_result", "wrong_shape"), f
assert f["convention"]["auto_pad"] in ("SAME_UPPER", "SAME_LOWER"), f["convention"]
# the shrunk case is still posed in its kind and reads back from the corpus
saved = json.load(open(os.path.join(f["saved"], "problem.json")))
assert saved["convention"]["kind"] == f["convention"]["kind"], saved
f = r["ignore_output_shape"]["findings"][0]
assert f["kind"] == "wrong_shape" and f["label"] == "wrong output shape", f
assert f["convention"]["kind"] == "onnx_output_shape" and "y.npy has shape" in f["message"], f
s = r["same_adds_output_padding"]
assert s["verdict"] == "pass" and s["findings"] == [], s["findings"]
same = [a for a in s["spec_ambiguities"] if "onnx_same_output_padding" in a["id"] and
        a["choice"] == "output = in * stride + output_padding"]
assert same, s["spec_ambiguities"]
assert same[0]["convention"]["auto_pad"] in ("SAME_UPPER", "SAME_LOWER"), same[0]
print("conventions: correct %d cases, %d ambiguities; swap_same %s; ignore_output_shape %s; "
      "same_adds_output_padding %s x%d" % (c["executed"], len(c["spec_ambiguities"]),
      r["swap_same"]["findings"][0]["kind"], f["kind"], same[0]["id"], same[0]["hits"]))
PY
# the stored case replays with its form (problem.json's "convention" read back)
entry=$(ls -d swap_same-corpus/*/ | head -1)
rc=0
"$tconv" explore --cmd "$py $adapter --swap-same" --replay "$entry" >replay.txt 2>&1 || rc=$?
[ "$rc" = 1 ] && grep -q "COUNTEREXAMPLE REPRODUCED" replay.txt || { cat replay.txt >&2; exit 1; }
"$tconv" explore --cmd "$py $adapter" --replay "$entry" >replay_ok.txt 2>&1
grep -q "result: passed" replay_ok.txt
echo PASS
