#!/usr/bin/env node
'use strict';
// tconv --cmd adapter for ONNX Runtime's ConvTranspose: onnxruntime-node (the CPU execution
// provider, native) or onnxruntime-web (the wasm execution provider, ORT's CPU kernels compiled
// to WebAssembly, run under Node from the package's own dist/*.wasm).
//
//   node adapters/js/tconv_onnxruntime.js --provider cpu|wasm [--no-conventions]
//                                         [--weights input|initializer]
//
// --no-conventions: the declared domain leaves out "conventions" (a tconv older than issue 12
// refuses a domain.json key it does not know); every case is then posed in the plain form.
// --weights: how the plain form passes W and B (default input); a convention form says it itself.
//
// Each case is posed to the engine as a one-node model (onnx_model.js) carrying exactly the
// attributes of problem.json's "convention" (never resolved here); y.npy gets whatever shape the
// engine produced. A problem.json without "convention" (a harness older than convention forms,
// or a corpus case stored before them) is sent as the plain form its canonical fields spell:
// auto_pad absent, pads = pad_begin ++ pad_end, output_padding, strides, dilations, group,
// kernel_shape, W and B as graph inputs — a transcription, not a resolution.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { readNpy, writeNpy } = require('./npy');
const { serve } = require('./protocol');
const { encodeConvTranspose } = require('./onnx_model');

const ONNX_KINDS = ['onnx_pads', 'onnx_pads_no_kernel_shape', 'onnx_output_shape', 'onnx_valid',
  'onnx_same_upper', 'onnx_same_lower'];
const MAX_SESSIONS = 32;

/// parseArgs(argv) -> {provider: 'cpu' | 'wasm', conventions, weights}; anything else is a usage error.
function parseArgs(argv) {
  const opts = { provider: 'cpu', conventions: true, weights: 'input' };
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i] === '--provider' && i + 1 < argv.length) opts.provider = argv[++i];
    else if (argv[i] === '--no-conventions') opts.conventions = false;
    else if (argv[i] === '--weights' && i + 1 < argv.length) opts.weights = argv[++i];
    else throw new Error(`unknown argument "${argv[i]}" (usage: tconv_onnxruntime.js --provider cpu|wasm [--no-conventions])`);
  }
  if (!['cpu', 'wasm'].includes(opts.provider)) {
    throw new Error(`--provider ${opts.provider}: must be cpu (onnxruntime-node) or wasm (onnxruntime-web)`);
  }
  if (!['input', 'initializer'].includes(opts.weights)) {
    throw new Error(`--weights ${opts.weights}: must be input or initializer`);
  }
  return opts;
}

/// What ONNX Runtime documents for ConvTranspose (not what was observed): the ONNX operator
/// (any spatial rank; tconv draws 1-3) as its CPU kernel implements it — groups, dilations,
/// strides, asymmetric pads, output_padding "less than the corresponding stride/dilation", an
/// optional bias B — and every ONNX way of posing it.
function domain(opts) {
  const d = { ranks: [1, 2, 3], groups: true, dilation: true, stride: true, batch: true,
    padding: 'asymmetric', output_padding: 'below_stride_or_dilation', bias: true };
  if (opts.conventions) d.conventions = ONNX_KINDS;
  return d;
}

/// The plain ONNX form of a canonical problem (see the header): used only without "convention".
function plainForm(p, weights = 'input') {
  return { kind: 'onnx_pads', strides: p.stride, dilations: p.dilation, group: p.groups,
    kernel_shape: p.kernel, pads: [...p.pad_begin, ...p.pad_end], output_padding: p.output_padding,
    weights };
}

const engines = {};
/// The onnxruntime module of a provider, loaded once: intra-op threads 1 (wasm: numThreads 1).
function engine(provider) {
  if (!engines[provider]) {
    const ort = require(provider === 'cpu' ? 'onnxruntime-node' : 'onnxruntime-web');
    ort.env.logLevel = 'fatal';  // a refusal is the answer's message, not stderr noise
    if (provider === 'wasm') ort.env.wasm.numThreads = 1;
    engines[provider] = ort;
  }
  return engines[provider];
}

const sessions = new Map();
/// A session for this model, cached by (provider, form, shapes, initializer bytes); the oldest
/// of MAX_SESSIONS is released. Graph optimisation: the default a user gets ('all').
async function session(opts, spec) {
  const h = crypto.createHash('sha256');
  h.update(JSON.stringify([opts.provider, spec.form, spec.xShape, spec.wShape, spec.bShape]));
  if (spec.form.weights === 'initializer') {
    h.update(Buffer.from(spec.w.buffer, spec.w.byteOffset, spec.w.byteLength));
    if (spec.b) h.update(Buffer.from(spec.b.buffer, spec.b.byteOffset, spec.b.byteLength));
  }
  const key = h.digest('hex');
  if (sessions.has(key)) return sessions.get(key);
  const ort = engine(opts.provider);
  const s = await ort.InferenceSession.create(encodeConvTranspose(spec), {
    executionProviders: [opts.provider], intraOpNumThreads: 1, interOpNumThreads: 1,
    executionMode: 'sequential', logSeverityLevel: 4 });
  sessions.set(key, s);
  if (sessions.size > MAX_SESSIONS) {
    const [oldKey, old] = sessions.entries().next().value;
    sessions.delete(oldKey);
    await old.release();
  }
  return s;
}

/// Reads problem.json; a garbled file or one that is no object is an error naming the file.
function readProblem(dir) {
  const file = path.join(dir, 'problem.json');
  let p;
  try {
    p = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: ${e.message}`);
  }
  if (p === null || typeof p !== 'object' || Array.isArray(p)) throw new Error(`${file}: not a JSON object`);
  return p;
}

/// runCase(dir, opts): y.npy from the engine and 'ok'; 'unsupported' for a TensorFlow form;
/// an engine's refusal or failure is thrown (the answer `error: ...`).
async function runCase(dir, opts) {
  const p = readProblem(dir);
  const form = p.convention !== undefined ? p.convention : plainForm(p, opts.weights);
  if (!ONNX_KINDS.includes(form.kind)) return 'unsupported';
  const x = readNpy(path.join(dir, 'x.npy'));
  const w = readNpy(path.join(dir, 'w.npy'));
  const b = p.has_bias ? readNpy(path.join(dir, 'b.npy')) : null;
  const spec = { form, xShape: x.shape, wShape: w.shape, bShape: b && b.shape, w: w.data, b: b && b.data };
  const s = await session(opts, spec);
  const ort = engine(opts.provider);
  const feeds = { X: new ort.Tensor('float32', x.data, x.shape) };
  if (form.weights !== 'initializer') {
    feeds.W = new ort.Tensor('float32', w.data, w.shape);
    if (b) feeds.B = new ort.Tensor('float32', b.data, b.shape);
  }
  const { Y } = await s.run(feeds, { logSeverityLevel: 4 });
  writeNpy(path.join(dir, 'y.npy'), Y.dims.map(Number), Y.data);
  return 'ok';
}

module.exports = { parseArgs, runCase, domain, plainForm, ONNX_KINDS };

if (require.main === module) {
  console.log = console.error;  // stdout carries the protocol's answers only
  serve({ parseArgs, runCase, domain });
}
