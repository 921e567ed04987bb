#!/usr/bin/env python3
"""A --cmd implementation of a small engine: rank-1 transposed convolution, no groups, no
dilation, symmetric padding; every other problem is declined (`unsupported`). Pure Python (no
numpy), computed here from the definition, independently of tconv.

    cmd_rank1.py [--no-declare] [--wrong] [--log FILE]

By default it declares that domain when the harness sends the domain probe (a case directory
holding `domain-request`: it writes domain.json there). --no-declare: an old-style adapter that
ignores the probe and answers it as an ordinary case. --wrong: drops the last input element of
every row of 4 or more (a tail bug inside the domain). --log FILE: appends `in` or `out` per
case (not the probe), whether the case lies in the domain, as this adapter decides it.
"""
import json
import os
import struct
import sys

DOMAIN = {"ranks": [1], "groups": False, "dilation": False, "padding": "symmetric"}


def read_npy(path):
    with open(path, "rb") as f:
        data = f.read()
    assert data[:6] == b"\x93NUMPY", path
    if data[6] == 1:
        hlen, start = struct.unpack("<H", data[8:10])[0], 10
    else:
        hlen, start = struct.unpack("<I", data[8:12])[0], 12
    header = data[start:start + hlen].decode("latin1")
    assert "'<f4'" in header and "'fortran_order': False" in header, header
    body = data[start + hlen:]
    return list(struct.unpack("<%df" % (len(body) // 4), body))


def write_npy(path, shape, values):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }" % "".join(
        "%d, " % s for s in shape)
    pad = 64 - (10 + len(header) + 1) % 64
    header = header + " " * (pad % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1"))
        f.write(struct.pack("<%df" % len(values), *values))


def inside(p):
    return (p["rank"] == 1 and p["groups"] == 1 and p["dilation"][0] == 1
            and p["pad_begin"][0] == p["pad_end"][0])


def conv_transpose_1d(p, x, w, b, wrong):
    n_, ci_, co_ = p["batch"], p["in_channels"], p["out_channels"]
    i_, k_, s, pb, o_ = p["input"][0], p["kernel"][0], p["stride"][0], p["pad_begin"][0], p["output"][0]
    y = [0.0] * (n_ * co_ * o_)
    for n in range(n_):
        for co in range(co_):
            row = [b[co] if b else 0.0] * o_
            for ci in range(ci_):
                for i in range(i_ - 1 if wrong and i_ >= 4 else i_):
                    xv = x[(n * ci_ + ci) * i_ + i]
                    for k in range(k_):
                        o = i * s + k - pb
                        if 0 <= o < o_:
                            row[o] += xv * w[(ci * co_ + co) * k_ + k]
            y[(n * co_ + co) * o_:(n * co_ + co + 1) * o_] = row
    return y


def answer(directory, args):
    if os.path.exists(os.path.join(directory, "domain-request")) and "--no-declare" not in args:
        with open(os.path.join(directory, "domain.json"), "w") as f:
            json.dump(DOMAIN, f)
        return "ok"
    with open(os.path.join(directory, "problem.json")) as f:
        p = json.load(f)
    if "--log" in args and not os.path.exists(os.path.join(directory, "domain-request")):
        with open(args[args.index("--log") + 1], "a") as f:
            f.write("in\n" if inside(p) else "out\n")
    if not inside(p):
        return "unsupported"
    load = lambda name: read_npy(os.path.join(directory, name))
    b = load("b.npy") if p["has_bias"] else None
    y = conv_transpose_1d(p, load("x.npy"), load("w.npy"), b, "--wrong" in args)
    write_npy(os.path.join(directory, "y.npy"), [p["batch"], p["out_channels"], p["output"][0]], y)
    return "ok"


def main():
    for line in sys.stdin:
        sys.stdout.write(answer(line.rstrip("\r\n"), sys.argv[1:]) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
