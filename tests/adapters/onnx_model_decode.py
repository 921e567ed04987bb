#!/usr/bin/env python3
"""adapters/js/onnx_model.js's bytes decoded by ONNX itself (Debian's python3-onnx), label adapters.

    onnx_model_decode.py SOURCE_DIR

Each form is encoded by onnx_model.js (in a node process) and read back with onnx.load_from_string;
onnx.checker.check_model must accept the model, and the decoded node must carry exactly the form's
attributes (absent ones absent), W/B as inputs or initializers (with the initializer data), Y with
unknown extents. Control: the same comparison rejects a model encoded from a different form.
Exit 77 (SKIP) without node, protobufjs (node_modules) or python3-onnx.
"""
import base64
import json
import os
import shutil
import subprocess
import sys

SRC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
try:
    import onnx
    from onnx import helper, numpy_helper
except ImportError:
    print("SKIP: python3-onnx not installed (Debian package python3-onnx)")
    sys.exit(77)
if shutil.which("node") is None:
    print("SKIP: node not found (Debian package nodejs)")
    sys.exit(77)

ENCODE = """
const m = require(process.argv[1] + '/adapters/js/onnx_model.js');
const s = JSON.parse(process.argv[2]);
s.w = Float32Array.from(s.w); if (s.b) s.b = Float32Array.from(s.b);
process.stdout.write(Buffer.from(m.encodeConvTranspose(s)).toString('base64'));
"""

FORMS = [
    ({"kind": "onnx_pads", "strides": [2, 1], "dilations": [1, 2], "group": 2, "kernel_shape": [3, 2],
      "pads": [1, 0, 2, 1], "output_padding": [1, 0], "weights": "input"}, True),
    ({"kind": "onnx_same_lower", "auto_pad": "SAME_LOWER", "strides": [2, 2], "dilations": [1, 1], "group": 2,
      "weights": "initializer"}, True),
    ({"kind": "onnx_output_shape", "strides": [3, 2], "dilations": [1, 1], "group": 2, "kernel_shape": [3, 2],
      "output_shape": [9, 7], "weights": "initializer"}, False),
]
ATTRS = ["auto_pad", "dilations", "group", "kernel_shape", "output_padding", "output_shape", "pads", "strides"]


def encode(form, bias):
    spec = {"form": form, "xShape": [1, 4, 3, 3], "wShape": [4, 1, 3, 2], "bShape": [2] if bias else None,
            "w": [float(i) for i in range(24)], "b": [0.5, -1.5] if bias else None}
    r = subprocess.run(["node", "-e", ENCODE, SRC, json.dumps(spec)], capture_output=True, text=True)
    if r.returncode != 0:
        if "Cannot find module 'protobufjs" in r.stderr:
            print("SKIP: npm package protobufjs not installed (scripts/install-deps.sh)")
            sys.exit(77)
        raise SystemExit("encode failed: " + r.stderr)
    return onnx.load_from_string(base64.b64decode(r.stdout)), spec


def differences(model, form, spec):
    """Every way the decoded model differs from the form and spec ('' entries never)."""
    d = []
    onnx.checker.check_model(model)
    g = model.graph
    if [(o.domain, o.version) for o in model.opset_import] != [("", 11)]:
        d.append("opset_import %s" % model.opset_import)
    node = g.node[0]
    if len(g.node) != 1 or node.op_type != "ConvTranspose":
        d.append("not one ConvTranspose node")
    got = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    got = {k: (v.decode() if isinstance(v, bytes) else list(v) if not isinstance(v, int) else v)
           for k, v in got.items()}
    want = {k: form[k] for k in ATTRS if k in form}
    if got != want:
        d.append("attributes %s, expected %s" % (got, want))
    names = ["X", "W", "B"] if spec["bShape"] else ["X", "W"]
    inits = {t.name: numpy_helper.to_array(t).ravel().tolist() for t in g.initializer}
    as_init = form["weights"] == "initializer"
    if [i.name for i in g.input] != (["X"] if as_init else names):
        d.append("inputs %s" % [i.name for i in g.input])
    want_inits = {"W": spec["w"], **({"B": spec["b"]} if spec["bShape"] else {})} if as_init else {}
    if inits != want_inits:
        d.append("initializers %s" % inits)
    if list(node.input) != names or list(node.output) != ["Y"]:
        d.append("node inputs %s outputs %s" % (node.input, node.output))
    ydims = g.output[0].type.tensor_type.shape.dim
    if len(ydims) != 4 or any(x.HasField("dim_value") or x.HasField("dim_param") for x in ydims):
        d.append("Y dims %s" % ydims)
    return d


def main():
    failed = False
    for form, bias in FORMS:
        model, spec = encode(form, bias)
        d = differences(model, form, spec)
        print("%s: %s" % (form["kind"], "ok" if not d else "; ".join(d)))
        failed |= bool(d)
    # control: a model of another form (pads swapped) must not pass for the first form
    form, bias = FORMS[0]
    wrong = dict(form, pads=form["pads"][2:] + form["pads"][:2])
    model, spec = encode(wrong, bias)
    if not differences(model, form, spec):
        print("FAIL: the comparison accepts a model with pads swapped")
        failed = True
    else:
        print("control: a model with pads swapped is told apart")
    print("FAIL" if failed else "PASS")
    sys.exit(1 if failed else 0)


main()
