'use strict';
// A one-node ONNX model: ConvTranspose with exactly the attributes of a convention form, encoded
// as ModelProto bytes with protobufjs. The schema below is the subset of onnx/onnx.proto
// (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto) that such a model needs, with the same
// field numbers; onnx.proto is proto2, so repeated scalars are written unpacked as there.
const protobuf = require('protobufjs/light');

// ONNX IR version 7 (ONNX 1.7+), the oldest that allows initializers not listed as graph inputs.
const IR_VERSION = 7;
// Opset 11: ConvTranspose-11 is the version that defines today's float32 semantics (SAME_* pad
// to in * stride, the output_shape formula, kernel_shape optional); ConvTranspose-22 only widened
// the type list (bfloat16). ONNX Runtime 1.30 registers its CPU kernel for 1-10 and 11+ and
// loads this model under every opset 1-24 on both packages (checked), so 11 pins the semantics
// to the operator version that introduced them rather than to whatever the newest one is.
const OPSET = 11;
const FLOAT = 1;      // TensorProto.DataType.FLOAT
const ATTR_INT = 2;   // AttributeProto.AttributeType.INT
const ATTR_STRING = 3;
const ATTR_INTS = 7;

const rep = (type, id) => ({ rule: 'repeated', type, id, options: { packed: false } });
const SCHEMA = {
  nested: {
    onnx: {
      nested: {
        ModelProto: { fields: { ir_version: { type: 'int64', id: 1 }, producer_name: { type: 'string', id: 2 },
          graph: { type: 'GraphProto', id: 7 }, opset_import: rep('OperatorSetIdProto', 8) } },
        OperatorSetIdProto: { fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } } },
        GraphProto: { fields: { node: rep('NodeProto', 1), name: { type: 'string', id: 2 },
          initializer: rep('TensorProto', 5), input: rep('ValueInfoProto', 11), output: rep('ValueInfoProto', 12) } },
        NodeProto: { fields: { input: rep('string', 1), output: rep('string', 2), name: { type: 'string', id: 3 },
          op_type: { type: 'string', id: 4 }, attribute: rep('AttributeProto', 5), domain: { type: 'string', id: 7 } } },
        AttributeProto: { fields: { name: { type: 'string', id: 1 }, i: { type: 'int64', id: 3 },
          s: { type: 'bytes', id: 4 }, ints: rep('int64', 8), type: { type: 'int32', id: 20 } } },
        TensorProto: { fields: { dims: rep('int64', 1), data_type: { type: 'int32', id: 2 },
          name: { type: 'string', id: 8 }, raw_data: { type: 'bytes', id: 9 } } },
        ValueInfoProto: { fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } } },
        TypeProto: { fields: { tensor_type: { type: 'TypeProtoTensor', id: 1 } } },
        TypeProtoTensor: { fields: { elem_type: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } } },
        TensorShapeProto: { fields: { dim: rep('Dimension', 1) } },
        Dimension: { fields: { dim_value: { type: 'int64', id: 1 }, dim_param: { type: 'string', id: 2 } } },
      },
    },
  },
};
const root = protobuf.Root.fromJSON(SCHEMA);
const ModelProto = root.lookupType('onnx.ModelProto');

/// A float tensor's type; dims: numbers (known extents) or null (unknown, no value given).
function tensorType(dims) {
  return { tensor_type: { elem_type: FLOAT, shape: { dim: dims.map((d) => (d === null ? {} : { dim_value: d })) } } };
}

/// A FLOAT TensorProto holding `data` (Float32Array) little-endian in raw_data.
function initializer(name, dims, data) {
  const raw = Buffer.alloc(data.length * 4);
  for (let i = 0; i < data.length; ++i) raw.writeFloatLE(data[i], 4 * i);
  return { name, dims, data_type: FLOAT, raw_data: raw };
}

/// The node's attributes: every key of the form that is an ONNX attribute, and only those given.
function attributes(form) {
  const a = [];
  const ints = (name) => {
    if (form[name] !== undefined) a.push({ name, type: ATTR_INTS, ints: form[name] });
  };
  if (form.auto_pad !== undefined) a.push({ name: 'auto_pad', type: ATTR_STRING, s: Buffer.from(form.auto_pad) });
  ints('dilations');
  if (form.group !== undefined) a.push({ name: 'group', type: ATTR_INT, i: form.group });
  ['kernel_shape', 'output_padding', 'output_shape', 'pads', 'strides'].forEach(ints);
  return a;
}

/// encodeConvTranspose({form, xShape, wShape, bShape (null: no bias), w, b}) -> Uint8Array:
/// Y = ConvTranspose(X, W[, B]); W and B are graph inputs, or initializers holding w and b when
/// form.weights === 'initializer'. Y's extents are all unknown (the engine decides them).
function encodeConvTranspose({ form, xShape, wShape, bShape, w, b }) {
  const asInit = form.weights === 'initializer';
  const names = bShape ? ['X', 'W', 'B'] : ['X', 'W'];
  const shapes = bShape ? [xShape, wShape, bShape] : [xShape, wShape];
  const input = [];
  const inits = [];
  names.forEach((n, i) => {
    if (i > 0 && asInit) inits.push(initializer(n, shapes[i], n === 'W' ? w : b));
    else input.push({ name: n, type: tensorType(shapes[i]) });
  });
  const node = { input: names, output: ['Y'], name: 'conv_transpose', op_type: 'ConvTranspose', attribute: attributes(form) };
  const graph = { node: [node], name: 'tconv', initializer: inits, input,
    output: [{ name: 'Y', type: tensorType(xShape.map(() => null)) }] };
  const model = { ir_version: IR_VERSION, producer_name: 'tconv', graph, opset_import: [{ domain: '', version: OPSET }] };
  const err = ModelProto.verify(model);
  if (err) throw new Error(`onnx_model: ${err}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

module.exports = { encodeConvTranspose, ModelProto, OPSET, IR_VERSION };
