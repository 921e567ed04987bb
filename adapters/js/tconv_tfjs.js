#!/usr/bin/env node
'use strict';
/**
 * TensorFlow.js's conv2dTranspose / conv3dTranspose behind tconv's directory protocol.
 *
 *   tconv explore --cmd "node adapters/js/tconv_tfjs.js --backend cpu"    (pure JavaScript)
 *   tconv explore --cmd "node adapters/js/tconv_tfjs.js --backend wasm"   (XNNPACK in wasm)
 *
 * Each case must carry a TensorFlow convention form (problem.json "convention", kind tf_explicit,
 * tf_valid or tf_same); a case without one, or with an ONNX form, is answered `unsupported`. The
 * form's attributes go to the engine exactly as given — padding 'same' / 'valid' / explicit
 * pairs, strides, outputShape [N, spatial..., C_out] — and the adapter never resolves them: it
 * only changes layouts (x [N, C_in, s..] -> NHWC / NDHWC, w [C_in, C_out, k..] -> the filter
 * [k.., C_out, C_in]) and writes y.npy back in [N, C_out, s..] with whatever output shape the
 * engine produced (tconv judges the shape).
 *
 * Declared domain: ranks 2 and 3, no groups, no dilation (the transposed API has neither) and no
 * bias: tfjs's transposed ops take none, and adding one here (tf.add, or by hand) would judge
 * another op or this adapter's own arithmetic. conv3dTranspose takes 'same' / 'valid' only, so a
 * rank-3 tf_explicit case is answered `unsupported`.
 *
 * Requires node_modules (scripts/install-deps.sh): @tensorflow/tfjs and, for --backend wasm,
 * @tensorflow/tfjs-backend-wasm (loads its .wasm from its own dist directory).
 */
const fs = require('fs');
const path = require('path');
const {readNpy, writeNpy} = require('./npy.js');

const CONVENTIONS = ['tf_explicit', 'tf_valid', 'tf_same'];

/// argv -> {backend: 'cpu' | 'wasm'}; throws naming the flag and the rule.
function parseArgs(argv) {
  const i = argv.indexOf('--backend');
  const backend = i >= 0 ? argv[i + 1] : undefined;
  if (backend !== 'cpu' && backend !== 'wasm') {
    throw new Error(`--backend must be cpu or wasm (got ${backend})`);
  }
  return {backend};
}

/// What this adapter declares (README "Declaring a domain").
function domain() {
  return {ranks: [2, 3], groups: false, dilation: false, bias: false, conventions: CONVENTIONS};
}

let loaded = null;  // {tf, backend}: the engine, initialised once per process

/// The tfjs module with `backend` selected and ready.
async function engine(backend) {
  if (loaded && loaded.backend === backend) return loaded.tf;
  const tf = require('@tensorflow/tfjs');
  if (backend === 'wasm') {
    const wasm = require('@tensorflow/tfjs-backend-wasm');
    const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    wasm.setWasmPaths(dist + path.sep);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to start`);
  await tf.ready();
  loaded = {tf, backend};
  return tf;
}

/// y = data of `shape` with its axes permuted: y.shape[j] = shape[perm[j]].
function permute(data, shape, perm) {
  const out = new Float32Array(data.length);
  const outShape = perm.map((a) => shape[a]);
  const strides = shape.map((_, a) => shape.slice(a + 1).reduce((m, s) => m * s, 1));
  const idx = new Array(perm.length).fill(0);
  for (let o = 0; o < out.length; ++o) {
    let src = 0;
    for (let j = 0; j < perm.length; ++j) src += idx[j] * strides[perm[j]];
    out[o] = data[src];
    for (let j = perm.length - 1; j >= 0 && ++idx[j] === outShape[j]; --j) idx[j] = 0;
  }
  return {shape: outShape, data: out};
}

/// Why the case is outside what tfjs's transposed API expresses ('' when inside).
function unsupportedReason(p) {
  const f = p.convention;
  if (!f || !CONVENTIONS.includes(f.kind)) return 'not a TensorFlow convention form';
  if (p.rank !== 2 && p.rank !== 3) return 'rank';
  if (p.has_bias) return 'bias';
  if ((f.dilations || []).some((d) => d !== 1)) return 'dilation';
  if (p.rank === 3 && f.padding === 'EXPLICIT') return 'conv3dTranspose takes no explicit pads';
  return '';
}

/// The form's padding as tfjs's `pad` argument: 'same', 'valid' or NHWC pairs (2-D).
function tfPad(f) {
  if (f.padding === 'SAME') return 'same';
  if (f.padding === 'VALID') return 'valid';
  if (f.padding === 'EXPLICIT') return [[0, 0], ...f.explicit_paddings, [0, 0]];
  throw new Error(`convention.padding must be SAME, VALID or EXPLICIT (got ${f.padding})`);
}

/// Calls the engine: y (NHWC / NDHWC) = conv{2,3}dTranspose(x, filter, outputShape, strides, pad).
async function transposed(tf, rank, x, w, f) {
  const op = rank === 2 ? tf.conv2dTranspose : tf.conv3dTranspose;
  const y = tf.tidy(() => op(tf.tensor(x.data, x.shape), tf.tensor(w.data, w.shape),
                             f.output_shape, f.strides, tfPad(f)));
  try {
    return {shape: y.shape, data: await y.data()};
  } finally {
    y.dispose();
  }
}

/// Runs one case directory: writes y.npy ([N, C_out, s..], the engine's shape) and answers.
async function runCase(dir, opts) {
  const p = JSON.parse(fs.readFileSync(path.join(dir, 'problem.json'), 'utf8'));
  if (unsupportedReason(p)) return 'unsupported';
  const tf = await engine(opts.backend);
  const r = p.rank;
  const spatial = [...Array(r).keys()].map((a) => a + 2);
  const x = readNpy(path.join(dir, 'x.npy'));
  const w = readNpy(path.join(dir, 'w.npy'));
  const xt = permute(x.data, x.shape, [0, ...spatial, 1]);
  const wt = permute(w.data, w.shape, [...spatial, 1, 0]);
  const y = await transposed(tf, r, xt, wt, p.convention);
  const yc = permute(y.data, y.shape, [0, r + 1, ...spatial.map((a) => a - 1)]);
  writeNpy(path.join(dir, 'y.npy'), yc.shape, yc.data);
  return 'ok';
}

module.exports = {parseArgs, runCase, domain, permute, tfPad, unsupportedReason};

if (require.main === module) {
  require('./protocol.js').serve({parseArgs, runCase, domain});
}
