#!/usr/bin/env python3
"""The tree's two mechanical style rules, as tests (label style).

  style_check.py format ROOT       every tracked C/C++ file is as the project's .clang-format
                                   writes it (clang-format --dry-run --Werror)
  style_check.py length ROOT DIR…  no function of the product is longer than 80 lines, measured
                                   with Universal Ctags' end: field (line..end, both included)
  style_check.py control-format ROOT / control-length ROOT
                                   the checks' teeth: a misformatted file and an 81-line function,
                                   made in a temporary directory, must each be rejected

Exit status 0 pass, 1 violations (each listed), 77 tool missing (skip)."""
import os
import shutil
import subprocess
import sys
import tempfile

LIMIT = 80
SOURCES = (".c", ".h", ".cc", ".cpp", ".hpp")


def tool(*names):
    for n in names:
        if shutil.which(n):
            return n
    print(f"style_check: none of {', '.join(names)} installed", file=sys.stderr)
    sys.exit(77)


def tracked_sources(root):
    out = subprocess.run(["git", "-C", root, "ls-files", "-z"], capture_output=True, check=True)
    files = [f for f in out.stdout.decode().split("\0") if f.endswith(SOURCES)]
    return [os.path.join(root, f) for f in files if os.path.isfile(os.path.join(root, f))]


def misformatted(root, files):
    clang_format = tool("clang-format", "clang-format-14")
    bad = []
    for i in range(0, len(files), 50):
        chunk = files[i:i + 50]
        r = subprocess.run([clang_format, "--dry-run", "--Werror", f"--style=file:{root}/.clang-format",
                            *chunk], capture_output=True, text=True)
        if r.returncode != 0:
            bad += sorted({line.split(":")[0] for line in r.stderr.splitlines() if ": error:" in line})
    return bad


def long_functions(paths):
    ctags = tool("ctags-universal", "universal-ctags", "ctags")
    r = subprocess.run([ctags, "--fields=+ne", "-o", "-", "--languages=C++,C", "--kinds-C++=f",
                        "--kinds-C=f", "--langmap=C++:+.hpp", "-R", *paths],
                       capture_output=True, text=True, check=True)
    found = []
    for line in r.stdout.splitlines():
        cols = line.split("\t")
        fields = dict(c.split(":", 1) for c in cols[3:] if ":" in c)
        if "line" in fields and "end" in fields:
            n = int(fields["end"]) - int(fields["line"]) + 1
            if n > LIMIT:
                found.append((n, cols[0], f"{cols[1]}:{fields['line']}"))
    return sorted(found, reverse=True)


def report(what, items):
    for it in items:
        print(f"  {it}")
    print(f"style_check: {len(items)} {what}" if items else f"style_check: no {what}")
    return 1 if items else 0


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    mode, root = argv[1], os.path.abspath(argv[2])
    if mode == "format":
        return report("file(s) differ from .clang-format", misformatted(root, tracked_sources(root)))
    if mode == "length":
        dirs = [os.path.join(root, d) for d in argv[3:]]
        return report(f"function(s) longer than {LIMIT} lines",
                      [f"{n} lines  {name}  {where}" for n, name, where in long_functions(dirs)])
    with tempfile.TemporaryDirectory() as tmp:
        if mode == "control-format":
            bad = os.path.join(tmp, "bad.cpp")
            with open(bad, "w") as f:
                f.write("int  main( ){return 0 ;}\n")
            return 0 if misformatted(root, [bad]) == [bad] else 1
        if mode == "control-length":
            src = os.path.join(tmp, "long.cpp")
            with open(src, "w") as f:
                f.write("int long_one() {\n" + "  int a = 0;\n" * (LIMIT - 2) + "  return 0;\n}\n")
                f.write("int short_one() {\n" + "  int a = 0;\n" * (LIMIT - 3) + "  return 0;\n}\n")
            names = [name for _, name, _ in long_functions([tmp])]
            return 0 if names == ["long_one"] else 1
    print(f"style_check: unknown mode {mode}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
