#!/usr/bin/env python3
"""Benchmark: the whole `tconv check` process and `tconv run` against PyTorch's float32 operator
(plus numpy.load of the same files), on the same machine, in one run, at 1 and at 2 threads.

Usage: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/bench.py \
           --tconv build/release/tools/tconv [--reps 5] [--threads 1,2] [--only NAME]
(or: cmake --build build/release --target bench, which unsets the two variables for this
command only; they pin OpenBLAS's kernel choice on some machines and are left alone elsewhere.)

Per layer and thread count:
  torch op   PyTorch's conv_transpose call alone (torch.set_num_threads(t)), best of
             max(20, 4 x --reps) calls when one takes under 0.1 s, else of --reps; its GMAC/s is
             printed as a plausibility check (and its output is what tconv checks)
  np load    numpy.load of x, w, b and y (the files `tconv check` reads) into fresh memory, as
             the first load in any process is and as `tconv` reads them: in a child Python with
             glibc's mmap threshold fixed at its initial 128 KiB (MALLOC_MMAP_THRESHOLD_), so each
             array above it gets new pages as a first load does; best of as many
  warm       the same loads repeated in this process, best of as many: glibc then serves each
             array from memory the previous load freed (no page faults) -- printed, not the goal
  run        `tconv run --timing`: compute time (best of --reps), and the whole process
  check      the whole `tconv check` process, wall time (best of --reps), its peak RSS (wait4)
  in-proc    the same runs' read + check time from `--timing` (best of --reps): check without
             process start and exit, what the header-only library costs called in a process
Ratios: check / (torch op + np load) (goal <= 3; also against the warm load), run compute /
torch op (goal <= 5), and peak RSS against 3 x (input + output file sizes) + 64 MB. First, the floor under every whole-process
figure: /bin/true and `tconv --help` started the same way.
"""
import argparse, os, re, subprocess, sys, tempfile, time

LAYERS = [  # name, x shape, w shape, kwargs
    ("DCGAN 512->256 4x4->8x8 k4 s2 p1 b64", (64, 512, 4, 4), (512, 256, 4, 4), dict(stride=2, padding=1)),
    ("FCN 21->21 7x7 k64 s32 p16", (1, 21, 7, 7), (21, 21, 64, 64), dict(stride=32, padding=16)),
    ("3D U-Net 64->32 16^3->32^3 k2 s2", (1, 64, 16, 16, 16), (64, 32, 2, 2, 2), dict(stride=2)),
    ("small b1 16->16 8x8 k3 p1", (1, 16, 8, 8), (16, 16, 3, 3), dict(padding=1)),
    ("large 3D 64->32 32^3->64^3 k4 s2 p1", (1, 64, 32, 32, 32), (64, 32, 4, 4, 4), dict(stride=2, padding=1)),
]


def blas_of_torch(torch):
    cfg = torch.__config__.show()
    lines = re.findall(r"BLAS_INFO=[^,]*", cfg) + [l.strip(" -") for l in cfg.splitlines() if "MKL-DNN" in l]
    try:
        from threadpoolctl import threadpool_info
        pools = [f"{p.get('internal_api')} {p.get('version')} ({p.get('filepath')})" for p in threadpool_info()]
        lines.append("threadpoolctl: " + "; ".join(pools))
    except ImportError:
        maps = open("/proc/self/maps").read()
        libs = sorted({l.split()[-1] for l in maps.splitlines() if "blas" in l.lower() and l.split()[-1].startswith("/")})
        lines.append("mapped: " + (", ".join(libs) or "none"))
    return " | ".join(lines)


def blas_of(exe):
    r = subprocess.run(["ldd", exe], capture_output=True, text=True)
    libs = [l.split("=>")[-1].split("(")[0].strip() for l in r.stdout.splitlines() if "blas" in l.lower()]
    if libs:
        return ", ".join(os.path.realpath(l) for l in libs)
    # linked statically (CMakeLists.txt: TCONV_STATIC_BLAS): OpenBLAS's own messages are in the binary
    with open(exe, "rb") as f:
        static = b"OpenBLAS Warning" in f.read()
    return "OpenBLAS, static (libopenblas.a of libopenblas-dev)" if static else "none (direct loops)"


def timed(cmd):
    """(wall seconds, stdout, stderr, exit code) of one child process."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = p.communicate()
    wall = time.perf_counter() - t
    return wall, out, err, p.returncode


def peak_rss(cmd):
    """Peak resident memory (bytes) and exit code of one more run of cmd, by /usr/bin/time (a child
    forked from this Python process would count torch's pages until its exec)."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as f:
        p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", f.name, *cmd], capture_output=True)
        return int(f.read().split()[-1]) * 1024, p.returncode


def best(n, f):
    return min(f() for _ in range(n))


FRESH_LOAD = """
import sys, time, numpy as np
def load():
    t = time.perf_counter()
    for p in sys.argv[2:]:
        np.load(p)
    return time.perf_counter() - t
print(min(load() for _ in range(int(sys.argv[1]))))
"""


def fresh_load(paths, reps):
    """Best time of numpy.load of paths into fresh memory, in a child Python (see the docstring)."""
    env = dict(os.environ, MALLOC_MMAP_THRESHOLD_=str(128 * 1024))
    r = subprocess.run([sys.executable, "-c", FRESH_LOAD, str(reps), *paths], capture_output=True, text=True,
                       env=env)
    if r.returncode != 0:
        sys.exit(f"numpy.load in a child process failed: {r.stderr}")
    return float(r.stdout)


def bench_layer(a, np, torch, tmp, layer, threads):
    name, xs, ws, kw = layer
    g = torch.Generator().manual_seed(0)
    x, w, b = torch.randn(*xs, generator=g), torch.randn(*ws, generator=g), torch.randn(ws[1], generator=g)
    f = torch.nn.functional.conv_transpose2d if len(xs) == 4 else torch.nn.functional.conv_transpose3d
    torch.set_num_threads(threads)
    y = f(x, w, b, **kw)

    def op():
        t = time.perf_counter()
        f(x, w, b, **kw)
        return time.perf_counter() - t

    # the anchor measured at least as carefully as tconv: a short call is timed more often (one
    # descheduled call on this shared VM can double a figure), a long one --reps times
    anchor_reps = max(20, 4 * a.reps) if op() < 0.1 else a.reps
    op_s = best(anchor_reps, op)
    macs = x.numel() * ws[1] * int(torch.tensor(ws[2:]).prod())
    paths = {k: os.path.join(tmp, k + ".npy") for k in ("x", "w", "b", "y", "ref")}
    for k, v in (("x", x), ("w", w), ("b", b), ("y", y)):
        np.save(paths[k], v.numpy())

    def load():
        t = time.perf_counter()
        for k in ("x", "w", "b", "y"):
            np.load(paths[k])
        return time.perf_counter() - t

    warm_s = best(anchor_reps, load)
    load_s = fresh_load([paths[k] for k in ("x", "w", "b", "y")], anchor_reps)
    hyper = []
    for k, v in kw.items():
        hyper += ["--" + k.replace("_", "-"), str(v)]
    common = ["--x", paths["x"], "--w", paths["w"], "--b", paths["b"], *hyper, "--threads", str(threads)]
    run_cmd = [a.tconv, "run", *common, "--out", paths["ref"], "--timing"]
    run_compute, run_wall = float("inf"), float("inf")
    for _ in range(a.reps):
        wall, out, err, rc = timed(run_cmd)
        if rc != 0:
            sys.exit(f"tconv run failed ({rc}): {err}")
        run_wall = min(run_wall, wall)
        run_compute = min(run_compute, float(re.search(r"compute ([0-9.]+) s", err).group(1)))
    chk_cmd = [a.tconv, "check", *common, "--y", paths["y"]]
    chk_s, inproc_s, verdict = float("inf"), float("inf"), ""
    for _ in range(a.reps):
        wall, out, err, rc = timed([*chk_cmd, "--timing"])
        if rc not in (0, 1):
            sys.exit(f"tconv check failed ({rc}): {err}")
        chk_s = min(chk_s, wall)
        t = re.search(r"read ([0-9.]+) s, check ([0-9.]+) s", err)
        inproc_s = min(inproc_s, float(t.group(1)) + float(t.group(2)))
        verdict = out.splitlines()[0].split(": ")[-1] if out else err.strip()
        fallbacks = re.search(r"exact arithmetic: (\d+)", out)
    rss, _ = peak_rss(chk_cmd)
    files = sum(os.path.getsize(paths[k]) for k in ("x", "w", "b", "y"))
    return dict(name=name, threads=threads, op=op_s, gmacs=macs / op_s / 1e9, load=load_s, warm=warm_s,
                run=run_compute, run_wall=run_wall, check=chk_s, inproc=inproc_s, verdict=verdict, fallbacks=fallbacks.group(1) if fallbacks else "?",
                rss=rss, files=files)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tconv", required=True)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--only", default="", help="run only the layers whose name contains this")
    a = ap.parse_args()
    try:
        import numpy as np, torch
    except ImportError as e:
        sys.exit(f"bench needs python3-torch and python3-numpy under /usr/bin/python3: {e}")
    print(time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "|", os.uname().nodename, "|",
          open("/proc/cpuinfo").read().split("model name")[1].split("\n")[0].split(":", 1)[1].strip(), "|",
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print(f"torch {torch.__version__} BLAS: {blas_of_torch(torch)}")
    print(f"tconv BLAS: {blas_of(a.tconv)}; --threads threads, each running BLAS on one thread")
    env = [k for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS") if k in os.environ]
    print("environment:", ", ".join(f"{k}={os.environ[k]}" for k in env) or "no OPENBLAS_*/OMP_* variables set")
    # the floor under every whole-process figure: starting a process that does nothing
    floor_true = best(a.reps * 4, lambda: timed(["/bin/true"])[0])
    floor_tconv = best(a.reps * 4, lambda: timed([a.tconv, "--help"])[0])
    print(f"process floor: /bin/true {floor_true*1e3:.2f} ms, tconv --help {floor_tconv*1e3:.2f} ms "
          "(started from this Python process)")
    tmp = tempfile.mkdtemp(prefix="tconv-bench-")
    rows = []
    for layer in LAYERS:
        if a.only and a.only not in layer[0]:
            continue
        for t in [int(v) for v in a.threads.split(",")]:
            rows.append(bench_layer(a, np, torch, tmp, layer, t))
    print()
    print(f"{'layer':38} {'thr':>3} {'torch op':>9} {'GMAC/s':>6} {'np load':>8} {'warm':>7} {'run':>8} "
          f"{'run/op':>6} {'check':>8} {'in-proc':>8} {'chk/(op+ld)':>11} {'(warm)':>6} {'peak RSS':>9} "
          f"{'RSS goal':>9}  verdict (exact fallbacks)")
    for r in rows:
        goal = 3 * r["files"] + 64 * 2**20
        print(f"{r['name']:38} {r['threads']:>3} {r['op']*1e3:7.2f}ms {r['gmacs']:6.1f} {r['load']*1e3:6.1f}ms "
              f"{r['warm']*1e3:5.1f}ms {r['run']*1e3:6.1f}ms {r['run']/r['op']:6.2f} {r['check']*1e3:6.1f}ms "
              f"{r['inproc']*1e3:6.1f}ms {r['check']/(r['op']+r['load']):11.2f} "
              f"{r['check']/(r['op']+r['warm']):6.2f} {r['rss']/2**20:7.1f}MB {goal/2**20:7.1f}MB  "
              f"{r['verdict']} ({r['fallbacks']})")
    worst_chk = max(r["check"] / (r["op"] + r["load"]) for r in rows)
    worst_warm = max(r["check"] / (r["op"] + r["warm"]) for r in rows)
    worst_run = max(r["run"] / r["op"] for r in rows)
    worst_rss = max(r["rss"] / (3 * r["files"] + 64 * 2**20) for r in rows)
    print(f"\nworst: check/(op+load) {worst_chk:.2f} (goal 3; {worst_warm:.2f} against the warm load), "
          f"run/op {worst_run:.2f} (goal 5), peak RSS / goal {worst_rss:.2f} (goal 1)")


if __name__ == "__main__":
    main()
