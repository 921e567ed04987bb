#!/usr/bin/python3
"""PyTorch's conv_transpose{1,2,3}d behind tconv explore's directory protocol.

    tconv explore --cmd "/usr/bin/python3 adapters/pytorch_python/tconv_torch.py"

For each line on stdin (a case directory holding problem.json, x.npy, w.npy and, with bias,
b.npy) it writes y.npy there and answers one line: `ok`, `unsupported` or `error: MESSAGE`.

Asymmetric padding: PyTorch's functional API only pads symmetrically, so the call pads each axis
by min(pad_begin, pad_end) and the remaining pad_begin - min / pad_end - min elements are cropped
from the result by hand. That crop is exact (it drops whole output elements and changes no sum),
so the campaign still judges PyTorch's arithmetic on those problems rather than declining them.

It declares no domain (README "Declaring a domain"): PyTorch takes every problem tconv draws (ranks
1-3, groups, dilation, output_padding below max(stride, dilation), bias), so the domain probe is
answered as the ordinary one-element case it also is.

Runs under Debian's /usr/bin/python3 with python3-torch and python3-numpy installed.
"""
import json
import os
import sys


def load(directory):
    with open(os.path.join(directory, "problem.json")) as f:
        return json.load(f)


def run_case(directory, np, torch):
    p = load(directory)
    rank = int(p["rank"])
    if rank not in (1, 2, 3):
        return "unsupported"
    x = torch.from_numpy(np.load(os.path.join(directory, "x.npy")))
    w = torch.from_numpy(np.load(os.path.join(directory, "w.npy")))
    b = torch.from_numpy(np.load(os.path.join(directory, "b.npy"))) if p["has_bias"] else None
    pb, pe = p["pad_begin"], p["pad_end"]
    sym = [min(a, e) for a, e in zip(pb, pe)]
    conv = {1: torch.nn.functional.conv_transpose1d,
            2: torch.nn.functional.conv_transpose2d,
            3: torch.nn.functional.conv_transpose3d}[rank]
    with torch.no_grad():
        y = conv(x, w, b, stride=tuple(p["stride"]), padding=tuple(sym),
                 output_padding=tuple(p["output_padding"]), groups=int(p["groups"]),
                 dilation=tuple(p["dilation"]))
    crop = [slice(None), slice(None)]
    for a in range(rank):
        crop.append(slice(pb[a] - sym[a], y.shape[2 + a] - (pe[a] - sym[a])))
    y = y[tuple(crop)]
    want = [int(p["batch"]), int(p["out_channels"])] + [int(o) for o in p["output"]]
    if list(y.shape) != want:
        return "error: PyTorch produced shape %s, expected %s" % (list(y.shape), want)
    np.save(os.path.join(directory, "y.npy"), np.ascontiguousarray(y.numpy(), dtype=np.float32))
    return "ok"


def main():
    try:
        import numpy as np
        import torch
    except ImportError as e:
        sys.stderr.write("tconv_torch.py: %s (install python3-torch and python3-numpy, run under "
                         "/usr/bin/python3)\n" % e)
        return 3
    # Small cases: threads cost more than they save, and one thread keeps the order fixed.
    torch.set_num_threads(1)
    for line in sys.stdin:
        directory = line.rstrip("\r\n")
        if not directory:
            continue
        try:
            answer = run_case(directory, np, torch)
        except Exception as e:  # a failure of this case, reported, not fatal
            answer = "error: %s: %s" % (type(e).__name__, str(e).replace("\n", " "))
        sys.stdout.write(answer + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
