#pragma once
// The fixed text of the reproduction scripts (verify/repro.hpp), one per engine language, with
// @NAME@ placeholders that repro.cpp fills in. Each script reads expected.txt (lines "FLAT INDEX
// EXACT BOUND", '#' starts a comment), prints got vs expected for those elements and exits 1 when
// one is off the exact value by more than its bound (or the call fails, or the shape differs), 0
// when every listed element agrees. A listed element also fails when expected.npy disagrees with
// expected.txt beyond the bound (the files were altered: a result is never judged against them).
#include <string_view>

namespace tconv::verify::scripts {

/// repro.c: dlopens the plugin (argv[1], default @PLUGIN@) and calls tconv_conv_transpose_f32.
inline constexpr std::string_view c_plugin =
    R"repro(/* cc -O0 repro.c -ldl -o repro && ./repro [PLUGIN.so]
 * tconv reproduction @ID@: @IMPL@ x @REGION@, @LABEL@.
 * Plugin: @PLUGIN@ (argv[1] overrides it).
 * Run it in this directory: it reads x.npy, w.npy, b.npy (with bias), expected.npy and
 * expected.txt from the current directory, calls tconv_conv_transpose_f32 of the plugin on the
 * problem below (the same as problem.json), prints got vs expected for the elements listed in
 * expected.txt and exits 1 while one differs from its exact value by more than its bound (or the
 * call fails, writes outside y or modifies its inputs), 0 when all agree. Needs impl.h (copied
 * here), a C compiler and libdl; nothing else. Assumes a little-endian machine (as .npy '<f4'). */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "impl.h"

/* @PROBLEM_TEXT@ */
static const tconv_problem problem = @PROBLEM@;
static const char* default_plugin = "@PLUGIN@";
#define GUARD 64 /* floats around y that the plugin must not write */

static long count_of(long a, long b, const int64_t* e, int64_t rank) {
  long n = a * b;
  for (int64_t i = 0; i < rank; ++i) n *= (long)e[i];
  return n;
}

/* count float32 values of a C-order '<f4' .npy file (version 1 or 2); exits 2 when it is not. */
static float* read_npy(const char* file, long count) {
  unsigned char head[12];
  FILE* f = fopen(file, "rb");
  if (!f || fread(head, 1, 10, f) != 10 || memcmp(head, "\x93NUMPY", 6) != 0) {
    fprintf(stderr, "%s: cannot read a .npy file\n", file);
    exit(2);
  }
  long len = head[8] | (long)head[9] << 8;
  if (head[6] >= 2) {
    if (fread(head + 10, 1, 2, f) != 2) exit(2);
    len |= (long)head[10] << 16 | (long)head[11] << 24;
  }
  char* h = calloc((size_t)len + 1, 1);
  float* v = malloc((size_t)(count > 0 ? count : 1) * sizeof(float));
  if (!h || !v || fread(h, 1, (size_t)len, f) != (size_t)len || !strstr(h, "'<f4'") ||
      strstr(h, "'fortran_order': True") || fread(v, sizeof(float), (size_t)count, f) != (size_t)count ||
      fgetc(f) != EOF) {
    fprintf(stderr, "%s: not %ld little-endian float32 values in C order\n", file, count);
    exit(2);
  }
  free(h);
  fclose(f);
  return v;
}

static double absd(double d) { return d < 0 ? -d : d; }

/* Prints the elements listed in expected.txt; returns how many are wrong. */
static int compare(const float* y, const float* expected, long ny) {
  FILE* f = fopen("expected.txt", "r");
  char line[4096], index[256], exact[256], bound[256];
  long flat = 0;
  int listed = 0, wrong = 0;
  if (!f) {
    fprintf(stderr, "expected.txt: cannot open it\n");
    exit(2);
  }
  while (fgets(line, sizeof line, f)) {
    if (line[0] == '#' || sscanf(line, "%ld %255s %255s %255s", &flat, index, exact, bound) != 4)
      continue;
    if (flat < 0 || flat >= ny) continue;
    const double e = strtod(exact, NULL), b = strtod(bound, NULL), err = absd(y[flat] - e);
    const int consistent = absd(expected[flat] - e) <= b;
    const int bad = !(err <= b) || !consistent;
    ++listed;
    wrong += bad;
    printf("y%s: got %.9g, expected %.9g (exact %s), |got - exact| %.3g, bound %.3g  %s\n", index,
           (double)y[flat], (double)expected[flat], exact, err, b,
           !consistent ? "expected.npy DISAGREES with expected.txt" : bad ? "WRONG" : "ok");
  }
  fclose(f);
  printf("%d of %d listed elements wrong\n", wrong, listed);
  return wrong;
}

typedef int (*conv_fn)(const tconv_problem*, const float*, const float*, const float*, float*);
typedef int (*supports_fn)(const tconv_problem*);

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : default_plugin;
  const tconv_problem* p = &problem;
  void* lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  conv_fn conv = lib ? (conv_fn)dlsym(lib, "tconv_conv_transpose_f32") : NULL;
  supports_fn supports = lib ? (supports_fn)dlsym(lib, "tconv_supports") : NULL;
  if (!conv) {
    fprintf(stderr, "%s: %s\n", path, dlerror());
    return 2;
  }
  const long nx = count_of(p->batch, p->in_channels, p->input, p->rank);
  const long nw = count_of(p->in_channels, p->out_channels / p->groups, p->kernel, p->rank);
  const long ny = count_of(p->batch, p->out_channels, p->output, p->rank);
  float* x = read_npy("x.npy", nx);
  float* w = read_npy("w.npy", nw);
  float* b = p->has_bias ? read_npy("b.npy", p->out_channels) : NULL;
  float* expected = read_npy("expected.npy", ny);
  float* x0 = read_npy("x.npy", nx);
  float* w0 = read_npy("w.npy", nw);
  float* yg = malloc((size_t)(ny + 2 * GUARD) * sizeof(float));
  float* y = yg + GUARD;
  for (long i = 0; i < ny + 2 * GUARD; ++i) yg[i] = -12345.0f;
  memset(y, 0xff, (size_t)ny * sizeof(float)); /* NaN: an element never written stays NaN */
  if (supports && !supports(p)) {
    printf("the plugin declines this problem (tconv_supports returned 0)\n");
    return 1;
  }
  const int status = conv(p, x, w, b, y);
  int broken = status != 0;
  if (status != 0) printf("tconv_conv_transpose_f32 returned %d\n", status);
  for (long i = 0; i < GUARD; ++i)
    if (yg[i] != -12345.0f || yg[GUARD + ny + i] != -12345.0f) broken = 1;
  if (broken && status == 0) printf("the plugin wrote outside y\n");
  if (memcmp(x, x0, (size_t)nx * sizeof(float)) || memcmp(w, w0, (size_t)nw * sizeof(float))) {
    printf("the plugin modified its input x or w\n");
    broken = 1;
  }
  const int wrong = status == 0 ? compare(y, expected, ny) : 0;
  printf("%s\n", broken || wrong ? "RESULT: the bug is present" : "RESULT: every listed element agrees");
  return broken || wrong ? 1 : 0;
}
)repro";

/// The Python function repro.py and repro.sh share: got (a numpy array) against the files.
inline constexpr std::string_view py_compare = R"repro(
def compare(got, here):
    """Prints got vs expected for the elements listed in expected.txt; 1 when one is wrong."""
    import numpy as np
    expected = np.load(os.path.join(here, "expected.npy"))
    if tuple(got.shape) != tuple(expected.shape):
        print("output shape %s, expected %s: WRONG" % (list(got.shape), list(expected.shape)))
        print("RESULT: the bug is present")
        return 1
    got, expected = got.reshape(-1), expected.reshape(-1)
    listed = wrong = 0
    with open(os.path.join(here, "expected.txt")) as f:
        for line in f:
            fields = line.split()
            if line.startswith("#") or len(fields) < 4:
                continue
            flat, index, exact, bound = int(fields[0]), fields[1], fields[2], float(fields[3])
            g, e = float(got[flat]), float(exact)
            consistent = abs(float(expected[flat]) - e) <= bound
            bad = not abs(g - e) <= bound or not consistent
            listed += 1
            wrong += bad
            print("y%s: got %.9g, expected %.9g (exact %s), |got - exact| %.3g, bound %.3g  %s" % (
                index, g, float(expected[flat]), exact, abs(g - e), bound,
                "expected.npy DISAGREES with expected.txt" if not consistent else
                "WRONG" if bad else "ok"))
    print("%d of %d listed elements wrong" % (wrong, listed))
    print("RESULT: the bug is present" if wrong else "RESULT: every listed element agrees")
    return 1 if wrong else 0
)repro";

/// repro.py: PyTorch's functional conv_transpose on the problem's arguments.
inline constexpr std::string_view pytorch = R"repro(#!/usr/bin/python3
"""tconv reproduction @ID@: @IMPL@ x @REGION@, @LABEL@.

    /usr/bin/python3 repro.py

Calls torch.nn.functional.conv_transpose@RANK@d on x.npy, w.npy and b.npy (next to this script) with
the problem's arguments, prints got vs expected for the elements listed in expected.txt and exits 1
while one differs from its exact value by more than its bound (0 when all agree). Needs numpy and
torch only.
"""
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
@COMPARE@

def main():
    # @PROBLEM_TEXT@
    x = torch.from_numpy(np.load(os.path.join(HERE, "x.npy")))
    w = torch.from_numpy(np.load(os.path.join(HERE, "w.npy")))
    b = torch.from_numpy(np.load(os.path.join(HERE, "b.npy"))) if @HAS_BIAS@ else None
    pad_begin, pad_end = @PAD_BEGIN@, @PAD_END@
    # PyTorch pads symmetrically only: the call pads each axis by min(pad_begin, pad_end) and the
    # rest is cropped from the result by hand (as tconv's adapters/pytorch_python/tconv_torch.py
    # does); the crop drops whole output elements and changes no sum.
    sym = tuple(min(a, e) for a, e in zip(pad_begin, pad_end))
    torch.set_num_threads(1)
    with torch.no_grad():
        y = torch.nn.functional.conv_transpose@RANK@d(
            x, w, b, stride=@STRIDE@, padding=sym, output_padding=@OUTPUT_PADDING@,
            groups=@GROUPS@, dilation=@DILATION@)
    crop = [slice(None), slice(None)]
    for a in range(len(sym)):
        crop.append(slice(pad_begin[a] - sym[a], y.shape[2 + a] - (pad_end[a] - sym[a])))
    return compare(np.ascontiguousarray(y[tuple(crop)].numpy()), HERE)


if __name__ == "__main__":
    sys.exit(main())
)repro";

/// repro.js: the adapter module (copied into engine/) run on this directory.
inline constexpr std::string_view javascript =
    R"repro(// NODE_PATH=<tconv>/node_modules node repro.js
// tconv reproduction @ID@: @IMPL@ x @REGION@, @LABEL@.
// Runs the engine through tconv's adapter (engine/@ADAPTER@, its arguments @ARGS_TEXT@) on this
// directory: it reads problem.json (with "convention": the attributes the engine receives as they
// are), x.npy, w.npy, b.npy and writes y.npy. Then prints got vs expected for the elements listed in
// expected.txt and exits 1 while one differs from its exact value by more than its bound, or the
// engine fails or produces another shape (0 when all agree). The engine's npm package is found
// through NODE_PATH.
'use strict';
const fs = require('fs');
const path = require('path');
const adapter = require('./engine/@ADAPTER@');
const { readNpy } = require('./engine/npy.js');

function number(s) {
  return s === 'inf' ? Infinity : s === '-inf' ? -Infinity : s === 'nan' ? NaN : Number(s);
}

function listed() {
  const lines = fs.readFileSync(path.join(__dirname, 'expected.txt'), 'utf8').split('\n');
  return lines.filter((l) => !l.startsWith('#') && l.trim().split(/\s+/).length >= 4)
    .map((l) => l.trim().split(/\s+/))
    .map(([flat, index, exact, bound]) => ({ flat: Number(flat), index, exact, bound: number(bound) }));
}

function compare(got, expected) {
  if (got.shape.join(',') !== expected.shape.join(',')) {
    console.log(`output shape [${got.shape}], expected [${expected.shape}]: WRONG`);
    return 1;
  }
  let wrong = 0;
  const elements = listed();
  for (const { flat, index, exact, bound } of elements) {
    const g = got.data[flat], e = number(exact), x = expected.data[flat];
    const consistent = Math.abs(x - e) <= bound, bad = !(Math.abs(g - e) <= bound) || !consistent;
    wrong += bad ? 1 : 0;
    console.log(`y${index}: got ${g}, expected ${x} (exact ${exact}), |got - exact| ` +
      `${Math.abs(g - e)}, bound ${bound}  ` +
      (!consistent ? 'expected.npy DISAGREES with expected.txt' : bad ? 'WRONG' : 'ok'));
  }
  console.log(`${wrong} of ${elements.length} listed elements wrong`);
  return wrong > 0 ? 1 : 0;
}

async function main() {
  const opts = adapter.parseArgs(@ARGS@);
  fs.rmSync(path.join(__dirname, 'y.npy'), { force: true });
  const answer = await adapter.runCase(__dirname, opts);
  console.log(`the engine answered: ${answer}`);
  const status = answer !== 'ok' ? 1 : compare(readNpy(path.join(__dirname, 'y.npy')),
    readNpy(path.join(__dirname, 'expected.npy')));
  console.log(status ? 'RESULT: the bug is present' : 'RESULT: every listed element agrees');
  return status;
}

main().then((status) => process.exit(status), (e) => {
  console.log(`the engine threw: ${(e && e.stack) || e}`);
  console.log('RESULT: the bug is present');
  process.exit(1);
});
)repro";

/// repro.sh: this directory sent to the command on stdin (tconv's directory protocol).
inline constexpr std::string_view shell = R"repro(#!/bin/sh
# sh repro.sh
# tconv reproduction @ID@: @IMPL@ x @REGION@, @LABEL@.
# Sends this directory to the implementation's command on stdin (tconv's directory protocol: one
# line, the directory; it writes y.npy there and answers `ok`), then prints got vs expected for the
# elements listed in expected.txt with python3 and numpy, and exits 1 while one differs from its
# exact value by more than its bound, or the command does not answer ok (0 when all agree).
# $PYTHON (default python3) runs the comparison; it needs numpy.
# The command, started in @RUN_DIR@:
#   @COMMAND@
here=$(cd "$(dirname "$0")" && pwd)
rm -f "$here/y.npy"
answer=$(cd @RUN_DIR_Q@ && printf '%s\n' "$here" | @COMMAND@ | head -n 1)
echo "the command answered: $answer"
if [ "$answer" != ok ]; then
  echo "RESULT: the bug is present"
  exit 1
fi
exec "${PYTHON:-python3}" - "$here" <<'EOF'
import os
import sys

import numpy as np
@COMPARE@
sys.exit(compare(np.load(os.path.join(sys.argv[1], "y.npy")), sys.argv[1]))
EOF
)repro";

}  // namespace tconv::verify::scripts
