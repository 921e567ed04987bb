#!/usr/bin/env python3
"""Command-line cases for `tconv` (run / check / shape / matrix / formula).

Data comes from NumPy and PyTorch at test time (never from tconv itself); a case that needs one
of them exits 77 (CTest: skipped) with a message when it is missing. Exact expectations use
Python's fractions.Fraction.
Usage: cli_test.py --tconv PATH --work DIR --case NAME
"""
import argparse, json, os, struct, subprocess, sys
from fractions import Fraction

SKIP = 77
args = None


def need_numpy():
    try:
        import numpy
        return numpy
    except ImportError:
        print("SKIP: python3-numpy is not installed"); sys.exit(SKIP)


def need_torch():
    try:
        import torch
        torch.set_num_threads(1)
        return torch
    except ImportError:
        print("SKIP: python3-torch is not installed"); sys.exit(SKIP)


def tconv(*argv, expect=None):
    # TCONV_DEEP=1 (full-size bench layers, every element exact with --exact) takes minutes
    limit = 7200 if os.environ.get("TCONV_DEEP") == "1" else 100
    r = subprocess.run([args.tconv, *map(str, argv)], capture_output=True, text=True, timeout=limit)
    if expect is not None and r.returncode != expect:
        sys.exit(f"FAIL: tconv {' '.join(map(str, argv))}\n  exit {r.returncode}, expected {expect}\n"
                 f"stdout:\n{r.stdout}\nstderr:\n{r.stderr}")
    return r


def expect(cond, what):
    if not cond:
        sys.exit("FAIL: " + what)


def path(name):
    return os.path.join(args.work, f"{args.case}_{name}")


def save(name, arr):
    np = need_numpy()
    p = path(name + ".npy")
    np.save(p, arr)
    return p


def torch_layer(seed, xs, ws, kw, dtype=None, bias=True, op="conv_transpose"):
    """x, w, b and PyTorch's output for a layer (float32 unless dtype)."""
    torch = need_torch()
    g = torch.Generator().manual_seed(seed)
    dt = dtype or torch.float32
    x = torch.randn(*xs, generator=g, dtype=dt)
    w = torch.randn(*ws, generator=g, dtype=dt)
    groups = kw.get("groups", 1)
    cout = ws[1] * groups if op == "conv_transpose" else ws[0]
    b = torch.randn(cout, generator=g, dtype=dt) if bias else None
    rank = len(xs) - 2
    f = getattr(torch.nn.functional, ("conv_transpose%dd" if op == "conv_transpose" else "conv%dd") % rank)
    y = f(x, w, b, **kw)
    return x, w, b, y


def flags(kw):
    out = []
    for k, v in kw.items():
        name = {"output_padding": "--output-padding"}.get(k, "--" + k)
        out += [name, ",".join(map(str, v)) if isinstance(v, (tuple, list)) else str(v)]
    return out


def layer_files(x, w, b, y):
    xs = save("x", x.numpy()); ws = save("w", w.numpy())
    bs = save("b", b.numpy()) if b is not None else None
    ys = save("y", y.numpy())
    return xs, ws, bs, ys


def bias_flags(bs):
    return ["--b", bs] if bs else []


# ---------- exact helpers (Fractions) ----------

def exact_conv_transpose_2d(x, w, b, stride, pad):
    """Scatter loop of the seeds, in Fractions: x [N,Ci,H,W], w [Ci,Co,K,K]."""
    N, Ci, H, W = x.shape; _, Co, K, _ = w.shape
    Ho = (H - 1) * stride - 2 * pad + K; Wo = (W - 1) * stride - 2 * pad + K
    y = [[[[Fraction(0)] * Wo for _ in range(Ho)] for _ in range(Co)] for _ in range(N)]
    for n in range(N):
        for ci in range(Ci):
            for i in range(H):
                for j in range(W):
                    xv = Fraction(float(x[n, ci, i, j]))
                    for co in range(Co):
                        for a in range(K):
                            for c in range(K):
                                o, p = i * stride + a - pad, j * stride + c - pad
                                if 0 <= o < Ho and 0 <= p < Wo:
                                    y[n][co][o][p] += xv * Fraction(float(w[ci, co, a, c]))
    if b is not None:
        for n in range(N):
            for co in range(Co):
                for o in range(Ho):
                    for p in range(Wo):
                        y[n][co][o][p] += Fraction(float(b[co]))
    return y


def is_rounding_f32(t, r):
    """r (a float32 value) is the round-to-nearest-even float32 of the Fraction t."""
    np = need_numpy()
    r = np.float32(r)
    d = abs(t - Fraction(float(r)))
    for n in (np.nextafter(r, np.float32(np.inf)), np.nextafter(r, np.float32(-np.inf))):
        dn = abs(t - Fraction(float(n)))
        if dn < d:
            return False
        if dn == d and (struct.unpack("<I", struct.pack("<f", float(r)))[0] & 1):
            return False
    return True


# ---------- cases ----------

def case_seeds_run():
    np = need_numpy()
    # seed example 1: X=[[0,1],[2,3]], K=[[1,2],[3,4]] -> [[0,1,2],[2,10,10],[6,17,12]]; 2: padding 1 -> [[10]]; 3: stride 2
    x = save("x", np.array([[[[0, 1], [2, 3]]]], dtype=np.float32))
    w = save("w", np.array([[[[1, 2], [3, 4]]]], dtype=np.float32))
    for extra, want in [([], [[0, 1, 2], [2, 10, 10], [6, 17, 12]]), (["--padding", "1"], [[10]]),
                        (["--stride", "2"], [[0, 0, 1, 2], [0, 0, 3, 4], [2, 4, 3, 6], [6, 8, 9, 12]])]:
        out = path("y.npy")
        tconv("run", "--x", x, "--w", w, "--out", out, *extra, expect=0)
        y = np.load(out)
        expect(y.dtype == np.float32 and y.shape == (1, 1, len(want), len(want[0])), f"shape/dtype {y.dtype} {y.shape}")
        expect((y[0, 0] == np.array(want, dtype=np.float32)).all(), f"{extra}: {y[0, 0].tolist()} != {want}")
        tconv("check", "--x", x, "--w", w, "--y", out, *extra, expect=0)
    # example 7: two input channels
    x = save("x2", np.array([[[[0, 1], [2, 3]], [[4, 5], [7, 8]]]], dtype=np.float32))
    w = save("w2", np.array([[[[0, 1], [2, 3]]], [[[4, 5], [2, 3]]]], dtype=np.float32))
    out = path("y2.npy")
    tconv("run", "--x", x, "--w", w, "--out", out, expect=0)
    expect((np.load(out)[0, 0] == np.array([[16, 40, 26], [36, 93, 61], [18, 49, 33]])).all(), "seed example 7")


def case_seeds_shape():
    r = tconv("shape", "--x-shape", "1,10,16,16", "--w-shape", "20,10,5,5", "--op", "conv", "--padding", "2", "--stride", "3", expect=0)
    expect("y: [1, 20, 6, 6]" in r.stdout, r.stdout)
    r = tconv("shape", "--x-shape", "1,20,6,6", "--w-shape", "20,10,5,5", "--padding", "2", "--stride", "3", expect=0)
    expect("y: [1, 10, 16, 16]" in r.stdout, r.stdout)


def case_seeds_matrix():
    want = ["1 2 0 3 4 0 0 0 0", "0 1 2 0 3 4 0 0 0", "0 0 0 1 2 0 3 4 0", "0 0 0 0 1 2 0 3 4"]
    r = tconv("matrix", "--x-shape", "1,1,3,3", "--w-shape", "1,1,2,2", "--op", "conv", "--w-values", "1,2,3,4", expect=0)
    expect(r.stdout.splitlines()[1:] == want, r.stdout)
    # the transposed convolution of 2x2 -> 3x3 has the same W (y = W^T x)
    r = tconv("matrix", "--x-shape", "1,1,2,2", "--w-shape", "1,1,2,2", "--w-values", "1,2,3,4", expect=0)
    expect(r.stdout.splitlines()[1:] == want, r.stdout)
    np = need_numpy()
    wf = save("w", np.array([[[[1, 2], [3, 4]]]], dtype=np.float64))
    r = tconv("matrix", "--x-shape", "1,1,2,2", "--w-shape", "1,1,2,2", "--w", wf, expect=0)
    expect(r.stdout.splitlines()[1:] == want, r.stdout)
    r = tconv("matrix", "--x-shape", "1,1,2,2", "--w-shape", "1,1,2,2", expect=0)
    expect(r.stdout.splitlines()[1].split() == ["w[0,0,0,0]", "w[0,0,0,1]", "0", "w[0,0,1,0]", "w[0,0,1,1]", "0", "0", "0", "0"], r.stdout)


def case_seeds_formula():
    r = tconv("formula", "--x-shape", "1,1,2,2", "--w-shape", "1,1,2,2", "--at", "0,0,1,1", expect=0)
    expect(r.stdout.strip() == "y[0,0,1,1] = x[0,0,0,0]*w[0,0,1,1] + x[0,0,0,1]*w[0,0,1,0] + x[0,0,1,0]*w[0,0,0,1] + x[0,0,1,1]*w[0,0,0,0]", r.stdout)
    r = tconv("formula", "--x-shape", "1,1,2,2", "--w-shape", "1,1,2,2", "--stride", "2", expect=0)
    lines = r.stdout.splitlines()
    expect(len(lines) == 16 and lines[0] == "y[0,0,0,0] = x[0,0,0,0]*w[0,0,0,0]", r.stdout)
    r = tconv("formula", "--x-shape", "1,1,2,2", "--w-shape", "1,1,2,2", "--padding", "1", "--bias", expect=0)
    expect(r.stdout.strip().endswith("+ b[0]"), r.stdout)


def case_formula_at_agrees():
    # the whole-output formula comes from the core's symbolic formulation; --at from the checker's geometry
    for shapes, extra in [(("1,2,3,3", "2,2,3,3"), ["--stride", "2", "--padding", "1", "--output-padding", "1"]),
                          (("2,4,5", "4,1,3"), ["--groups", "2", "--dilation", "2", "--stride", "3"]),
                          (("1,2,2,3,2", "2,1,2,2,2"), ["--stride", "2,1,2", "--pads", "1,0,0,0,1,1"]),
                          (("1,2,6,6", "3,2,3,3"), ["--op", "conv", "--stride", "2", "--padding", "1"])]:
        base = ["--x-shape", shapes[0], "--w-shape", shapes[1], *extra]
        whole = tconv("formula", *base, expect=0).stdout.splitlines()
        expect(len(whole) > 0, "no output")
        for line in whole:
            idx = line.split("]")[0][2:]
            one = tconv("formula", *base, "--at", idx, expect=0).stdout.strip()
            expect(one == line, f"--at {idx}: {one!r} != {line!r}")


def case_run_correctly_rounded():
    np = need_numpy()
    rng = np.random.default_rng(5)
    x = (rng.standard_normal((1, 3, 3, 3)) * np.exp2(rng.integers(-20, 20, (1, 3, 3, 3)))).astype(np.float32)
    w = (rng.standard_normal((3, 2, 3, 3)) * np.exp2(rng.integers(-20, 20, (3, 2, 3, 3)))).astype(np.float32)
    b = rng.standard_normal(2).astype(np.float32)
    xs, ws, bs = save("x", x), save("w", w), save("b", b)
    out = path("y.npy")
    tconv("run", "--x", xs, "--w", ws, "--b", bs, "--out", out, "--stride", "2", "--padding", "1", expect=0)
    y = np.load(out)
    want = exact_conv_transpose_2d(x, w, b, 2, 1)
    expect(y.shape == (1, 2, 5, 5), str(y.shape))
    for co in range(2):
        for i in range(5):
            for j in range(5):
                expect(is_rounding_f32(want[0][co][i][j], y[0, co, i, j]), f"y[0,{co},{i},{j}] = {y[0, co, i, j]!r} is not the rounded {want[0][co][i][j]}")


def case_run_float64():
    np = need_numpy()
    rng = np.random.default_rng(6)
    x = rng.standard_normal((1, 2, 3, 3)); w = rng.standard_normal((2, 2, 2, 2))
    out = path("y.npy")
    tconv("run", "--x", save("x", x), "--w", save("w", w), "--out", out, "--stride", "2", expect=0)
    y = np.load(out)
    expect(y.dtype == np.float64, str(y.dtype))
    want = exact_conv_transpose_2d(x, w, None, 2, 0)
    for co in range(2):
        for i in range(6):
            for j in range(6):
                expect(Fraction(float(y[0, co, i, j])) == want[0][co][i][j] or
                       abs(Fraction(float(y[0, co, i, j])) - want[0][co][i][j]) <= abs(want[0][co][i][j]) * Fraction(1, 2**53),
                       f"float64 y[0,{co},{i},{j}]")


LAYERS = [  # (x shape, w shape, kwargs)
    ((2, 8, 5, 5), (8, 4, 3, 3), dict(stride=2, padding=1, output_padding=1)),
    ((1, 6, 7), (6, 2, 4), dict(stride=3, padding=2, dilation=2, groups=3)),
    ((2, 4, 3, 3, 3), (4, 3, 2, 2, 2), dict(stride=2)),
    ((4, 64, 4, 4), (64, 32, 4, 4), dict(stride=2, padding=1)),
]


def case_accept_torch_fp32():
    for i, (xs, ws, kw) in enumerate(LAYERS):
        x, w, b, y = torch_layer(10 + i, xs, ws, kw, bias=i % 2 == 0)
        xf, wf, bf, yf = layer_files(x, w, b, y)
        r = tconv("check", "--x", xf, "--w", wf, *bias_flags(bf), "--y", yf, *flags(kw), expect=0)
        expect("VERIFIED" in r.stdout, r.stdout)


def case_reject_one_element():
    x, w, b, y = torch_layer(20, (2, 8, 5, 5), (8, 4, 3, 3), dict(stride=2, padding=1))
    yy = y.numpy().copy()
    yy[1, 2, 3, 4] *= 1.001
    xf, wf, bf, _ = layer_files(x, w, b, y)
    yf = save("bad", yy)
    r = tconv("check", "--x", xf, "--w", wf, "--b", bf, "--y", yf, "--stride", "2", "--padding", "1", expect=1)
    expect("VIOLATED" in r.stdout and "violations: 1\n" in r.stdout and "y[1,2,3,4]" in r.stdout, r.stdout)


def round_tf32(a):
    np = need_numpy()
    bits = a.astype(np.float32).view(np.uint32).astype(np.uint64)
    bits = ((bits + 0xFFF + ((bits >> 13) & 1)) & ~np.uint64(0x1FFF)).astype(np.uint32)  # nearest even, 10-bit mantissa
    return bits.view(np.float32)


def case_reject_tf32_as_fp32():
    torch = need_torch()
    x, w, b, _ = torch_layer(30, (2, 64, 4, 4), (64, 16, 4, 4), dict(stride=2, padding=1))
    xt, wt = torch.from_numpy(round_tf32(x.numpy())), torch.from_numpy(round_tf32(w.numpy()))
    y = torch.nn.functional.conv_transpose2d(xt, wt, b, stride=2, padding=1)
    xf, wf, bf, yf = layer_files(x, w, b, y)
    base = ["--x", xf, "--w", wf, "--b", bf, "--y", yf, "--stride", "2", "--padding", "1"]
    tconv("check", *base, expect=1)
    tconv("check", *base, "--precision", "fp32", expect=1)
    tconv("check", *base, "--precision", "tf32", expect=0)


def case_bf16_mode():
    torch = need_torch()
    x, w, b, _ = torch_layer(40, (2, 32, 4, 4), (32, 8, 3, 3), dict(stride=2))
    y = torch.nn.functional.conv_transpose2d(x.bfloat16().float(), w.bfloat16().float(), b, stride=2)
    xf, wf, bf, yf = layer_files(x, w, b, y)
    base = ["--x", xf, "--w", wf, "--b", bf, "--y", yf, "--stride", "2"]
    tconv("check", *base, "--precision", "bf16", expect=0)
    tconv("check", *base, "--precision", "fp32", expect=1)


def case_fp16_mode():
    torch = need_torch()
    x, w, b, _ = torch_layer(50, (2, 16, 4, 4), (16, 8, 3, 3), dict(stride=2, padding=1))
    y = torch.nn.functional.conv_transpose2d(x.half().float(), w.half().float(), b.half().float(), stride=2, padding=1).half()
    xf, wf, bf, yf = layer_files(x, w, b, y)
    base = ["--x", xf, "--w", wf, "--b", bf, "--y", yf, "--stride", "2", "--padding", "1"]
    tconv("check", *base, "--precision", "fp16", expect=0)
    tconv("check", *base, "--precision", "fp32", expect=1)
    # float16 inputs (stored as such) and float16 output
    xh, wh, bh = save("xh", x.half().numpy()), save("wh", w.half().numpy()), save("bh", b.half().numpy())
    tconv("check", "--x", xh, "--w", wh, "--b", bh, "--y", yf, "--stride", "2", "--padding", "1", "--precision", "fp16", expect=0)
    big = save("xbig", (x * 1e5).numpy())
    r = tconv("check", "--x", big, "--w", wf, "--b", bf, "--y", yf, "--stride", "2", "--padding", "1", "--precision", "fp16", expect=2)
    expect("fp16" in r.stderr and "x" in r.stderr, r.stderr)


def case_fp64_mode():
    torch = need_torch()
    x, w, b, y = torch_layer(60, (2, 8, 4, 4), (8, 4, 3, 3), dict(stride=2, padding=1), dtype=torch.float64)
    xf, wf, bf, yf = layer_files(x, w, b, y)
    base = ["--x", xf, "--w", wf, "--b", bf, "--stride", "2", "--padding", "1"]
    r = tconv("check", *base, "--y", yf, expect=0)
    expect("precision fp64" in r.stdout, r.stdout)
    yy = y.numpy().copy(); yy[0, 1, 2, 3] *= 1 + 1e-10
    tconv("check", *base, "--y", save("bad", yy), expect=1)
    # a float32 output of the float64 layer: judged with its storage rounding, as fp32 it passes
    tconv("check", *base, "--y", save("y32", y.float().numpy()), "--precision", "fp32", expect=0)


def case_tolerance_mode():
    x, w, b, y = torch_layer(70, (1, 4, 4, 4), (4, 2, 3, 3), dict(stride=1))
    yy = y.numpy().copy(); yy[0, 0, 0, 0] += 1e-3 * max(1.0, abs(float(yy[0, 0, 0, 0])))
    xf, wf, bf, _ = layer_files(x, w, b, y)
    yf = save("bad", yy)
    base = ["--x", xf, "--w", wf, "--b", bf, "--y", yf]
    r = tconv("check", *base, "--rtol", "1e-2", "--atol", "1e-2", expect=0)
    expect("tolerance" in r.stdout and "NOT a rigorous bound" in r.stdout, r.stdout)
    tconv("check", *base, "--rtol", "1e-6", "--atol", "0", expect=1)
    tconv("check", *base, expect=1)


def case_wrong_shape():
    x, w, b, y = torch_layer(80, (1, 4, 4, 4), (4, 2, 3, 3), dict(stride=2))
    xf, wf, bf, yf = layer_files(x, w, b, y)
    r = tconv("check", "--x", xf, "--w", wf, "--b", bf, "--y", yf, expect=1)  # stride 1 expected: 6x6, y is 9x9
    expect("output shape [1, 2, 9, 9] is not the layer's output shape [1, 2, 6, 6]" in r.stdout, r.stdout)
    yt = save("transposed", y.numpy().transpose(0, 1, 3, 2).copy().reshape(1, 2, 9, 9)[:, :, :, :8])
    r = tconv("check", "--x", xf, "--w", wf, "--b", bf, "--y", yt, "--stride", "2", expect=1)
    expect("is not the layer's output shape" in r.stdout, r.stdout)


def case_nan_output():
    np = need_numpy()
    x, w, b, y = torch_layer(90, (1, 4, 4, 4), (4, 2, 3, 3), dict(stride=2))
    yy = y.numpy().copy(); yy[0, 1, 0, 0] = np.nan; yy[0, 0, 8, 8] = np.inf
    xf, wf, bf, _ = layer_files(x, w, b, y)
    r = tconv("check", "--x", xf, "--w", wf, "--b", bf, "--y", save("bad", yy), "--stride", "2", expect=1)
    expect("violations: 2" in r.stdout and "NaN where the exact value is finite" in r.stdout, r.stdout)


def case_json_report():
    x, w, b, y = torch_layer(100, (1, 4, 4, 4), (4, 2, 3, 3), dict(stride=2))
    yy = y.numpy().copy(); yy[0, 1, 2, 3] = 1e6
    xf, wf, bf, _ = layer_files(x, w, b, y)
    js = path("report.json")
    tconv("check", "--x", xf, "--w", wf, "--b", bf, "--y", save("bad", yy), "--stride", "2", "--json", js, "--quiet", expect=1)
    j = json.load(open(js))
    expect(j["verdict"] == "violated" and j["violations"] == 1 and j["elements_checked"] == 2 * 81, str(j))
    v = j["first_violations"][0]
    expect(v["index"] == [0, 1, 2, 3] and v["got"] == 1e6 and v["exact_hex"].startswith(("0x", "-0x")) and v["bound"] > 0, str(v))
    expect(abs(float(v["exact"].replace("...", "")) - float(y[0, 1, 2, 3])) < 1e-3, str(v))
    for k in ("max_error_to_bound", "max_error_ulps", "warnings", "mode", "precision"):
        expect(k in j, k)
    tconv("check", "--x", xf, "--w", wf, "--b", bf, "--y", layer_files(x, w, b, y)[3], "--stride", "2", "--json", js, expect=0)
    expect(json.load(open(js))["verdict"] == "verified", "verified json")


def case_onnx_conventions():
    # ONNX output_shape / auto_pad resolved by the spec's formulas: total pad = s(in-1) + op + d(k-1) + 1 - out
    r = tconv("shape", "--x-shape", "1,1,3,3", "--w-shape", "1,1,3,3", "--stride", "2", "--output-shape", "6,6", expect=0)
    expect("y: [1, 1, 6, 6]" in r.stdout and "pad_begin 1, pad_end 0" in r.stdout, r.stdout)  # total 1: NOTSET puts the odd one first
    r = tconv("shape", "--x-shape", "1,1,3,3", "--w-shape", "1,1,3,3", "--stride", "2", "--auto-pad", "SAME_UPPER", expect=0)
    expect("y: [1, 1, 6, 6]" in r.stdout and "pad_begin 0, pad_end 1" in r.stdout and "ONNX" in r.stdout, r.stdout)
    r = tconv("shape", "--x-shape", "1,1,3,3", "--w-shape", "1,1,3,3", "--pads", "1,0,0,2", expect=0)
    expect("y: [1, 1, 4, 3]" in r.stdout, r.stdout)
    # torch agrees on values where PyTorch can express the layer (symmetric pads)
    x, w, b, y = torch_layer(110, (1, 3, 4, 4), (3, 2, 3, 3), dict(stride=2, padding=1))
    xf, wf, bf, yf = layer_files(x, w, b, y)
    tconv("check", "--x", xf, "--w", wf, "--b", bf, "--y", yf, "--stride", "2", "--pads", "1,1,1,1", expect=0)


def case_conv_op():
    x, w, b, y = torch_layer(120, (2, 6, 7, 7), (4, 3, 3, 3), dict(stride=2, padding=1, groups=2), op="conv")
    xf, wf, bf, yf = layer_files(x, w, b, y)
    base = ["--x", xf, "--w", wf, "--b", bf, "--y", yf, "--stride", "2", "--padding", "1", "--groups", "2"]
    tconv("check", *base, "--op", "conv", expect=0)
    tconv("check", *base, expect=2)  # as conv_transpose the weight shape does not fit: a usage error


def case_npy_variants():
    np = need_numpy()
    x, w, b, y = torch_layer(130, (1, 3, 4, 4), (3, 2, 3, 3), dict(stride=2))
    xs = save("xbe", x.numpy().astype(">f4"))
    ws = save("wf", np.asfortranarray(w.numpy()))
    bs = save("b64", b.numpy().astype(np.float64))
    ys = save("y", y.numpy())
    tconv("check", "--x", xs, "--w", ws, "--b", bs, "--y", ys, "--stride", "2", "--precision", "fp32", expect=0)
    xi = save("xi", np.arange(3 * 2 * 2, dtype=np.int64).reshape(1, 3, 2, 2) - 5)
    wi = save("wi", np.arange(3 * 1 * 2 * 2, dtype=np.int32).reshape(3, 1, 2, 2))
    out = path("yi.npy")
    tconv("run", "--x", xi, "--w", wi, "--out", out, expect=0)
    xa = np.arange(12).reshape(1, 3, 2, 2) - 5; wa = np.arange(12).reshape(3, 1, 2, 2)
    yv = np.load(out)
    # integers (exact in float64): y[0,0,0,0] = sum_c x[0,c,0,0] w[c,0,0,0]; y[0,0,2,2] = sum_c x[0,c,1,1] w[c,0,1,1]
    expect(yv.dtype == np.float64 and yv.shape == (1, 1, 3, 3), str(yv.shape))
    expect(yv[0, 0, 0, 0] == xa[0, :, 0, 0] @ wa[:, 0, 0, 0] and yv[0, 0, 2, 2] == xa[0, :, 1, 1] @ wa[:, 0, 1, 1], str(yv[0, 0]))


def case_bad_npy():
    np = need_numpy()
    good = save("w", np.ones((1, 1, 2, 2), np.float32))
    x = save("x", np.ones((1, 1, 2, 2), np.float32))
    raw = open(x, "rb").read()
    cases = {
        "trunc": (raw[:-3], "truncated"),
        "magic": (b"NOTNUMPY" + raw[8:], "magic"),
        "huge": (b"\x93NUMPY\x01\x00" + struct.pack("<H", 118) +
                 b"{'descr': '<f4', 'fortran_order': False, 'shape': (4000000000, 4000000000, 4000000000), }".ljust(117) + b"\n", "too many"),
        "lying": (b"\x93NUMPY\x01\x00" + struct.pack("<H", 70) + b"{'descr': '<f4', 'fortran_order': False, 'shape': (100000000,), }".ljust(69) + b"\n" + b"\0" * 16, "truncated"),
        "dtype": (raw.replace(b"<f4", b"<c8"), "dtype"),
        "version": (raw[:6] + b"\x09" + raw[7:], "version"),
    }
    for name, (data, frag) in cases.items():
        p = path(name + ".npy")
        open(p, "wb").write(data)
        r = tconv("check", "--x", p, "--w", good, "--y", good, expect=2)
        expect(frag in r.stderr and "--x" in r.stderr and os.path.basename(p) in r.stderr, f"{name}: {r.stderr}")
    r = tconv("run", "--x", path("missing.npy"), "--w", good, "--out", path("o.npy"), expect=2)
    expect("missing.npy" in r.stderr, r.stderr)
    r = tconv("check", "--x", x, "--w", save("w3", np.ones((1, 2, 2), np.float32)), "--y", good, expect=2)
    expect("--w" in r.stderr and "rank" in r.stderr, r.stderr)
    r = tconv("check", "--x", x, "--w", good, "--b", save("b2", np.ones(2, np.float32)), "--y", good, expect=2)
    expect("--b" in r.stderr and "[C_out]" in r.stderr, r.stderr)


def case_bad_flags():
    s = ["shape", "--x-shape", "1,1,4,4", "--w-shape", "1,1,3,3"]
    for extra, frag in [(["--stride", "0"], "--stride"), (["--stride", "a"], "--stride"), (["--stride", "1,2,3"], "--stride"),
                        (["--dilation", "-1"], "--dilation"), (["--padding", "9"], "--padding"),
                        (["--output-padding", "3"], "--output-padding"), (["--groups", "2"], "groups"),
                        (["--auto-pad", "FOO"], "--auto-pad"), (["--op", "deconv"], "--op"),
                        (["--pads", "1,1,1"], "--pads"), (["--pads", "1,1,1,1", "--padding", "1"], "--padding"),
                        (["--bogus", "1"], "--bogus"), (["--output-shape", "0,0"], "output_shape")]:
        r = tconv(*s, *extra, expect=2)
        expect(frag in r.stderr, f"{extra}: {r.stderr}")
    for args, frag in [
            (["shape", "--x-shape", "1,1", "--w-shape", "1,1,3,3"], "--x-shape"),
            (["check", "--x", "a.npy", "--w", "b.npy"], "--y"),
            (["formula", "--x-shape", "1,1,2,2", "--w-shape", "1,1,2,2", "--at", "0,0,5,0"], "--at"),
            (["formula", "--x-shape", "64,512,4,4", "--w-shape", "512,256,4,4"], "--at"),
            (["matrix", "--x-shape", "64,512,64,64", "--w-shape", "512,256,4,4"], "at most"),
            (["matrix", "--x-shape", "1,1,2,2", "--w-shape", "1,1,2,2", "--w-values", "1,2,3"], "--w-values")]:
        r = tconv(*args, expect=2)
        expect(frag in r.stderr, f"{args}: {r.stderr}")
    np = need_numpy()
    x = save("x", np.ones((1, 1, 2, 2), np.float32))
    r = tconv("check", "--x", x, "--w", x, "--y", x, "--precision", "fp8", expect=2)
    expect("--precision" in r.stderr, r.stderr)
    tconv("--help", expect=0)
    tconv(expect=2)


def case_exit_codes_run():
    np = need_numpy()
    x = save("x", np.ones((1, 1, 2, 2), np.float32))
    r = tconv("run", "--x", x, "--w", x, "--out", "/nonexistent-dir/y.npy", expect=2)
    expect("--out" in r.stderr, r.stderr)
    r = tconv("run", "--x", x, "--w", x, "--out", path("y.npy"), expect=0)
    expect("wrote" in r.stdout, r.stdout)


# The bench/ layers; CI runs them with fewer channels and batch (the exact path judges every
# element with the superaccumulator). Full size (tens of minutes, outside CTest's timeout):
#   TCONV_DEEP=1 /usr/bin/python3 tests/cli/cli_test.py --tconv build/release/tools/tconv \
#       --work /tmp/tconv-deep --case fast_equals_exact
BENCH_LAYERS = [  # name, full x shape, full w shape, reduced x, reduced w, kwargs, op
    ("dcgan", (64, 512, 4, 4), (512, 256, 4, 4), (2, 64, 4, 4), (64, 32, 4, 4), dict(stride=2, padding=1), "conv_transpose"),
    ("fcn", (1, 21, 7, 7), (21, 21, 64, 64), (1, 3, 4, 4), (3, 3, 64, 64), dict(stride=32, padding=16), "conv_transpose"),
    ("unet3d", (1, 64, 16, 16, 16), (64, 32, 2, 2, 2), (1, 16, 8, 8, 8), (16, 8, 2, 2, 2), dict(stride=2), "conv_transpose"),
    ("small", (1, 16, 8, 8), (16, 16, 3, 3), (1, 16, 8, 8), (16, 16, 3, 3), dict(padding=1), "conv_transpose"),
    ("large3d", (1, 64, 32, 32, 32), (64, 32, 4, 4, 4), (1, 8, 12, 12, 12), (8, 8, 4, 4, 4), dict(stride=2, padding=1), "conv_transpose"),
    # forward conv through GEMM: groups, dilation, stride 1 and 2
    ("conv_groups_dilation", (4, 64, 16, 16), (64, 32, 3, 3), (4, 64, 16, 16), (64, 32, 3, 3), dict(groups=2, dilation=2, padding=2), "conv"),
    ("conv_stride2", (2, 32, 16, 16, 8), (16, 32, 3, 3, 3), (2, 32, 16, 16, 8), (16, 32, 3, 3, 3), dict(stride=(2, 2, 1), padding=1), "conv"),
]


def flushing_conv_transpose_1d(x, w, stride, below):
    """conv_transpose1d in float32, every input, product and partial sum below 2^-126 flushed to
    zero and products below `below` too; sums in the order ci, k (NumPy scalars, no tconv)."""
    np = need_numpy()
    f32 = np.float32
    def fl(v, t=2.0 ** -126):
        return f32(0) if abs(float(v)) < t else f32(v)
    n, cin, length = x.shape
    cout, k = w.shape[1], w.shape[2]
    out = (length - 1) * stride + k
    y = np.zeros((n, cout, out), np.float32)
    for b in range(n):
        for co in range(cout):
            for o in range(out):
                acc = f32(0)
                for ci in range(cin):
                    for kk in range(k):
                        t = o - kk
                        if t < 0 or t % stride or t // stride >= length:
                            continue
                        p = fl(fl(fl(x[b, ci, t // stride]) * fl(w[ci, co, kk])), max(below, 2.0 ** -126))
                        acc = fl(f32(acc + p))
                y[b, co, o] = acc
    return y


def case_ftz_mode():
    np = need_numpy()
    rng = np.random.default_rng(60)
    # products near 2^-126, some x subnormal: a flushing kernel's output
    x = (rng.standard_normal((1, 3, 5)) * 2.0 ** -62).astype(np.float32)
    x[0, 1, ::2] *= np.float32(2.0 ** -40)
    w = (rng.standard_normal((3, 2, 3)) * 2.0 ** -64).astype(np.float32)
    xf, wf = save("x", x), save("w", w)
    base = ["--x", xf, "--w", wf, "--stride", "2"]
    y = save("y", flushing_conv_transpose_1d(x, w, 2, 0.0))
    r = tconv("check", *base, "--y", y, "--ftz", "--json", path("r.json"), expect=0)
    expect("subnormals may flush to zero" in r.stdout, r.stdout)
    expect(json.load(open(path("r.json")))["flush_subnormals"] is True, "no flush_subnormals key")
    tconv("check", *base, "--y", y, expect=1)
    # flushing normal products (below 2^-100; these are near 2^-116) is a bug under --ftz too
    x2 = (rng.standard_normal((1, 3, 5)) * 2.0 ** -52).astype(np.float32)
    x2f = save("x2", x2)
    y2 = save("y2", flushing_conv_transpose_1d(x2, w, 2, 2.0 ** -100))
    tconv("check", "--x", x2f, "--w", wf, "--stride", "2", "--y", y2, "--ftz", expect=1)
    r = tconv("check", *base, "--y", y, "--ftz", "--rtol", "0.1", expect=2)
    expect("--ftz" in r.stderr, r.stderr)


def case_fast_equals_exact():
    """The fast path (GEMM interval + exact fallback) and --exact (every element exact) give the same
    verdicts, counts and reported worst elements, on PyTorch's output and on perturbed outputs."""
    np = need_numpy()
    deep = os.environ.get("TCONV_DEEP") == "1"
    for seed, (name, xf, wf, xr, wr, kw, op) in enumerate(BENCH_LAYERS):
        xs, ws = (xf, wf) if deep else (xr, wr)
        x, w, b, y = torch_layer(300 + seed, xs, ws, kw, op=op)
        yv = y.numpy().copy()
        rng = np.random.default_rng(seed)
        flat = yv.reshape(-1)
        bad = yv.copy()
        bflat = bad.reshape(-1)
        # a few elements a little off (some within the bound, some beyond it) and one far off
        for i in rng.choice(flat.size, 8, replace=False):
            bflat[i] = np.nextafter(np.nextafter(bflat[i], np.float32(np.inf)), np.float32(np.inf)) * np.float32(1 + 2.0 ** -(10 + i % 12))
        bflat[int(rng.integers(flat.size))] += np.float32(1.0)
        files = [save(name + "_x", x.numpy()), save(name + "_w", w.numpy()), save(name + "_b", b.numpy())]
        for tag, out in (("torch", yv), ("perturbed", bad)):
            yp = save(f"{name}_{tag}_y", out)
            common = ["check", "--x", files[0], "--w", files[1], "--b", files[2], "--y", yp, "--op", op, *flags(kw)]
            reports = []
            for extra in ([], ["--exact"]):
                js = path(f"{name}_{tag}_{len(extra)}.json")
                r = tconv(*common, *extra, "--json", js, "--quiet")
                expect(r.returncode in (0, 1), f"{name}/{tag}: exit {r.returncode}: {r.stderr}")
                reports.append(json.load(open(js)))
            fast, exact = reports
            for key in ("verdict", "violations", "warnings", "elements_checked", "max_error_to_bound_index",
                        "max_error_ulps_index"):
                expect(fast[key] == exact[key], f"{name}/{tag}: {key}: fast {fast[key]} vs exact {exact[key]}")
            expect([v["index"] for v in fast["first_violations"]] == [v["index"] for v in exact["first_violations"]],
                   f"{name}/{tag}: listed violations differ")
            # the fast path's error |got - s| is within e = gamma_n(2^-53) (a + |b|) of the exact one
            expect(abs(fast["max_error_to_bound"] - exact["max_error_to_bound"]) <= 1e-6 * exact["max_error_to_bound"],
                   f"{name}/{tag}: max error/bound {fast['max_error_to_bound']} vs {exact['max_error_to_bound']}")
            if tag == "torch":
                expect(fast["verdict"] == "verified", f"{name}: PyTorch's float32 output is VIOLATED: {fast}")
            else:
                expect(fast["verdict"] == "violated", f"{name}: the perturbed output is verified")
        print(f"{name}: x {xs} w {ws}: same verdicts and worst elements")


def main():
    global args
    ap = argparse.ArgumentParser()
    ap.add_argument("--tconv", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--case", required=True)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    globals()["case_" + args.case]()
    print("ok:", args.case)


if __name__ == "__main__":
    main()
