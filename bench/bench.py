#!/usr/bin/env python3
"""Benchmark: `tconv run` (the exact reference) and `tconv check` against PyTorch's float32
conv_transpose on the same machine, in the same run.

Usage: /usr/bin/python3 bench/bench.py --tconv build/release/tools/tconv [--reps 5] [--threads 2]
(or: cmake --build build/release --target bench)

For each layer: PyTorch float32 operator time (best of --reps, torch.set_num_threads(--threads)),
the reference's compute time as reported by `tconv run --timing` (best of --reps), and the whole
`tconv check` command's wall time on PyTorch's own output (reading the files included, best of
--reps). Ratios are to PyTorch's operator alone. Also prints which BLAS PyTorch uses.
"""
import argparse, os, re, subprocess, sys, tempfile, time

LAYERS = [  # name, x shape, w shape, kwargs
    ("DCGAN 512->256 4x4->8x8 k4 s2 p1, batch 64", (64, 512, 4, 4), (512, 256, 4, 4), dict(stride=2, padding=1)),
    ("FCN 21->21 7x7 k64 s32 p16", (1, 21, 7, 7), (21, 21, 64, 64), dict(stride=32, padding=16)),
    ("3D U-Net 64->32 16^3->32^3 k2 s2", (1, 64, 16, 16, 16), (64, 32, 2, 2, 2), dict(stride=2)),
]


def blas_in_use():
    """The BLAS library torch's process has mapped (libblas.so.3 is an alternative on Debian)."""
    try:
        real = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
        maps = open("/proc/self/maps").read()
        libs = sorted({l.split()[-1] for l in maps.splitlines() if "blas" in l.lower() and l.split()[-1].startswith("/")})
        return f"libblas.so.3 -> {real}; mapped: {', '.join(libs) or 'none'}"
    except OSError as e:
        return f"unknown ({e})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tconv", required=True)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    try:
        import numpy as np, torch
    except ImportError as e:
        sys.exit(f"bench needs python3-torch and python3-numpy under /usr/bin/python3: {e}")
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; BLAS: {blas_in_use()}")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (shared machines make figures noisy)")
    tmp = tempfile.mkdtemp(prefix="tconv-bench-")
    rows = []
    for name, xs, ws, kw in LAYERS:
        x, w, b = torch.randn(*xs), torch.randn(*ws), torch.randn(ws[1])
        f = torch.nn.functional.conv_transpose2d if len(xs) == 4 else torch.nn.functional.conv_transpose3d
        y = f(x, w, b, **kw)
        best = float("inf")
        for _ in range(a.reps):
            t = time.perf_counter(); f(x, w, b, **kw); best = min(best, time.perf_counter() - t)
        torch_s = best
        paths = {k: os.path.join(tmp, k + ".npy") for k in ("x", "w", "b", "y", "ref")}
        for k, v in (("x", x), ("w", w), ("b", b), ("y", y)):
            np.save(paths[k], v.numpy())
        hyper = []
        for k, v in kw.items():
            hyper += ["--" + k.replace("_", "-"), str(v)]
        common = ["--x", paths["x"], "--w", paths["w"], "--b", paths["b"], *hyper, "--threads", str(a.threads)]
        ref_s = float("inf")
        for _ in range(a.reps):
            r = subprocess.run([a.tconv, "run", *common, "--out", paths["ref"], "--timing"], capture_output=True, text=True)
            if r.returncode != 0:
                sys.exit(f"tconv run failed: {r.stderr}")
            ref_s = min(ref_s, float(re.search(r"compute ([0-9.]+) s", r.stderr).group(1)))
        exact_line = r.stdout.strip()
        chk_s, verdict = float("inf"), ""
        for _ in range(a.reps):
            t = time.perf_counter()
            r = subprocess.run([a.tconv, "check", *common, "--y", paths["y"]], capture_output=True, text=True)
            chk_s = min(chk_s, time.perf_counter() - t)
            verdict = r.stdout.splitlines()[0] if r.stdout else r.stderr
        rows.append((name, torch_s, ref_s, chk_s, verdict, exact_line))
    print()
    print(f"{'layer':44} {'torch f32':>10} {'reference':>10} {'ratio':>6} {'check cmd':>10} {'ratio':>6}  verdict on torch's output")
    for name, t, r, c, v, _ in rows:
        print(f"{name:44} {t*1e3:8.1f}ms {r*1e3:8.1f}ms {r/t:6.2f} {c*1e3:8.1f}ms {c/t:6.2f}  {v}")
    print()
    for name, *_, e in rows:
        print(f"{name}: {e.split(', the exact result')[-1].strip()}")


if __name__ == "__main__":
    main()
