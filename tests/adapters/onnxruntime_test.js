#!/usr/bin/env node
'use strict';
// Fixed cases for adapters/js/tconv_onnxruntime.js (label adapters), driven through the protocol
// exactly as tconv drives it: one adapter process per provider, one case directory per line.
//
//   node tests/adapters/onnxruntime_test.js cpu|wasm
//
// The expected outputs are typed by hand: the ONNX backend test cases
// (onnx/backend/test/case/node/convtranspose.py: test_convtranspose, _1d, _pads,
// _output_shape, _kernel_shape, _autopad_same) and one asymmetric-pads case worked out below.
// Each case runs with W (and B) as graph inputs and as initializers. Also: the domain probe's
// answer, a garbled problem.json (an `error:` line, and the adapter answers the next case), a
// problem.json without "convention" (an older tconv: the plain form of the canonical fields),
// and the control: the same check rejects a deliberately wrong model (pads swapped) built here.
// Exit 77 (CTest SKIP) when node_modules lacks the provider's package.
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const PROVIDER = process.argv[2] || 'cpu';
const PACKAGE = PROVIDER === 'cpu' ? 'onnxruntime-node' : 'onnxruntime-web';
try {
  require.resolve(PACKAGE, { paths: [path.join(ROOT, 'adapters', 'js')] });
} catch (e) {
  console.log(`SKIP: npm package ${PACKAGE} not installed (scripts/install-deps.sh runs npm ci)`);
  process.exit(77);
}
const { readNpy, writeNpy } = require(path.join(ROOT, 'adapters/js/npy'));
const { encodeConvTranspose } = require(path.join(ROOT, 'adapters/js/onnx_model'));

const X33 = [0, 1, 2, 3, 4, 5, 6, 7, 8];  // (1, 1, 3, 3)
const ONES = (n) => new Array(n).fill(1);
const twice = (rows) => [...rows.flat(), ...rows.flat()];  // both output channels equal
const ATTRS_Y = twice([[0, 0, 1, 1, 3, 2, 2, 0], [0, 0, 1, 1, 3, 2, 2, 0], [0, 0, 1, 1, 3, 2, 2, 0],
  [3, 3, 7, 4, 9, 5, 5, 0], [3, 3, 7, 4, 9, 5, 5, 0], [3, 3, 7, 4, 9, 5, 5, 0],
  [6, 6, 13, 7, 15, 8, 8, 0], [6, 6, 13, 7, 15, 8, 8, 0], [6, 6, 13, 7, 15, 8, 8, 0],
  [0, 0, 0, 0, 0, 0, 0, 0]]);

/// A canonical 2-D problem of the ONNX test cases: x (1,1,3,3), w (1,2,3,3), no bias.
function canon2d(stride, padBegin, padEnd, outputPadding, output) {
  return { rank: 2, batch: 1, in_channels: 1, out_channels: 2, groups: 1, input: [3, 3], kernel: [3, 3],
    stride, dilation: [1, 1], pad_begin: padBegin, pad_end: padEnd, output_padding: outputPadding,
    output, has_bias: 0 };
}

// name, canonical problem, convention form (without "weights"), x, w, b, expected shape, y
const CASES = [
  ['convtranspose', canon2d([1, 1], [0, 0], [0, 0], [0, 0], [5, 5]),
    { kind: 'onnx_pads', strides: [1, 1], dilations: [1, 1], group: 1, kernel_shape: [3, 3], pads: [0, 0, 0, 0] },
    X33, ONES(18), null, [1, 2, 5, 5],
    twice([[0, 1, 3, 3, 2], [3, 8, 15, 12, 7], [9, 21, 36, 27, 15], [9, 20, 33, 24, 13], [6, 13, 21, 15, 8]])],
  ['convtranspose_1d (kernel_shape omitted)',
    { rank: 1, batch: 1, in_channels: 1, out_channels: 2, groups: 1, input: [3], kernel: [3], stride: [1],
      dilation: [1], pad_begin: [0], pad_end: [0], output_padding: [0], output: [5], has_bias: 0 },
    { kind: 'onnx_pads_no_kernel_shape', strides: [1], dilations: [1], group: 1, pads: [0, 0] },
    [0, 1, 2], ONES(6), null, [1, 2, 5], [0, 1, 3, 3, 2, 0, 1, 3, 3, 2]],
  ['convtranspose_pads', canon2d([3, 2], [1, 2], [1, 2], [0, 0], [7, 3]),
    { kind: 'onnx_pads', strides: [3, 2], dilations: [1, 1], group: 1, kernel_shape: [3, 3], pads: [1, 2, 1, 2] },
    X33, ONES(18), null, [1, 2, 7, 3],
    twice([[1, 1, 3], [1, 1, 3], [7, 4, 9], [7, 4, 9], [7, 4, 9], [13, 7, 15], [13, 7, 15]])],
  ['convtranspose_output_shape', canon2d([3, 2], [0, 0], [0, 0], [1, 1], [10, 8]),
    { kind: 'onnx_output_shape', strides: [3, 2], dilations: [1, 1], group: 1, kernel_shape: [3, 3], output_shape: [10, 8] },
    X33, ONES(18), null, [1, 2, 10, 8], ATTRS_Y],
  ['convtranspose_kernel_shape (output_shape and output_padding)', canon2d([3, 2], [0, 0], [0, 0], [1, 1], [10, 8]),
    { kind: 'onnx_output_shape', strides: [3, 2], dilations: [1, 1], group: 1, kernel_shape: [3, 3],
      output_padding: [1, 1], output_shape: [10, 8] },
    X33, ONES(18), null, [1, 2, 10, 8], ATTRS_Y],
  // SAME_UPPER, strides 2: total padding (3-1)*2 + 3 - 6 = 1 per axis, at the end (the spec);
  // per axis [a, b, c] -> [a, a, a+b, b, b+c, c] (the full [a, a, a+b, b, b+c, c, c] less its last)
  ['convtranspose_autopad_same', canon2d([2, 2], [0, 0], [1, 1], [0, 0], [6, 6]),
    { kind: 'onnx_same_upper', auto_pad: 'SAME_UPPER', strides: [2, 2], dilations: [1, 1], group: 1, kernel_shape: [3, 3] },
    X33, ONES(18), null, [1, 2, 6, 6],
    twice([[0, 0, 1, 1, 3, 2], [0, 0, 1, 1, 3, 2], [3, 3, 8, 5, 12, 7], [3, 3, 7, 4, 9, 5],
      [9, 9, 20, 11, 24, 13], [6, 6, 13, 7, 15, 8]])],
  // asymmetric pads and a bias, rank 1: x [1, 2, 3], w [1, 1, 1], stride 2: the full output is
  // [1, 1, 1+2, 2, 2+3, 3, 3]; pads [1, 0] drop its first element; + 10
  ['asymmetric pads + bias',
    { rank: 1, batch: 1, in_channels: 1, out_channels: 1, groups: 1, input: [3], kernel: [3], stride: [2],
      dilation: [1], pad_begin: [1], pad_end: [0], output_padding: [0], output: [6], has_bias: 1 },
    { kind: 'onnx_pads', strides: [2], dilations: [1], group: 1, kernel_shape: [3], pads: [1, 0] },
    [1, 2, 3], [1, 1, 1], [10], [1, 1, 6], [11, 13, 12, 15, 13, 13]],
];

let failures = 0;
function fail(msg) {
  console.log(`FAIL: ${msg}`);
  ++failures;
}

/// The judgement of every fixed case: the exact shape and every element exactly (small
/// integers, exact in float32). Returns the first difference, or '' when none.
function difference(shape, data, wantShape, want) {
  if (JSON.stringify(shape) !== JSON.stringify(wantShape)) return `shape [${shape}], expected [${wantShape}]`;
  for (let i = 0; i < want.length; ++i) {
    if (data[i] !== want[i]) return `y[${i}] = ${data[i]}, expected ${want[i]}`;
  }
  return '';
}

/// A case directory: problem.json (canonical fields + the form), x.npy, w.npy, b.npy.
function writeCase(dir, c, weights) {
  const [, canon, form, x, w, b] = c;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'problem.json'), JSON.stringify({ ...canon, convention: { ...form, weights } }));
  writeNpy(path.join(dir, 'x.npy'), [canon.batch, canon.in_channels, ...canon.input], Float32Array.from(x));
  writeNpy(path.join(dir, 'w.npy'), [canon.in_channels, canon.out_channels / canon.groups, ...canon.kernel],
    Float32Array.from(w));
  if (b) writeNpy(path.join(dir, 'b.npy'), [canon.out_channels], Float32Array.from(b));
}

/// Sends every directory to one adapter process, in order; resolves to its answer lines.
function runAdapter(dirs) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'adapters/js/tconv_onnxruntime.js'), '--provider', PROVIDER],
      { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, answers: out.split('\n').filter((l) => l !== '') }));
    child.stdin.end(dirs.map((d) => `${d}\n`).join(''));
  });
}

/// The control: a model with pads swapped (begin <-> end) must fail the same check.
async function controlRejectsWrongModel(c) {
  const ort = require(require.resolve(PACKAGE, { paths: [path.join(ROOT, 'adapters/js')] }));
  if (PROVIDER === 'wasm') ort.env.wasm.numThreads = 1;
  const [name, canon, form, x, w, b, wantShape, want] = c;
  const r = canon.rank;
  const swapped = { ...form, pads: [...form.pads.slice(r), ...form.pads.slice(0, r)], weights: 'input' };
  const xShape = [1, canon.in_channels, ...canon.input];
  const wShape = [canon.in_channels, canon.out_channels, ...canon.kernel];
  const bytes = encodeConvTranspose({ form: swapped, xShape, wShape, bShape: [canon.out_channels] });
  const s = await ort.InferenceSession.create(bytes, { executionProviders: [PROVIDER] });
  const { Y } = await s.run({ X: new ort.Tensor('float32', Float32Array.from(x), xShape),
    W: new ort.Tensor('float32', Float32Array.from(w), wShape),
    B: new ort.Tensor('float32', Float32Array.from(b), [canon.out_channels]) });
  const d = difference(Y.dims.map(Number), Y.data, wantShape, want);
  if (d === '') fail(`control: the check accepts a model with pads swapped (${name})`);
  else console.log(`control: pads swapped rejected (${d})`);
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `tconv-ort-${PROVIDER}-`));
  const dirs = [];
  CASES.forEach((c, i) => ['input', 'initializer'].forEach((wm) => {
    const d = path.join(tmp, `c${i}-${wm}`);
    writeCase(d, c, wm);
    dirs.push(d);
  }));
  const probe = path.join(tmp, 'probe');
  writeCase(probe, CASES[0], 'input');
  fs.writeFileSync(path.join(probe, 'domain-request'), '');
  const garbled = path.join(tmp, 'garbled');
  writeCase(garbled, CASES[0], 'input');
  fs.writeFileSync(path.join(garbled, 'problem.json'), '{"rank": 2, "batch":');
  const after = path.join(tmp, 'after-garbled');
  writeCase(after, CASES[0], 'input');
  // a problem.json without "convention" (an older tconv): the plain form of its canonical fields
  const plain = path.join(tmp, 'no-convention');
  writeCase(plain, CASES[CASES.length - 1], 'input');
  const { convention, ...canonical } = JSON.parse(fs.readFileSync(path.join(plain, 'problem.json'), 'utf8'));
  fs.writeFileSync(path.join(plain, 'problem.json'), JSON.stringify(canonical));
  const { code, answers } = await runAdapter([probe, ...dirs, garbled, after, plain]);
  if (code !== 0) fail(`the adapter exited with ${code}`);
  if (answers.length !== dirs.length + 4) fail(`${answers.length} answers for ${dirs.length + 4} lines: ${answers}`);
  checkProbe(probe, answers[0]);
  dirs.forEach((d, i) => checkCase(d, CASES[Math.floor(i / 2)], answers[i + 1]));
  if (!/^error: .*problem\.json/.test(answers[dirs.length + 1] || '')) {
    fail(`garbled problem.json answered "${answers[dirs.length + 1]}", expected an error line`);
  }
  checkCase(after, CASES[0], answers[dirs.length + 2]);
  checkCase(plain, CASES[CASES.length - 1], answers[dirs.length + 3]);
  // the control proves the check, not the provider: once (cpu) saves the wasm run a second start
  if (PROVIDER === 'cpu') await controlRejectsWrongModel(CASES[CASES.length - 1]);
  fs.rmSync(tmp, { recursive: true, force: true });
  console.log(failures === 0 ? `PASS (${PROVIDER}: ${dirs.length + 2} cases)` : `${failures} failure(s)`);
  process.exit(failures === 0 ? 0 : 1);
}

function checkProbe(dir, answer) {
  if (answer !== 'ok') return fail(`domain probe answered "${answer}"`);
  const d = JSON.parse(fs.readFileSync(path.join(dir, 'domain.json'), 'utf8'));
  const want = { ranks: [1, 2, 3], groups: true, dilation: true, stride: true, batch: true, padding: 'asymmetric',
    output_padding: 'below_stride_or_dilation', bias: true,
    conventions: ['onnx_pads', 'onnx_pads_no_kernel_shape', 'onnx_output_shape', 'onnx_valid', 'onnx_same_upper',
      'onnx_same_lower'] };
  if (JSON.stringify(d) !== JSON.stringify(want)) fail(`domain.json ${JSON.stringify(d)}`);
  return undefined;
}

function checkCase(dir, c, answer) {
  const label = `${c[0]} (${path.basename(dir)})`;
  if (answer !== 'ok') return fail(`${label}: answered "${answer}"`);
  const y = readNpy(path.join(dir, 'y.npy'));
  const d = difference(y.shape, y.data, c[6], c[7]);
  if (d !== '') fail(`${label}: ${d}`);
  else console.log(`ok: ${label}`);
  return undefined;
}

main().catch((e) => {
  console.log(`FAIL: ${e.stack || e}`);
  process.exit(1);
});
