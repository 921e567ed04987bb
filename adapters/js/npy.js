'use strict';
// NumPy .npy files of float32 in C order ('<f4', fortran_order False), the only kind the
// subprocess protocol exchanges (x.npy, w.npy, b.npy in; y.npy out). Format versions 1.0, 2.0 and
// 3.0 are read (they differ in the header-length field and the header's encoding); 1.0 is written.
// https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
const fs = require('fs');

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

/// The header's dict as text and the offset of the data: the version picks a 2-byte (1.x) or
/// 4-byte (2.x, 3.x) little-endian header length; 3.x headers are UTF-8, the others latin1.
function splitHeader(buf, path) {
  if (buf.length < 10 || !buf.subarray(0, 6).equals(MAGIC)) {
    throw new Error(`${path}: not a .npy file (the magic string \\x93NUMPY is missing)`);
  }
  const major = buf[6];
  if (major < 1 || major > 3) throw new Error(`${path}: .npy format version ${major} (1-3 are read)`);
  const wide = major >= 2;
  const start = wide ? 12 : 10;
  if (buf.length < start) throw new Error(`${path}: truncated .npy header`);
  const len = wide ? buf.readUInt32LE(8) : buf.readUInt16LE(8);
  if (start + len > buf.length) throw new Error(`${path}: .npy header length ${len} exceeds the file`);
  const text = buf.toString(major === 3 ? 'utf8' : 'latin1', start, start + len);
  return { text, dataOffset: start + len };
}

/// The value of `'key': ...` in the header dict, as written (quotes and parentheses kept).
function headerField(text, key, path) {
  const m = new RegExp(`['"]${key}['"]\\s*:\\s*('[^']*'|"[^"]*"|\\([^)]*\\)|True|False)`).exec(text);
  if (!m) throw new Error(`${path}: the .npy header has no '${key}'`);
  return m[1];
}

/// The shape tuple "(2, 3)" / "(4,)" / "()" as an array of non-negative integers.
function parseShape(tuple, path) {
  const inner = tuple.slice(1, -1).trim();
  if (inner === '') return [];
  const parts = inner.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return parts.map((s) => {
    if (!/^[0-9]+$/.test(s)) throw new Error(`${path}: shape ${tuple} is not a tuple of integers`);
    return Number(s);
  });
}

/// readNpy(path) -> {shape, data: Float32Array}; refuses anything but little-endian float32 in
/// C order, and a data size other than prod(shape) * 4 bytes.
function readNpy(path) {
  const buf = fs.readFileSync(path);
  const { text, dataOffset } = splitHeader(buf, path);
  const descr = headerField(text, 'descr', path);
  if (descr.slice(1, -1) !== '<f4') throw new Error(`${path}: dtype ${descr} (only '<f4' is read)`);
  if (headerField(text, 'fortran_order', path) !== 'False') {
    throw new Error(`${path}: fortran_order True (only C order is read)`);
  }
  const shape = parseShape(headerField(text, 'shape', path), path);
  const count = shape.reduce((a, b) => a * b, 1);
  if (buf.length - dataOffset !== count * 4) {
    throw new Error(`${path}: ${buf.length - dataOffset} data bytes for shape (${shape}) (needs ${count * 4})`);
  }
  const data = new Float32Array(count);
  for (let i = 0; i < count; ++i) data[i] = buf.readFloatLE(dataOffset + 4 * i);
  return { shape, data };
}

/// writeNpy(path, shape, data): format 1.0, '<f4', C order; the header padded with spaces so
/// that the data starts at a multiple of 64 bytes, as NumPy writes it.
function writeNpy(path, shape, data) {
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) throw new Error(`writeNpy ${path}: ${data.length} values for shape (${shape})`);
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${tuple}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  MAGIC.copy(head, 0);
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const body = Buffer.alloc(count * 4);
  for (let i = 0; i < count; ++i) body.writeFloatLE(data[i], 4 * i);
  fs.writeFileSync(path, Buffer.concat([head, Buffer.from(header, 'latin1'), body]));
}

module.exports = { readNpy, writeNpy };
