// Shared helpers for the node tests: repository paths, IDX reading, a tiny model written in
// the weights format (for loadModel's refusals), and a small stroke painter for preprocess.
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const ROOT = path.resolve(__dirname, '..', '..');
// The libraries under test: the readable sources in templates/assets/, or with
// INKLING_JS_FROM=site the code the built pages inline (comments stripped by the site build,
// Sources/InklingSite/StripComments.swift), so the parity tests also prove what ships.
const SITE_PAGES = { 'inkling.js': 'index.html', 'numbers.js': 'index.html', 'learn.js': 'check.html' };
const SITE_GLOBALS = { 'inkling.js': 'Inkling', 'numbers.js': 'InklingNumbers', 'learn.js': 'InklingLearn' };
function library(name) {
  if (process.env.INKLING_JS_FROM !== 'site') return require(path.join(ROOT, 'templates', 'assets', name));
  const page = path.join(ROOT, 'site', SITE_PAGES[name]);
  const html = fs.readFileSync(page, 'utf8');
  const blocks = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1])
    .filter((b) => b.includes('else root.' + SITE_GLOBALS[name] + ' = factory()'));
  if (blocks.length !== 1) throw new Error(page + ': expected one inlined ' + name + ', found ' + blocks.length);
  const mod = { exports: {} };
  new Function('module', 'exports', blocks[0])(mod, mod.exports);
  return mod.exports;
}
const Inkling = library('inkling.js');

function readJSON(p) { return JSON.parse(fs.readFileSync(p, 'utf8')); }

// IDX file (gzip or raw) -> { dims, data }; throws naming the file when it is not IDX.
function readIdx(p) {
  let b = fs.readFileSync(p);
  if (b[0] === 0x1f && b[1] === 0x8b) b = zlib.gunzipSync(b);
  if (b.length < 4 || b[0] !== 0 || b[1] !== 0 || b[2] !== 8) throw new Error(p + ': expected an IDX file of unsigned bytes, found magic ' + b.subarray(0, 4).toString('hex'));
  const nd = b[3], dims = [];
  for (let i = 0; i < nd; i++) dims.push(b.readUInt32BE(4 + 4 * i));
  const data = b.subarray(4 + 4 * nd), want = dims.reduce((a, c) => a * c, 1);
  if (data.length !== want) throw new Error(p + ': expected ' + want + ' data bytes for dims ' + dims + ', found ' + data.length);
  return { dims, data };
}

// Deterministic pseudo-random numbers in [-scale, scale).
function lcg(seed) {
  let s = seed >>> 0;
  return (scale) => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return (s / 4294967296 * 2 - 1) * scale; };
}

function float32Base64(values) {
  return Buffer.from(new Float32Array(values).buffer).toString('base64');
}

// A valid little model: conv 3x3 1->4 pad 1, relu, maxpool 2, conv 3x3 4->4 stride 2,
// flatten, dense 196->10; random float32 weights.
function tinyModel(seed) {
  const r = lcg(seed || 7), vals = (n, sc) => Array.from({ length: n }, () => r(sc));
  const t = (shape, sc) => ({ dtype: 'float32', shape, data: float32Base64(vals(shape.reduce((a, b) => a * b, 1), sc)) });
  return {
    format: 'inkling-model', version: 1,
    input: { height: 28, width: 28, channels: 1, mean: 0.1307, std: 0.3081 },
    layers: [
      { type: 'conv2d', name: 'conv1', input_shape: [1, 28, 28], output_shape: [4, 28, 28], in_channels: 1, out_channels: 4, kernel: 3, stride: 1, padding: 1, weight: 'conv1.weight', bias: 'conv1.bias' },
      { type: 'relu', name: 'relu1', input_shape: [4, 28, 28], output_shape: [4, 28, 28] },
      { type: 'maxpool2d', name: 'pool1', input_shape: [4, 28, 28], output_shape: [4, 14, 14], size: 2, stride: 2 },
      { type: 'conv2d', name: 'conv2', input_shape: [4, 14, 14], output_shape: [5, 7, 7], in_channels: 4, out_channels: 5, kernel: 3, stride: 2, padding: 1, weight: 'conv2.weight', bias: 'conv2.bias' },
      { type: 'flatten', name: 'flatten', input_shape: [5, 7, 7], output_shape: [245] },
      { type: 'dense', name: 'dense', input_shape: [245], output_shape: [10], in_features: 245, out_features: 10, weight: 'dense.weight', bias: 'dense.bias' },
    ],
    tensors: {
      'conv1.weight': t([4, 1, 3, 3], 0.5), 'conv1.bias': t([4], 0.1),
      'conv2.weight': t([5, 4, 3, 3], 0.3), 'conv2.bias': t([5], 0.1),
      'dense.weight': t([10, 245], 0.1), 'dense.bias': t([10], 0.1),
    },
    calibration: { temperature: 1.5, unsure_below: 0.75, fitted_on: 'none', ece_before: 0, ece_after: 0 },
    training: { command: 'test fixture' },
  };
}

// Paints polylines (points in pixels) into an RGBA buffer: anti-aliased by distance.
function paint(w, h, strokes, opts) {
  const bg = opts.background, ink = opts.ink, data = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) data.set(bg, 4 * i);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let cov = 0;
      for (const s of strokes) {
        for (let k = 0; k < Math.max(1, s.points.length - 1); k++) {
          const a = s.points[k], b = s.points[Math.min(k + 1, s.points.length - 1)];
          const dx = b[0] - a[0], dy = b[1] - a[1], l2 = dx * dx + dy * dy;
          let t = l2 > 0 ? ((x + 0.5 - a[0]) * dx + (y + 0.5 - a[1]) * dy) / l2 : 0;
          t = Math.min(1, Math.max(0, t));
          const d = Math.hypot(a[0] + t * dx - x - 0.5, a[1] + t * dy - y - 0.5);
          cov = Math.max(cov, Math.min(1, Math.max(0, s.width / 2 - d + 0.5)));
        }
      }
      if (cov > 0) {
        const i = 4 * (y * w + x), sa = cov * ink[3] / 255, da = bg[3] / 255, oa = sa + da * (1 - sa);
        for (let c = 0; c < 3; c++) data[i + c] = Math.round((ink[c] * sa + bg[c] * da * (1 - sa)) / oa);
        data[i + 3] = Math.round(oa * 255);
      }
    }
  }
  return { data, width: w, height: h };
}

// A "7" and a "4" as polylines in a unit box, scaled into (x, y, w, h).
const SHAPES = {
  7: [[[0.1, 0.04], [0.9, 0.04], [0.38, 0.97]]],
  4: [[[0.68, 0.97], [0.68, 0.03], [0.1, 0.66], [0.92, 0.66]]],
  1: [[[0.3, 0.2], [0.55, 0.04], [0.55, 0.96]]],
};
function shape(d, box, width) {
  return SHAPES[d].map((line) => ({ width, points: line.map(([u, v]) => [box[0] + u * box[2], box[1] + v * box[3]]) }));
}

// An RGBA image from 28x28 grey MNIST bytes.
function greyToRGBA(g, w, h) {
  const d = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) { d[4 * i] = d[4 * i + 1] = d[4 * i + 2] = g[i]; d[4 * i + 3] = 255; }
  return { data: d, width: w, height: h };
}

// A consistent model from a layer stack, for limits tests and the fuzzer. Each entry:
//   ['conv', out, kernel, stride, padding] | ['pool', size, stride] | ['relu'] | ['flatten'] | ['dense', out]
// Shapes chain from the 28x28x1 input; weights are small random values (a block of 1021
// values scaled by 1/sqrt(fan-in), tiled, so even 4 M parameters are quick to make).
// opts: { seed, dtype: 'float32' | 'float16', scale }. Returns { model, budgets }.
function stackModel(stack, opts) {
  opts = opts || {};
  const r = lcg(opts.seed || 1), dtype = opts.dtype || 'float32', scale = opts.scale === undefined ? 1 : opts.scale;
  const block = Float32Array.from({ length: 1021 }, () => r(1));
  const tensors = {}, layers = [];
  const budgets = { multiplyAdds: 0, activations: 0, im2col: 0, parameters: 0 };
  const tensor = (name, shape, fanIn) => {
    const n = shape.reduce((a, b) => a * b, 1), v = new Float32Array(n), k = scale / Math.sqrt(fanIn);
    for (let i = 0; i < n; i++) v[i] = block[i % 1021] * k;
    budgets.parameters += n;
    let data;
    if (dtype === 'float16') {
      const h = new Uint16Array(n);
      for (let i = 0; i < n; i++) h[i] = floatToHalf(v[i]);
      data = Buffer.from(h.buffer).toString('base64');
    } else data = Buffer.from(v.buffer).toString('base64');
    tensors[name] = { dtype, shape, data };
    return name;
  };
  let shape = [1, 28, 28];
  stack.forEach((e, i) => {
    const [type] = e, name = type + i, input = shape.slice();
    let l;
    if (type === 'conv') {
      const [, out, k, s, p] = e, [C, H, W] = shape, oh = Math.floor((H + 2 * p - k) / s) + 1, ow = Math.floor((W + 2 * p - k) / s) + 1;
      shape = [out, oh, ow];
      budgets.multiplyAdds += out * oh * ow * C * k * k;
      budgets.im2col = Math.max(budgets.im2col, C * k * k * oh * ow);
      l = { type: 'conv2d', name, in_channels: C, out_channels: out, kernel: k, stride: s, padding: p,
            weight: tensor(name + '.weight', [out, C, k, k], C * k * k), bias: tensor(name + '.bias', [out], 1) };
    } else if (type === 'pool') {
      const [, size, s] = e, [C, H, W] = shape;
      shape = [C, Math.floor((H - size) / s) + 1, Math.floor((W - size) / s) + 1];
      budgets.multiplyAdds += shape[0] * shape[1] * shape[2] * size * size;
      l = { type: 'maxpool2d', name, size, stride: s };
    } else if (type === 'relu') {
      l = { type: 'relu', name };
    } else if (type === 'flatten') {
      shape = [shape.reduce((a, b) => a * b, 1)];
      l = { type: 'flatten', name };
    } else if (type === 'dense') {
      const [, out] = e, fin = shape[0];
      shape = [out];
      budgets.multiplyAdds += fin * out;
      l = { type: 'dense', name, in_features: fin, out_features: out,
            weight: tensor(name + '.weight', [out, fin], fin), bias: tensor(name + '.bias', [out], 1) };
    } else throw new Error('stackModel: unknown entry ' + JSON.stringify(e));
    budgets.activations += shape.reduce((a, b) => a * b, 1);
    l.input_shape = input;
    l.output_shape = shape.slice();
    layers.push(l);
  });
  const model = {
    format: 'inkling-model', version: 1,
    input: { height: 28, width: 28, channels: 1, mean: 0.1307, std: 0.3081 },
    layers, tensors,
    calibration: { temperature: 1.5, unsure_below: 0.75, fitted_on: 'none', ece_before: 0, ece_after: 0 },
    training: { command: 'stackModel' },
  };
  return { model, budgets };
}

// float32 -> float16 bits, round to nearest even (finite inputs; overflow gives infinity).
function floatToHalf(f) {
  const b = new DataView(new ArrayBuffer(4));
  b.setFloat32(0, f);
  const x = b.getUint32(0), sign = (x >>> 16) & 0x8000, e = ((x >>> 23) & 255) - 127 + 15, m = x & 0x7fffff;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const mm = (m | 0x800000) >>> (1 - e + 13), rest = (m | 0x800000) & ((1 << (1 - e + 13)) - 1), half = 1 << (1 - e + 12);
    return sign | (mm + (rest > half || (rest === half && (mm & 1)) ? 1 : 0));
  }
  let h = sign | (e << 10) | (m >>> 13);
  const rest = m & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (h & 1))) h++;
  return h;
}

// An error is one of the library's own refusals.
function isInklingError(e) { return e instanceof Inkling.InklingError && e.name === 'InklingError'; }

module.exports = { ROOT, Inkling, library, readJSON, readIdx, lcg, float32Base64, tinyModel, stackModel, floatToHalf, isInklingError, paint, shape, greyToRGBA };
