#!/usr/bin/python3
"""A test engine for issue 12's convention forms: ONNX ConvTranspose, resolved here from the ONNX
operator text (onnx/docs/Operators.md, ConvTranspose), independently of tconv's C++ code.

It speaks the directory protocol (README), declares the ONNX kinds in domain.json ("conventions")
and computes y in float64 with numpy from the attributes in problem.json's "convention" and the
shapes of x.npy / w.npy alone (the canonical fields are not read for a case with a form).

The spec text followed:
  output_shape[i] = stride[i] * (input_size[i] - 1) + output_padding[i]
                    + ((kernel_shape[i] - 1) * dilations[i] + 1) - pads[start_i] - pads[end_i]
  with output_shape given: total_padding[i] = stride[i] * (input_size[i] - 1) + output_padding[i]
                    + ((kernel_shape[i] - 1) * dilations[i] + 1) - output_shape[i]
    SAME_UPPER: pads[start_i] = total_padding[i] / 2; pads[end_i] = total_padding[i] - total / 2
    otherwise:  pads[start_i] = total_padding[i] - total / 2; pads[end_i] = total_padding[i] / 2
  SAME_UPPER / SAME_LOWER: "the output shape is input_shape[i] * strides[i]"; VALID: no padding.
  pads "can take any value greater than or equal to 0" (a negative one is refused: `error:`);
  output_padding "must be less than the corresponding stride/dilation dimension" (read: stride).

Flags make it wrong on purpose (the controls of tests/explore/conventions.sh):
  --swap-same                 SAME_UPPER split as SAME_LOWER (and back)
  --ignore-output-shape       output_shape ignored: pads (absent: 0) decide the output
  --same-adds-output-padding  SAME_*: output = in * stride + output_padding (the other reading, as
                              tconv's resolve lists it: a negative total padding extends the end)
"""
import json
import os
import sys

import numpy as np

ONNX_KINDS = ["onnx_pads", "onnx_pads_no_kernel_shape", "onnx_output_shape", "onnx_valid",
              "onnx_same_upper", "onnx_same_lower"]


class Refused(Exception):
    pass


def split(total, upper):
    """The spec's split of a total padding (integer division as in C: toward zero)."""
    half = int(total / 2)
    return (half, total - half) if upper else (total - half, half)


def resolve(conv, x_shape, w_shape, flags):
    """(pads_begin, output extents) per spatial axis from the ONNX attributes."""
    rank = len(x_shape) - 2
    k = conv.get("kernel_shape") or list(w_shape[2:])
    s, d = conv["strides"], conv["dilations"]
    op = conv.get("output_padding") or [0] * rank
    auto_pad = conv.get("auto_pad", "NOTSET")
    if any(op[a] >= s[a] for a in range(rank)):
        raise Refused("output_padding must be less than the stride")
    natural = [s[a] * (x_shape[2 + a] - 1) + op[a] + (k[a] - 1) * d[a] + 1 for a in range(rank)]
    target = None
    upper = auto_pad == "SAME_UPPER"
    if "--swap-same" in flags and auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        upper = not upper
    if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        target = [x_shape[2 + a] * s[a] for a in range(rank)]
        if "--same-adds-output-padding" in flags:
            target = [target[a] + op[a] for a in range(rank)]
            natural = [natural[a] for a in range(rank)]
    elif conv.get("output_shape") and "--ignore-output-shape" not in flags:
        target = list(conv["output_shape"])[-rank:]
    if auto_pad == "VALID":
        return [0] * rank, natural
    if target is None:
        pads = conv.get("pads") or [0] * (2 * rank)
        begin, end = pads[:rank], pads[rank:]
    else:
        begin, end = [], []
        for a in range(rank):
            b, e = split(natural[a] - target[a], upper)
            if b + e < 0 and "--same-adds-output-padding" in flags:
                b, e = 0, b + e  # that reading as tconv's resolve lists it: the end extends
            begin.append(b)
            end.append(e)
    if min(begin) < 0 or (min(end) < 0 and "--same-adds-output-padding" not in flags):
        raise Refused("pads must be >= 0")
    return begin, [natural[a] - begin[a] - end[a] for a in range(rank)]


def conv_transpose(x, w, b, conv, begin, out):
    """y[n, c, o] = b[c] + sum x[n, ci, i] w[ci, c, k] over o = i * s + k * d - begin."""
    rank = x.ndim - 2
    s, d, g = conv["strides"], conv["dilations"], conv.get("group", 1)
    n, cin = x.shape[:2]
    cin_g, cout_g, k = w.shape[0] // g, w.shape[1], w.shape[2:]
    full = [s[a] * (x.shape[2 + a] - 1) + (k[a] - 1) * d[a] + 1 for a in range(rank)]
    f = np.zeros([n, g * cout_g] + [max(full[a], begin[a] + out[a]) + max(0, -begin[a])
                                    for a in range(rank)])
    shift = [max(0, -begin[a]) for a in range(rank)]
    for gi in range(g):
        xs = x[:, gi * cin_g:(gi + 1) * cin_g].astype(np.float64)
        for kk in np.ndindex(*k):
            wk = w[(slice(gi * cin_g, (gi + 1) * cin_g), slice(None)) + kk].astype(np.float64)
            part = np.tensordot(xs, wk, axes=([1], [0]))  # [n, *in, cout_g]
            part = np.moveaxis(part, -1, 1)
            sl = tuple(slice(shift[a] + kk[a] * d[a],
                             shift[a] + kk[a] * d[a] + s[a] * (x.shape[2 + a] - 1) + 1, s[a])
                       for a in range(rank))
            f[(slice(None), slice(gi * cout_g, (gi + 1) * cout_g)) + sl] += part
    window = tuple(slice(shift[a] + begin[a], shift[a] + begin[a] + out[a]) for a in range(rank))
    y = f[(slice(None), slice(None)) + window]
    if b is not None:
        y = y + b.astype(np.float64).reshape([1, -1] + [1] * rank)
    return y.astype(np.float32)


def canonical_form(p):
    """The attributes of a case without a form (the domain probe): its canonical fields."""
    r = p["rank"]
    return {"auto_pad": "NOTSET", "strides": p["stride"][:r], "dilations": p["dilation"][:r],
            "group": p["groups"], "pads": p["pad_begin"][:r] + p["pad_end"][:r],
            "output_padding": p["output_padding"][:r]}


def run_case(path, flags):
    if os.path.exists(os.path.join(path, "domain-request")):
        with open(os.path.join(path, "domain.json"), "w") as f:
            json.dump({"ranks": [1, 2], "conventions": ONNX_KINDS}, f)
        return "ok"
    with open(os.path.join(path, "problem.json")) as f:
        p = json.load(f)
    conv = p.get("convention") or canonical_form(p)
    x = np.load(os.path.join(path, "x.npy"))
    w = np.load(os.path.join(path, "w.npy"))
    bias = os.path.join(path, "b.npy")
    b = np.load(bias) if os.path.exists(bias) else None
    try:
        begin, out = resolve(conv, x.shape, w.shape, flags)
    except Refused as e:
        return "error: %s" % e
    np.save(os.path.join(path, "y.npy"), conv_transpose(x, w, b, conv, begin, out))
    return "ok"


def main():
    flags = sys.argv[1:]
    for line in sys.stdin:
        try:
            answer = run_case(line.strip(), flags)
        except Exception as e:  # noqa: BLE001 - the protocol's error line
            answer = "error: %s" % str(e).replace("\n", " ")
        sys.stdout.write(answer + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
