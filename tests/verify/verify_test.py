#!/usr/bin/env python3
"""Tests of `tconv verify` (CTest label verify): verify_test.py NAME TCONV PLUGIN_DIR SOURCE_DIR.

Each NAME runs `tconv verify` in a scratch directory on the test plugins of tests/plugins (one
correct, one declining some problems, one declining all, three wrong in one feature each) and
checks the exit status, the matrix rows, the JSON structure, the HTML highlighting and the
baseline semantics. `real_libraries` runs the adapters of adapters/ (exit 77 = skipped when none
is built)."""
import html.parser
import json
import os
import re
import subprocess
import sys
import tempfile

NAME, TCONV, PLUGINS, SOURCE = sys.argv[1:5]
WRITER = sys.argv[5] if len(sys.argv) > 5 else ""  # the repro_* tests: tconv_repro_writer
REGIONS = ["rank1", "rank2", "rank3", "gaps", "dilation", "groups", "asymmetric_padding", "output_padding", "bias"]
SMALL = ["--cases-per-cell", "60", "--shrink-time", "5"]


def fail(msg, out=""):
    print(out)
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def verify(args, want, cwd):
    r = subprocess.run([TCONV, "verify"] + args, cwd=cwd, capture_output=True, text=True, timeout=600)
    out = r.stdout + r.stderr
    if r.returncode != want:
        fail(f"exit status {r.returncode}, expected {want}", out)
    return out


def rows(out, impl):
    """{region: cell text} of one implementation's column in the printed matrix."""
    lines = out.splitlines()
    header = next(i for i, l in enumerate(lines) if re.match(r"^ {20}\S", l))
    cols = [(m.start(), m.group()) for m in re.finditer(r"\S+", lines[header])]
    names = [c[1] for c in cols]
    if impl not in names:
        fail(f"no column {impl} in the matrix header", out)
    k = names.index(impl)
    start = cols[k][0]
    end = cols[k + 1][0] if k + 1 < len(cols) else None
    table = {}
    for l in lines[header + 1: header + 1 + len(REGIONS)]:
        table[l[:20].strip()] = l[start:end].strip()
    if list(table) != REGIONS:
        fail(f"matrix rows {list(table)}", out)
    return table


def expect_cells(out, impl, failing, other):
    """failing: regions whose cell must be FAIL; every other one must match `other`."""
    t = rows(out, impl)
    for reg, text in t.items():
        want = r"FAIL( |$)" if reg in failing else other
        if not re.match(want, text):
            fail(f"{impl} x {reg}: '{text}' does not match /{want}/", out)


def plugin(name):
    return f"{name}={PLUGINS}/{name}.so"


def load(path):
    with open(path) as f:
        return json.load(f)


class Parser(html.parser.HTMLParser):
    """Checks that every element opened is closed in order (void and optional-end elements aside)."""
    VOID = {"meta", "br", "hr", "img", "input", "link"}
    OPTIONAL = {"p", "tr", "td", "th", "li"}

    def __init__(self):
        super().__init__()
        self.stack, self.errors, self.wrong_cells = [], [], []

    def handle_starttag(self, tag, attrs):
        if tag == "td" and ("class", "wrong") in attrs:
            self.wrong_cells.append(dict(attrs).get("title", ""))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        while self.stack and self.stack[-1] != tag and self.stack[-1] in self.OPTIONAL:
            self.stack.pop()
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> (open: {self.stack[-3:]})")
            return
        self.stack.pop()


def run_script(argv, want, cwd, env=None):
    """Runs a reproduction script; it must exit `want`. Returns its output."""
    r = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=120, env=env)
    out = r.stdout + r.stderr
    if r.returncode != want:
        fail(f"{argv} exited {r.returncode}, expected {want}", out)
    return out


def sanitizer_env(so):
    """The environment a plain program needs to dlopen `so`: in the sanitized build the plugins
    need the ASan/UBSan runtimes first in the library list (LD_PRELOAD); None otherwise."""
    out = subprocess.run(["ldd", so], capture_output=True, text=True).stdout
    libs = [l.split("=>")[1].split("(")[0].strip() for l in out.splitlines()
            if "=>" in l and re.search(r"lib(asan|ubsan)\.so", l)]
    if not libs:
        return None
    return dict(os.environ, LD_PRELOAD=" ".join(libs), ASAN_OPTIONS="detect_leaks=0")


def repro_plugin(d):
    """verify on a wrong plugin writes a repro.c that shows the bug, and shows the correct plugin
    as fixed; the reports link it."""
    run = ["--impl", plugin("missing_output_padding"), "--regions", "output_padding", "--baseline", "none",
           "--out-dir", "rep", "--cases-per-cell", "20", "--shrink-time", "2"]
    os.makedirs(os.path.join(d, "rep"))
    open(os.path.join(d, "rep", "repro"), "w").close()  # a file where the directory goes
    out = verify(run, 1, d)  # a reproduction that cannot be written is a line, not a crash
    f = load(os.path.join(d, "rep", "verify.json"))["cells"][0]["findings"][0]
    if "repro:   not written: " not in out or f["reproduction"] != "" or not f.get("reproduction_error") \
            or "<b>reproduction</b> not written" not in open(os.path.join(d, "rep", "verify.html")).read():
        fail("an unwritable reproduction is not reported", out)
    os.remove(os.path.join(d, "rep", "repro"))
    verify(run, 1, d)
    f = load(os.path.join(d, "rep", "verify.json"))["cells"][0]["findings"][0]
    rep = os.path.join(d, f["reproduction"])
    if f["reproduction_script"] != "repro.c" or not rep.endswith(os.path.join("repro", "missing_output_padding", "cx1")):
        fail(f"reproduction {f['reproduction']} {f.get('reproduction_script')}")
    for name in ["problem.json", "x.npy", "w.npy", "expected.npy", "expected.txt", "README.txt", "impl.h"]:
        if not os.path.isfile(os.path.join(rep, name)):
            fail(f"reproduction lacks {name}")
    # expected.npy holds what `tconv run` writes for the case (the same exact core)
    pj = load(os.path.join(rep, "problem.json"))
    lst = lambda v: ",".join(str(e) for e in v)
    subprocess.run([TCONV, "run", "--x", "x.npy", "--w", "w.npy", "--out", "run.npy", "--stride", lst(pj["stride"]),
                    "--pads", lst(pj["pad_begin"] + pj["pad_end"]), "--dilation", lst(pj["dilation"]),
                    "--output-padding", lst(pj["output_padding"]), "--groups", str(pj["groups"])]
                   + (["--b", "b.npy"] if pj["has_bias"] else []), cwd=rep, check=True, capture_output=True)
    payload = lambda f: (lambda b: b[10 + int.from_bytes(b[8:10], "little"):])(open(os.path.join(rep, f), "rb").read())
    if payload("run.npy") != payload("expected.npy"):
        fail("expected.npy differs from tconv run's result")
    os.remove(os.path.join(rep, "run.npy"))
    html_text = open(os.path.join(d, "rep", "verify.html")).read()
    if 'href="repro/missing_output_padding/cx1/README.txt"' not in html_text:
        fail("the HTML report does not link the reproduction")
    src = open(os.path.join(rep, "repro.c")).read()
    first = src.splitlines()[0]
    if "cc -O0 repro.c -ldl -o repro" not in first or re.search(r'#include "(?!impl\.h)', src):
        fail(f"repro.c: first line '{first}' or a tconv header besides impl.h")
    run_script(["cc", "-O0", "repro.c", "-ldl", "-o", "repro"], 0, rep)
    env = sanitizer_env(f"{PLUGINS}/missing_output_padding.so")
    out = run_script(["./repro"], 1, rep, env)  # the plugin verify used: the bug
    if not re.search(r"y\[0,0,2\]: got -?nan.*WRONG", out) or "RESULT: the bug is present" not in out:
        fail("repro.c output on the wrong plugin", out)
    out = run_script(["./repro", f"{PLUGINS}/correct.so"], 0, rep, env)  # the control: a fixed plugin
    if not re.search(r"y\[0,0,2\]: got 0,.* ok", out) or "every listed element agrees" not in out:
        fail("repro.c output on the correct plugin", out)


def altered(rep, want, argv, cwd, env=None, names=("expected.npy", "expected.txt")):
    """The script fails once expected.npy, or the exact values of expected.txt, are altered."""
    import shutil
    for name in names:
        path = os.path.join(rep, name)
        shutil.copy(path, path + ".orig")
        if name == "expected.npy":
            data = bytearray(open(path, "rb").read())
            data[-4:] = bytes([0, 0, 0x80, 0x3f])  # the last element: 1.0, exact is elsewhere
            open(path, "wb").write(bytes(data))
        else:
            lines = open(path).read().splitlines()
            lines = [l if l.startswith("#") else " ".join(l.split()[:2] + ["1e3"] + l.split()[3:]) for l in lines]
            open(path, "w").write("\n".join(lines) + "\n")
        out = run_script(argv, 1, cwd, env)
        if "WRONG" not in out and "DISAGREES" not in out:
            fail(f"altered {name}: no wrong element printed", out)
        shutil.move(path + ".orig", path)
    return run_script(argv, want, cwd, env)


def writer(*args):
    r = subprocess.run([WRITER] + list(args), capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        fail(f"repro_writer {args}: {r.returncode}", r.stdout + r.stderr)
    return r.stdout.strip()


def repro_python(d):
    """repro.py (PyTorch) and repro.sh (the directory protocol, on tconv_torch.py) of a hand-made
    finding: torch is right, so both exit 0; an altered expected.npy (repro.py) or altered exact
    values in expected.txt (repro.sh; the comparison code is the same) make them exit 1."""
    py = "/usr/bin/python3"
    probe = subprocess.run([py, "-c", "import importlib.util as u, sys; "  # finds, does not import (3 s)
                                      "sys.exit(any(u.find_spec(m) is None for m in ('torch', 'numpy')))"],
                           capture_output=True)
    if probe.returncode != 0:
        print("SKIP: /usr/bin/python3 cannot import torch and numpy")
        sys.exit(77)
    script = writer(os.path.join(d, "py"), "python", "unused")
    out = altered(os.path.dirname(script), 0, [py, script], d, None, ["expected.npy"])
    if not re.search(r"y\[0,0,0,1\]: got .* ok", out) or "0 of 2 listed elements wrong" not in out:
        fail("repro.py on PyTorch", out)
    torch_cmd = f"{py} {SOURCE}/adapters/pytorch_python/tconv_torch.py"
    script = writer(os.path.join(d, "sh"), "", torch_cmd)
    env = dict(os.environ, PYTHON=py)
    out = altered(os.path.dirname(script), 0, ["sh", script], d, env, ["expected.txt"])
    if "the command answered: ok" not in out or "0 of 2 listed elements wrong" not in out:
        fail("repro.sh on tconv_torch.py", out)


def repro_javascript(d):
    """repro.js of a hand-made finding for each JavaScript adapter: the engines are right on it."""
    adapters = os.path.join(SOURCE, "adapters", "js")
    modules = os.path.join(SOURCE, "node_modules")
    if not os.path.isdir(modules) or not os.path.isdir(adapters) or subprocess.run(
            ["sh", "-c", "command -v node"], capture_output=True).returncode != 0:
        print("SKIP: node, node_modules or adapters/js is absent")
        sys.exit(77)
    env = dict(os.environ, NODE_PATH=modules)
    # ONNX Runtime on the plain case (the adapter poses it as pads), tfjs on a TensorFlow form (the
    # convention travels in problem.json)
    # (one altered file each: the comparison code is the same)
    for module, args, form, alter in [("tconv_onnxruntime.js", ["--provider", "cpu"], [], "expected.npy"),
                                      ("tconv_tfjs.js", ["--backend", "cpu"], ["--form", "tf_explicit"],
                                       "expected.txt")]:
        if not os.path.isfile(os.path.join(adapters, module)):
            continue
        script = writer(*form, os.path.join(d, module), "javascript", "node", os.path.join(adapters, module), *args)
        rep = os.path.dirname(script)
        if not os.path.isfile(os.path.join(rep, "engine", module)):
            fail(f"{module} not copied into engine/")
        if form and json.load(open(os.path.join(rep, "problem.json"))).get("convention", {}).get("kind") != form[1]:
            fail(f"{module}: problem.json lacks the convention form")
        out = altered(rep, 0, ["node", "repro.js"], rep, env, [alter])
        if "0 of 2 listed elements wrong" not in out:
            fail(f"repro.js on {module}", out)


def row(out, impl, name):
    """The cell text of row `name` (e.g. "conventions") in `impl`'s column of the printed matrix."""
    lines = out.splitlines()
    header = next(i for i, l in enumerate(lines) if re.match(r"^ {20}\S", l))
    cols = [(m.start(), m.group()) for m in re.finditer(r"\S+", lines[header])]
    k = [c[1] for c in cols].index(impl)
    end = cols[k + 1][0] if k + 1 < len(cols) else None
    line = next((l for l in lines[header + 1:] if l[:20].strip() == name), None)
    if line is None:
        fail(f"no row {name}", out)
    return line[cols[k][0]:end].strip()


def conventions(d):
    """The conventions row: a --cmd declaring ONNX forms is verified there (the wrong one fails),
    a plugin is "unsupported" (declares no convention forms); a spec ambiguity never fails."""
    py, adapter = "/usr/bin/python3", os.path.join(SOURCE, "tests", "explore", "convention_adapter.py")
    if subprocess.run([py, "-c", "import numpy"], capture_output=True).returncode != 0:
        print(f"SKIP: numpy is not installed for {py}")
        sys.exit(77)
    common = ["--regions", "rank1,conventions", "--cases-per-cell", "20", "--cmd-cases-per-cell",
              "24", "--shrink-time", "3", "--baseline", "none"]
    out = verify(["--impl", plugin("correct"), "--cmd", f"onnx={py} {adapter}",
                  "--cmd", f"noshape={py} {adapter} --ignore-output-shape"] + common, 1, d)
    cells = {i: row(out, i, "conventions") for i in ("correct", "onnx", "noshape")}
    if cells["correct"] != "unsupported" or not re.match(r"pass 24", cells["onnx"]) or \
            not cells["noshape"].startswith("FAIL NEW"):
        fail(f"conventions row: {cells}", out)
    j = load(os.path.join(d, "tconv-report", "verify.json"))
    conv = {c["implementation"]: c for c in j["cells"] if c["region"] == "conventions"}
    if conv["correct"].get("note") != "declares no convention forms" or not j["conventions_row"]:
        fail(f"the plugin's conventions cell: {conv['correct']}", out)
    f = conv["noshape"]["findings"][0]
    if f["kind"] != "wrong_shape" or f["label"] != "wrong output shape" or not f["convention"]:
        fail(f"noshape's finding: {f}", out)
    # the rank1 row poses plain forms only: the engine that ignores output_shape passes there
    if not row(out, "noshape", "rank1").startswith("pass"):
        fail("noshape x rank1 should pass (plain forms)", out)
    out = verify(["--cmd", f"other={py} {adapter} --same-adds-output-padding"] + common, 0, d)
    cell = row(out, "other", "conventions")
    j = load(os.path.join(d, "tconv-report", "verify.json"))
    same = [a for a in j["spec_ambiguities"] if "onnx_same_output_padding" in a["ambiguity"]]
    if not re.match(r"pass \d+.*, ambiguity A\d", cell) or not same or "spec ambiguities" not in out:
        fail(f"the other reading: cell '{cell}', ambiguities {j['spec_ambiguities']}", out)
    html = open(os.path.join(d, "tconv-report", "verify.html")).read()
    if "Spec ambiguities" not in html or f'id="{same[0]["id"]}"' not in html:
        fail("the HTML report lists no spec ambiguity", html)


def main():
    with tempfile.TemporaryDirectory() as d:
        if NAME == "repro_plugin":
            repro_plugin(d)
        elif NAME == "repro_python":
            repro_python(d)
        elif NAME == "repro_javascript":
            repro_javascript(d)
        elif NAME == "correct":
            out = verify(["--impl", plugin("correct"), "--baseline", "none"] + SMALL, 0, d)
            expect_cells(out, "correct", [], r"pass 60$")
            if "0 known, 0 new" not in out:
                fail("findings line", out)
        elif NAME == "partial":
            # declines groups and rank 3: those cells are unsupported, never failures
            out = verify(["--impl", plugin("partial"), "--baseline", "none"] + SMALL, 0, d)
            t = rows(out, "partial")
            if t["rank3"] != "unsupported" or t["groups"] != "unsupported":
                fail(f"rank3 / groups cells: {t}", out)
            for reg in ["rank1", "rank2", "gaps", "dilation", "asymmetric_padding", "output_padding", "bias"]:
                if not re.match(r"pass \d+(/60)?$", t[reg]):
                    fail(f"partial x {reg}: {t[reg]}", out)
        elif NAME == "unsupported_all":
            out = verify(["--impl", plugin("unsupported_all"), "--baseline", "none"] + SMALL, 0, d)
            expect_cells(out, "unsupported_all", [], r"unsupported$")
        elif NAME == "wrong":
            # each wrong plugin fails its own feature's cell and the rank cells (every feature
            # mixed), and passes the cells of the other features
            args = ["--impl", plugin("wrong_groups"), "--impl", plugin("missing_output_padding"),
                    "--impl", plugin("swapped_pads"), "--baseline", "none"] + SMALL
            out = verify(args, 1, d)
            ranks = ["rank1", "rank2", "rank3"]
            expect_cells(out, "wrong_groups", ranks + ["groups"], r"pass \d+$")
            expect_cells(out, "missing_output_padding", ranks + ["output_padding"], r"pass \d+$")
            expect_cells(out, "swapped_pads", ranks + ["asymmetric_padding"], r"pass \d+$")
            if "NEW (not in the baseline)" not in out or "replay:  tconv explore --impl" not in out:
                fail("finding lines", out)
            # every replay command reproduces its counterexample
            for cmd in re.findall(r"replay:  (tconv explore .*)", out):
                argv = [TCONV] + cmd.split()[1:]
                r = subprocess.run(argv, cwd=d, capture_output=True, text=True, timeout=60)
                if r.returncode != 1 or "COUNTEREXAMPLE REPRODUCED" not in r.stdout:
                    fail(f"replay '{cmd}' gave {r.returncode}", r.stdout + r.stderr)
        elif NAME == "json":
            verify(["--impl", plugin("missing_output_padding"), "--impl", plugin("correct"), "--baseline", "none",
                    "--json", "m.json"] + SMALL, 1, d)
            r = load(os.path.join(d, "m.json"))
            for key in ["seed", "cases_per_cell", "regions", "implementations", "cells", "baseline", "exit_status"]:
                if key not in r:
                    fail(f"JSON lacks {key}")
            if r["regions"] != REGIONS or r["exit_status"] != 1:
                fail("regions / exit_status")
            if len(r["cells"]) != 2 * len(REGIONS):
                fail(f"{len(r['cells'])} cells")
            for c in r["cells"]:
                for key in ["implementation", "region", "status", "executed", "tested", "unsupported", "coverage",
                            "campaigns", "findings"]:
                    if key not in c:
                        fail(f"cell lacks {key}: {c}")
                if c["implementation"] == "correct" and (c["status"] != "pass" or c["tested"] != 60):
                    fail(f"correct cell {c['region']}: {c['status']} {c['tested']}")
                if set(c["coverage"]) != set(REGIONS):
                    fail("coverage regions")
            op = next(c for c in r["cells"] if c["implementation"] == "missing_output_padding"
                      and c["region"] == "output_padding")
            if op["status"] != "fail" or len(op["findings"]) != 1:
                fail(f"output_padding cell: {op['status']}")
            f = op["findings"][0]
            for key in ["kind", "problem", "problem_text", "message", "replay", "saved", "got", "exact", "wrong",
                        "output_shape", "x", "w"]:
                if key not in f:
                    fail(f"counterexample lacks {key}")
            if f["kind"] != "wrong_result" or not f["wrong"] or f["known"] != "":
                fail("counterexample content")
            # the minimal counterexample: one input, 1-wide kernel, output_padding 1; the element
            # output_padding adds is the one never written
            if f["problem"]["input"] != [1] or f["problem"]["output_padding"] != [1]:
                fail(f"not minimal: {f['problem_text']}")
            last = f["wrong"][0]
            if last["got"] != "nan" or last["flat"] != len(f["got"]) - 1:
                fail(f"wrong element: {last}")
            if not os.path.isfile(os.path.join(d, f["saved"], "problem.json")):
                fail("saved case")
        elif NAME == "html":
            verify(["--impl", plugin("missing_output_padding"), "--regions", "output_padding", "--baseline", "none",
                    "--out-dir", "rep"] + SMALL, 1, d)
            text = open(os.path.join(d, "rep", "verify.html")).read()
            p = Parser()
            p.feed(text)
            p.close()
            if p.errors or [t for t in p.stack if t not in Parser.OPTIONAL]:
                fail(f"HTML structure: {p.errors} {p.stack}")
            if re.search(r"<(link|script)\b|src=|https?://", text):
                fail("HTML is not self-contained")
            if not any(t.startswith("got nan, exact ") and "&gt; bound" in t or "> bound" in t for t in p.wrong_cells):
                fail(f"no highlighted never-written element: {p.wrong_cells}")
            if "FAIL NEW" not in text or 'href="#cx1"' not in text or 'id="cx1"' not in text:
                fail("matrix cell links to its counterexample")
            if not os.path.isfile(os.path.join(d, "rep", "verify.json")):
                fail("default JSON path")
        elif NAME == "baseline":
            ranks = ["rank1", "rank2", "rank3", "groups"]
            base = {"campaign": {"seed": 1, "cases_per_cell": 60, "cmd_cases_per_cell": 80},
                    "findings": [{"id": "G1", "implementation": "wrong_groups", "signature": "any",
                                  "title": "reads the next group", "cells": ranks}]}
            run = ["--impl", plugin("wrong_groups"), "--baseline", "b.json"] + SMALL

            def with_base(b, want):
                with open(os.path.join(d, "b.json"), "w") as f:
                    json.dump(b, f)
                return verify(run, want, d)

            out = with_base(base, 0)  # every finding known, every expected cell reproduced
            if "known G1 (reads the next group)" not in out or "4 known, 0 new" not in out:
                fail("known findings", out)
            base["findings"][0]["cells"] = ranks + ["bias"]  # expected where it does not occur
            out = with_base(base, 1)
            if "NOT REPRODUCED: G1 in wrong_groups x bias" not in out:
                fail("missing finding", out)
            base["campaign"]["seed"] = 2  # another campaign: known findings need not reproduce
            with_base(base, 0)
            base["findings"][0]["implementation"] = "someone_else"  # not this one's: new
            out = with_base(base, 1)
            if "0 known, 4 new" not in out:
                fail("new findings", out)
            # a structural signature (the features of the minimal problem) and a precision class:
            # the cells show it apart from semantic failures, and nothing is new
            structural = {"campaign": base["campaign"], "findings": [dict(
                base["findings"][0], implementation="wrong_groups", signature="features:groups>1",
                **{"class": "precision"})]}
            out = with_base(structural, 0)
            if not rows(out, "wrong_groups")["groups"].startswith("precision G1") or " 0 new" not in out:
                fail("structural signature / precision class", out)
            structural["findings"][0]["class"] = "cosmetic"
            if "\"class\" must be" not in with_base(structural, 2):
                fail("bad class message")
            base["findings"][0]["signature"] = "telepathy"
            out = with_base(base, 2)
            if "unknown signature \"telepathy\"" not in out:
                fail("bad signature message", out)
            with open(os.path.join(d, "b.json"), "w") as f:
                f.write("{not json")
            verify(run, 2, d)
        elif NAME == "usage":
            for args, msg in [(["--regions", "rank4"], "unknown region \"rank4\""),
                              (["--only", "nobody"], "--only nobody: no implementation"),
                              (["--impl", "x=/nonexistent.so"], "no such file"),
                              (["--impl", plugin("correct"), "--impl", plugin("correct")], "already used"),
                              (["--cases-per-cell", "0"], "--cases-per-cell"),
                              (["--impl", f"bad={SOURCE}/tests/verify/verify_test.py"], "cannot load")]:
                out = verify(args, 2, d)
                if msg not in out:
                    fail(f"{args}: message lacks '{msg}'", out)
        elif NAME == "conventions":
            conventions(d)
        elif NAME == "real_libraries":
            adapters = os.path.join(os.path.dirname(os.path.dirname(TCONV)), "adapters")
            if not os.path.isdir(adapters) or not any(n.startswith("libtconv_") for n in os.listdir(adapters)):
                print("SKIP: no adapter plugin built (install the libraries with scripts/install-deps.sh)")
                sys.exit(77)
            # a reduced budget of the main job, against the committed baseline: known findings only
            out = verify(["--cases-per-cell", "30", "--cmd-cases-per-cell", "6", "--shrink-time", "5"], 0, d)
            print(out)
            for impl in ["torch", "onednn", "xnnpack", "opencv"]:
                if os.path.isfile(os.path.join(adapters, f"libtconv_{impl}.so")):
                    t = rows(out, impl)
                    if all(v in ("n/a", "unsupported") for v in t.values()):
                        fail(f"{impl}: nothing verified", out)
        else:
            fail(f"unknown test {NAME}")
    print("PASS")


main()
