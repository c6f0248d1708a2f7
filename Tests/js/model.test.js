// Inkling.loadModel validates like the Swift reader, and the forward pass computes exactly
// what docs/weights-format.md says each layer computes.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { Inkling, tinyModel, float32Base64, lcg } = require('./helpers.js');

const clone = (o) => JSON.parse(JSON.stringify(o));

// Each malformed model, and the words its error must contain.
const MALFORMED = [
  ['wrong format name', (m) => { m.format = 'onnx'; }, /model\.json: format is "onnx", expected "inkling-model"/],
  ['unknown version', (m) => { m.version = 2; }, /unsupported format version 2/],
  ['unknown layer type, named', (m) => { m.layers[1].type = 'gelu'; }, /layer 1 \(relu1, gelu\): unknown layer type "gelu"/],
  ['missing tensor', (m) => { delete m.tensors['conv2.bias']; }, /tensor "conv2\.bias" is missing/],
  ['extra tensor', (m) => { m.tensors['spare.weight'] = m.tensors['conv1.bias']; }, /tensors not used by any layer: spare\.weight/],
  ['tensor shape disagrees with layer', (m) => { m.tensors['conv1.bias'] = { dtype: 'float32', shape: [3], data: float32Base64([0, 0, 0]) }; }, /tensor conv1\.bias has shape \[3\], expected \[4\]/],
  ['layer output shape wrong', (m) => { m.layers[2].output_shape = [4, 13, 13]; }, /layer 2 \(pool1, maxpool2d\): output_shape \[4, 13, 13\], expected \[4, 14, 14\]/],
  ['layers do not chain', (m) => { m.layers[3].input_shape = [4, 28, 28]; }, /input_shape \[4, 28, 28\], but the previous layer gives \[4, 14, 14\]/],
  ['truncated base64', (m) => { m.tensors['dense.bias'].data = m.tensors['dense.bias'].data.slice(0, -4); }, /tensor dense\.bias: expected 40 bytes for shape \[10\] as float32, found 39/],
  ['malformed base64', (m) => { m.tensors['dense.bias'].data = m.tensors['dense.bias'].data.slice(0, -2) + '!='; }, /tensor dense\.bias: data is not valid base64/],
  ['NaN value', (m) => { m.tensors['dense.bias'].data = float32Base64([0, 0, NaN, 0, 0, 0, 0, 0, 0, 0]); }, /tensor dense\.bias: value 2 is NaN/],
  ['infinite value', (m) => { m.tensors['dense.bias'].data = float32Base64([0, Infinity, 0, 0, 0, 0, 0, 0, 0, 0]); }, /tensor dense\.bias: value 1 is Infinity/],
  ['unknown dtype', (m) => { m.tensors['dense.bias'].dtype = 'int8'; }, /dtype must be "float16" or "float32", found "int8"/],
  ['not 10 logits', (m) => { m.layers[5].out_features = 9; m.layers[5].output_shape = [9]; m.tensors['dense.bias'] = { dtype: 'float32', shape: [9], data: float32Base64(new Array(9).fill(0)) }; }, /dense\.weight has shape \[10, 245\], expected \[9, 245\]/],
  ['bad temperature', (m) => { m.calibration.temperature = 0; }, /calibration: temperature must be a finite number in \[0\.01, 100\], found 0/],
  ['missing calibration', (m) => { delete m.calibration; }, /missing key "calibration"/],
  ['empty layers', (m) => { m.layers = []; }, /layers: the list is empty/],
];

for (const [name, mutate, message] of MALFORMED) {
  test('loadModel refuses: ' + name, () => {
    const m = clone(tinyModel());
    mutate(m);
    assert.throws(() => Inkling.loadModel(m, 'model.json'), (e) => {
      assert.match(e.message, message);
      assert.match(e.message, /^model\.json: /);
      return true;
    });
  });
}

// The forward pass written as the format document states it, with no optimisation.
function reference(obj, input) {
  const tensor = (n) => { const b = Buffer.from(obj.tensors[n].data, 'base64'); return Array.from(new Float32Array(b.buffer, b.byteOffset, b.length / 4)); };
  let a = Array.from(input, (x) => (x - Math.fround(obj.input.mean)) / Math.fround(obj.input.std)), shape = [1, 28, 28];
  for (const l of obj.layers) {
    const [C, H, W] = shape;
    if (l.type === 'conv2d') {
      const w = tensor(l.weight), b = tensor(l.bias), [O, OH, OW] = l.output_shape, k = l.kernel, s = l.stride, p = l.padding, out = [];
      for (let o = 0; o < O; o++) for (let y = 0; y < OH; y++) for (let x = 0; x < OW; x++) {
        let sum = b[o];
        for (let c = 0; c < C; c++) for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) {
          const iy = y * s + ky - p, ix = x * s + kx - p;
          if (iy >= 0 && iy < H && ix >= 0 && ix < W) sum += w[((o * C + c) * k + ky) * k + kx] * a[(c * H + iy) * W + ix];
        }
        out.push(sum);
      }
      a = out;
    } else if (l.type === 'relu') a = a.map((v) => Math.max(0, v));
    else if (l.type === 'maxpool2d') {
      const [, OH, OW] = l.output_shape, out = [];
      for (let c = 0; c < C; c++) for (let y = 0; y < OH; y++) for (let x = 0; x < OW; x++) {
        let m = -Infinity;
        for (let dy = 0; dy < l.size; dy++) for (let dx = 0; dx < l.size; dx++) m = Math.max(m, a[(c * H + y * l.stride + dy) * W + x * l.stride + dx]);
        out.push(m);
      }
      a = out;
    } else if (l.type === 'dense') {
      const w = tensor(l.weight), b = tensor(l.bias), out = [];
      for (let o = 0; o < l.out_features; o++) { let sum = b[o]; for (let i = 0; i < l.in_features; i++) sum += w[o * l.in_features + i] * a[i]; out.push(sum); }
      a = out;
    }
    shape = l.output_shape;
  }
  return a;
}

test('forward pass equals the documented layer formulas (conv stride and padding, pool, dense)', () => {
  const obj = tinyModel(11), model = Inkling.loadModel(obj), r = lcg(5);
  for (let k = 0; k < 3; k++) {
    const x = Float32Array.from({ length: 784 }, () => Math.max(0, r(1)));
    const got = model.logits(x), want = reference(obj, x);
    for (let i = 0; i < 10; i++) assert.ok(Math.abs(got[i] - want[i]) < 1e-9, 'logit ' + i + ': ' + got[i] + ' vs ' + want[i]);
  }
});

test('predict: calibrated softmax, digit = argmax, unsure below the threshold', () => {
  const obj = tinyModel(3), model = Inkling.loadModel(obj);
  const x = Float32Array.from({ length: 784 }, (_, i) => (i % 29) / 29);
  const out = model.predict(x), T = Math.fround(obj.calibration.temperature);
  const e = out.logits.map((z) => Math.exp(z / T)), sum = e.reduce((a, b) => a + b, 0);
  e.forEach((v, i) => assert.ok(Math.abs(v / sum - out.probabilities[i]) < 1e-12));
  assert.strictEqual(out.digit, out.logits.indexOf(Math.max(...out.logits)));
  assert.strictEqual(out.confidence, out.probabilities[out.digit]);
  assert.strictEqual(out.unsure, out.confidence < 0.75);
  assert.ok(Math.abs(out.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-12);
});

test('activations: every layer by name with its shape and the final logits', () => {
  const obj = tinyModel(4), model = Inkling.loadModel(obj), x = new Float32Array(784).fill(0.5);
  const acts = model.activations(x);
  assert.deepStrictEqual(acts.map((a) => a.layer), obj.layers.map((l) => l.name));
  acts.forEach((a, i) => {
    assert.deepStrictEqual(a.shape, obj.layers[i].output_shape);
    assert.strictEqual(a.values.length, a.shape.reduce((p, q) => p * q, 1));
  });
  const logits = model.logits(x);
  acts[acts.length - 1].values.forEach((v, i) => assert.strictEqual(v, Math.fround(logits[i])));
});

test('float16 tensors decode exactly (normal, subnormal, signed zero, limits)', () => {
  const cases = [[0x3c00, 1], [0xc000, -2], [0x7bff, 65504], [0x0001, 5.960464477539063e-8], [0x03ff, 6.097555160522461e-5], [0x8000, -0], [0x3555, 0.333251953125]];
  for (const [bits, want] of cases) assert.ok(Object.is(Inkling.halfToFloat(bits), want), bits.toString(16));
  const obj = tinyModel(9);
  const vals = [1, -2, 0.5, 0.25];
  const b = Buffer.alloc(8);
  [0x3c00, 0xc000, 0x3800, 0x3400].forEach((h, i) => b.writeUInt16LE(h, 2 * i));
  obj.tensors['conv1.bias'] = { dtype: 'float16', shape: [4], data: b.toString('base64') };
  const acts = Inkling.loadModel(obj).activations(new Float32Array(784));
  // zero input normalises to -mean/std everywhere; far from the border conv1 is bias + that times the kernel sum
  const conv1 = acts[0].values, w = Buffer.from(obj.tensors['conv1.weight'].data, 'base64');
  const wf = new Float32Array(w.buffer, w.byteOffset, 36), z = -Math.fround(0.1307) / Math.fround(0.3081);
  for (let o = 0; o < 4; o++) {
    let ksum = 0; for (let j = 0; j < 9; j++) ksum += wf[o * 9 + j] * z;
    assert.ok(Math.abs(conv1[o * 784 + 14 * 28 + 14] - (vals[o] + ksum)) < 1e-6);
  }
});

test('base64 decoder refuses bad padding and characters, decodes the rest', () => {
  assert.deepStrictEqual(Array.from(Inkling.decodeBase64('AAEC/w==')), [0, 1, 2, 255]);
  assert.deepStrictEqual(Array.from(Inkling.decodeBase64('')), []);
  assert.strictEqual(Inkling.decodeBase64('AAE'), null);
  assert.strictEqual(Inkling.decodeBase64('AA=C'), null);
  assert.strictEqual(Inkling.decodeBase64('A*BC'), null);
});

test('the shipped model loads and has the documented layer types', () => {
  const { readJSON, ROOT } = require('./helpers.js');
  const obj = readJSON(require('path').join(ROOT, 'weights', 'model.json'));
  const model = Inkling.loadModel(obj, 'weights/model.json');
  for (const l of model.layers) assert.ok(Inkling.KNOWN_TYPES.includes(l.type));
  assert.strictEqual(model.predict(new Float32Array(784)).probabilities.length, 10);
});
