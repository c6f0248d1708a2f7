// loadModel enforces the model-file limits shared with Swift (LIMITS, docs/weights-format.md):
// a table of malformed variants of the shipped weights/model.json, each refused with an
// InklingError naming the problem (from the parsed object and from the file's text); every
// limit just inside (loads and runs) and just outside (refused); and unusual but consistent
// layer stacks that load and run.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const path = require('path');
const { Inkling, ROOT, stackModel, isInklingError, float32Base64 } = require('./helpers.js');

const MODEL_TEXT = fs.readFileSync(path.join(ROOT, 'weights', 'model.json'), 'utf8');
const shipped = () => JSON.parse(MODEL_TEXT);
const layer = (m, name) => m.layers.find((l) => l.name === name);

// Loads `source` and expects an InklingError whose message matches `message`.
function refuses(source, message, what) {
  let error = null;
  try { Inkling.loadModel(source, 'model.json'); } catch (e) { error = e; }
  assert.ok(error, what + ': expected an InklingError, but the model loaded');
  assert.ok(isInklingError(error), what + ': expected an InklingError, found ' + error.name + ': ' + error.message);
  assert.match(error.message, /^model\.json: /, what);
  assert.match(error.message, message, what);
}

// A model that loads must run: predict gives a digit with finite probabilities.
function runs(source, what) {
  const model = Inkling.loadModel(source, 'model.json');
  for (const fill of [0, 0.5, 1]) {
    const out = model.predict(new Float32Array(784).fill(fill));
    assert.ok(Number.isInteger(out.digit) && out.digit >= 0 && out.digit <= 9, what);
    assert.ok(out.probabilities.every(Number.isFinite) && out.logits.every(Number.isFinite), what);
  }
  const acts = model.activations(new Float32Array(784).fill(0.25));
  assert.strictEqual(acts.length, model.layers.length, what);
  return model;
}

// JSON text of `obj`, keeping -0 (JSON.stringify writes it as 0).
const toText = (obj) => JSON.stringify(obj, (k, v) => (Object.is(v, -0) ? '__minus_zero__' : v), 2).replace(/"__minus_zero__"/g, '-0');

// [name, mutate(parsed shipped model), message]: each mutation makes the file malformed.
const MALFORMED = [
  ['layers: [null]', (m) => { m.layers = [null]; }, /layer 0: expected an object, found null/],
  ['layers: null', (m) => { m.layers = null; }, /layers: expected an array, found null/],
  ['layers is an object', (m) => { m.layers = {}; }, /layers: expected an array, found an object/],
  ['layers is a string', (m) => { m.layers = 'conv2d'; }, /layers: expected an array, found the string "conv2d"/],
  ['layers empty', (m) => { m.layers = []; }, /layers: the list is empty/],
  ['a layer is an array', (m) => { m.layers[3] = ['conv2d']; }, /layer 3: expected an object, found an array/],
  ['top level is an array', (m) => [m], /expected a JSON object at top level, found an array/],
  ['format missing', (m) => { delete m.format; }, /missing key "format" at top level/],
  ['version as a string', (m) => { m.version = '1'; }, /unsupported format version "1"/],
  ['version 1.5', (m) => { m.version = 1.5; }, /unsupported format version 1\.5/],
  ['training missing', (m) => { delete m.training; }, /missing key "training" at top level/],
  ['input is an array', (m) => { m.input = [28, 28, 1]; }, /input: expected an object, found an array/],
  ['input height as a string', (m) => { m.input.height = '28'; }, /input: height, width, channels must be 28, 28, 1 .*found "28", 28, 1/],
  ['input 100x100', (m) => { m.input.height = 100; m.input.width = 100; }, /input: height, width, channels must be 28, 28, 1 .*found 100, 100, 1/],
  ['input 3 channels', (m) => { m.input.channels = 3; }, /found 28, 28, 3/],
  ['mean as a string', (m) => { m.input.mean = '0.1'; }, /input: mean must be a finite number with \|mean\| <= 1000, found "0\.1"/],
  ['mean 1001', (m) => { m.input.mean = 1001; }, /input: mean must be .*found 1001/],
  ['std 0', (m) => { m.input.std = 0; }, /input: std must be a finite number in \[0\.001, 1000\], found 0/],
  ['std negative', (m) => { m.input.std = -0.3; }, /input: std must be .*found -0\.3/],
  ['std null', (m) => { m.input.std = null; }, /input: std must be .*found null/],
  ['temperature 101', (m) => { m.calibration.temperature = 101; }, /calibration: temperature must be a finite number in \[0\.01, 100\], found 101/],
  ['temperature as a string', (m) => { m.calibration.temperature = '1.2'; }, /calibration: temperature .*found "1\.2"/],
  ['unsure_below 1.5', (m) => { m.calibration.unsure_below = 1.5; }, /calibration: unsure_below must be a number in \[0, 1\], found 1\.5/],
  ['unsure_below true', (m) => { m.calibration.unsure_below = true; }, /calibration: unsure_below .*found true/],
  ['tensors is an array', (m) => { m.tensors = []; }, /tensors: expected an object, found an array/],
  ['tensor null', (m) => { m.tensors['conv1.bias'] = null; }, /tensor conv1\.bias: expected an object with dtype, shape, data, found null/],
  ['tensor dtype float64', (m) => { m.tensors['conv1.bias'].dtype = 'float64'; }, /tensor conv1\.bias: dtype must be "float16" or "float32", found "float64"/],
  ['tensor shape as a string', (m) => { m.tensors['conv1.weight'].shape = '8,1,5,5'; }, /tensor conv1\.weight: shape must be 1 to 4 sizes, each an integer in 1\.\.\.16777216, found "8,1,5,5"/],
  ['tensor shape non-integer', (m) => { m.tensors['conv1.weight'].shape = [8, 1, 5, 5.5]; }, /tensor conv1\.weight: shape must be .*found \[8, 1, 5, 5\.5\]/],
  ['tensor shape negative', (m) => { m.tensors['conv1.weight'].shape = [8, 1, 5, -5]; }, /found \[8, 1, 5, -5\]/],
  ['tensor shape 5-D', (m) => { m.tensors['conv1.weight'].shape = [8, 1, 5, 5, 1]; }, /tensor conv1\.weight: shape must be 1 to 4 sizes/],
  ['tensor shape empty', (m) => { m.tensors['conv1.bias'].shape = []; }, /tensor conv1\.bias: shape must be 1 to 4 sizes/],
  ['tensor side 2^24 + 1', (m) => { m.tensors['conv1.bias'].shape = [16777217]; }, /tensor conv1\.bias: shape must be .*16777216, found \[16777217\]/],
  ['tensor of 4,000,001 values', (m) => { m.tensors['conv1.bias'].shape = [4000001]; }, /tensor conv1\.bias: shape \[4000001\] holds 4000001 values, the limit is 4000000/],
  ['tensor shape 1e300', (m) => { m.tensors['conv1.bias'].shape = [1e300]; }, /tensor conv1\.bias: shape must be/],
  ['tensor data a number', (m) => { m.tensors['conv1.bias'].data = 123; }, /tensor conv1\.bias: data must be a base64 string, found the number 123/],
  ['tensor data truncated', (m) => { m.tensors['conv1.bias'].data = m.tensors['conv1.bias'].data.slice(0, 8); }, /tensor conv1\.bias: expected 16 bytes for shape \[8\] as float16, found 6/],
  ['tensor data not base64', (m) => { const d = m.tensors['conv1.bias'].data; m.tensors['conv1.bias'].data = '*' + d.slice(1); }, /tensor conv1\.bias: data is not valid base64/],
  ['tensor data holds a NaN', (m) => { m.tensors['conv1.bias'].data = Buffer.from(new Uint16Array([0, 0, 0x7e00, 0, 0, 0, 0, 0]).buffer).toString('base64'); }, /tensor conv1\.bias: value 2 is NaN/],
  ['tensor data huge', (m) => { m.tensors['conv1.bias'].data = 'AAAA'.repeat(100000); }, /tensor conv1\.bias: expected 16 bytes .*found 400000 characters/],
  ['tensor not used', (m) => { m.tensors.spare = m.tensors['conv1.bias']; }, /tensors not used by any layer: spare/],
  ['layer name a number', (m) => { m.layers[0].name = 5; }, /layer 0 \(5, conv2d\): name must be a string of 1 to 64 characters, found 5/],
  ['layer name empty', (m) => { m.layers[0].name = ''; }, /layer 0 \(, conv2d\): name must be a string of 1 to 64 characters/],
  ['layer name 65 characters', (m) => { m.layers[0].name = 'x'.repeat(65); }, /layer 0 \(x+…, conv2d\): name must be a string of 1 to 64 characters/],
  ['layer type Conv2D', (m) => { m.layers[0].type = 'Conv2D'; }, /layer 0 \(conv1, Conv2D\): unknown layer type "Conv2D"; known types: conv2d, relu, maxpool2d, flatten, dense/],
  ['layer type null', (m) => { m.layers[1].type = null; }, /layer 1 \(relu1, null\): unknown layer type null/],
  ['input_shape as a string', (m) => { m.layers[0].input_shape = '1,28,28'; }, /layer 0 \(conv1, conv2d\): input_shape must be an array of positive integers, found "1,28,28"/],
  ['input_shape 4-D', (m) => { m.layers[0].input_shape = [1, 28, 28, 1]; }, /layer 0 \(conv1, conv2d\): input_shape \[1, 28, 28, 1\], but the previous layer gives \[1, 28, 28\]/],
  ['output_shape wrong', (m) => { layer(m, 'pool1').output_shape = [8, 13, 13]; }, /layer 2 \(pool1, maxpool2d\): output_shape \[8, 13, 13\], expected \[8, 14, 14\]/],
  ['kernel 2^31', (m) => { m.layers[0].kernel = 2 ** 31; }, /layer 0 \(conv1, conv2d\): kernel must be an integer in 1\.\.\.11, found 2147483648/],
  ['padding 2^31', (m) => { m.layers[0].padding = 2 ** 31; }, /layer 0 \(conv1, conv2d\): padding must be an integer in 0\.\.\.4 \(kernel - 1\), found 2147483648/],
  ['padding 500', (m) => { m.layers[0].padding = 500; }, /padding must be an integer in 0\.\.\.4 \(kernel - 1\), found 500/],
  ['padding -0', (m) => { m.layers[0].padding = -0; }, /padding must be an integer in 0\.\.\.4 \(kernel - 1\), found -0/],
  ['padding 2.5', (m) => { m.layers[0].padding = 2.5; }, /padding must be .*found 2\.5/],
  ['padding "2"', (m) => { m.layers[0].padding = '2'; }, /padding must be .*found "2"/],
  ['stride 0', (m) => { m.layers[0].stride = 0; }, /layer 0 \(conv1, conv2d\): stride must be an integer in 1\.\.\.4, found 0/],
  ['in_channels missing', (m) => { delete layer(m, 'conv2').in_channels; }, /layer 3 \(conv2, conv2d\): in_channels must be 8 \(the input's channels\), found nothing/],
  ['out_channels as an array', (m) => { m.layers[0].out_channels = [8]; }, /layer 0 \(conv1, conv2d\): out_channels must be an integer in 1\.\.\.512, found \[8\]/],
  ['pool size 0', (m) => { layer(m, 'pool1').size = 0; }, /layer 2 \(pool1, maxpool2d\): size must be an integer in 1\.\.\.8, found 0/],
  ['pool stride "2"', (m) => { layer(m, 'pool1').stride = '2'; }, /layer 2 \(pool1, maxpool2d\): stride must be an integer in 1\.\.\.8, found "2"/],
  ['dense in_features off by one', (m) => { layer(m, 'dense').in_features = 1567; }, /layer 9 \(dense, dense\): in_features must be 1568 \(the input's features\), found 1567/],
  ['dense out_features 0', (m) => { layer(m, 'dense').out_features = 0; }, /layer 9 \(dense, dense\): out_features must be an integer in 1\.\.\.4096, found 0/],
  ['dense weight a number', (m) => { layer(m, 'dense').weight = 5; }, /layer 9 \(dense, dense\): weight: expected a tensor name, found 5/],
  ['dense weight "constructor"', (m) => { layer(m, 'dense').weight = 'constructor'; }, /layer 9 \(dense, dense\): tensor "constructor" is missing/],
  ['dense weight "__proto__"', (m) => { layer(m, 'dense').weight = '__proto__'; }, /layer 9 \(dense, dense\): tensor "__proto__" is missing/],
  ['flatten removed', (m) => { m.layers.splice(8, 1); layer(m, 'dense').input_shape = [32, 7, 7]; }, /layer 8 \(dense, dense\): needs a 1-D input \[F\] \(flatten first\), found \[32, 7, 7\]/],
  ['last layer not 10', (m) => { m.layers.pop(); delete m.tensors['dense.weight']; delete m.tensors['dense.bias']; }, /the last layer gives \[1568\], expected \[10\] logits/],
  ['65 layers', (m) => { while (m.layers.length < 65) m.layers.splice(8, 0, { type: 'relu', name: 'r' + m.layers.length, input_shape: [32, 7, 7], output_shape: [32, 7, 7] }); }, /layers: 65 layers, the limit is 64/],
];

test('the table has at least 30 malformed models', () => assert.ok(MALFORMED.length >= 30, MALFORMED.length + ' entries'));

for (const [name, mutate, message] of MALFORMED) {
  test('loadModel refuses weights/model.json with ' + name + ' (object and text)', () => {
    const m = shipped(), replaced = mutate(m), obj = replaced === undefined ? m : replaced;
    refuses(obj, message, name + ' (object)');
    refuses(toText(obj), message, name + ' (text)');
  });
}

test('the unmodified shipped model loads from its text and from its bytes, with its SHA-256', () => {
  const sha = require('crypto').createHash('sha256').update(MODEL_TEXT, 'utf8').digest('hex');
  assert.strictEqual(runs(MODEL_TEXT, 'text').sha256, sha);
  assert.strictEqual(Inkling.loadModel(new Uint8Array(Buffer.from(MODEL_TEXT, 'utf8'))).sha256, sha);
  assert.strictEqual(Inkling.loadModel(shipped()).sha256, null, 'an object has no text to hash');
});

// ---------------------------------------------------------------------------------------
// Every limit, just inside and just outside.

const conv = (out, k, s, p) => ['conv', out, k, s, p];
const head = [['flatten'], ['dense', 10]];
const BOUNDARIES = [
  // [limit, inside stack, outside stack (or a change to the inside model), message for outside]
  ['64 layers', [['flatten'], ...Array(62).fill(['relu']), ['dense', 10]], [['flatten'], ...Array(63).fill(['relu']), ['dense', 10]], /layers: 65 layers, the limit is 64/],
  ['out_channels 512', [conv(512, 1, 1, 0), ['pool', 8, 8], ...head], [conv(513, 1, 1, 0), ['pool', 8, 8], ...head], /layer 0 \(conv0, conv2d\): out_channels must be an integer in 1\.\.\.512, found 513/],
  ['kernel 11', [conv(1, 11, 1, 5), ...head], [conv(1, 12, 1, 5), ...head], /layer 0 \(conv0, conv2d\): kernel must be an integer in 1\.\.\.11, found 12/],
  ['conv stride 4', [conv(2, 3, 4, 1), ...head], [conv(2, 3, 5, 1), ...head], /layer 0 \(conv0, conv2d\): stride must be an integer in 1\.\.\.4, found 5/],
  ['padding kernel - 1', [conv(2, 5, 1, 4), ...head], [conv(2, 5, 1, 5), ...head], /layer 0 \(conv0, conv2d\): padding must be an integer in 0\.\.\.4 \(kernel - 1\), found 5/],
  ['conv output 1x1 (H + 2p == k)', [['pool', 8, 8], ['pool', 3, 1], conv(4, 5, 1, 2), ...head], (m) => { m.layers[2].padding = 1; },
    /layer 2 \(conv2, conv2d\): kernel 5 with padding 1 does not fit input \[1, 1, 1\]/],
  ['pool size 8', [['pool', 8, 1], ...head], [['pool', 9, 1], ...head], /layer 0 \(pool0, maxpool2d\): size must be an integer in 1\.\.\.8, found 9/],
  ['pool stride 8', [['pool', 2, 8], ...head], [['pool', 2, 9], ...head], /layer 0 \(pool0, maxpool2d\): stride must be an integer in 1\.\.\.8, found 9/],
  ['pool fits (H == size)', [['pool', 4, 4], ['pool', 7, 1], ...head], (m) => { m.layers[1].size = 8; }, /layer 1 \(pool1, maxpool2d\): size 8 does not fit input \[1, 7, 7\]/],
  ['out_features 4096', [['flatten'], ['dense', 4096], ['dense', 10]], [['flatten'], ['dense', 4097], ['dense', 10]], /layer 1 \(dense1, dense\): out_features must be an integer in 1\.\.\.4096, found 4097/],
  ['multiply-adds 10,000,000', [conv(470, 5, 1, 2), ['pool', 8, 8], ['flatten'], ['dense', 122], ['dense', 10]],
    [conv(470, 5, 1, 2), ['pool', 8, 8], ['flatten'], ['dense', 123], ['dense', 10]], /layer 3 \(dense3, dense\): the model reaches 10003010 multiply-adds per image here, the limit is 10000000/],
  ['activations 2,000,000', [conv(254, 1, 1, 0), ...Array(9).fill(['relu']), ['pool', 7, 7], ['flatten'], ['dense', 502], ['dense', 10]],
    [conv(254, 1, 1, 0), ...Array(9).fill(['relu']), ['pool', 7, 7], ['flatten'], ['dense', 503], ['dense', 10]], /layer 13 \(dense13, dense\): the model reaches 2000001 activation values per image here, the limit is 2000000/],
  ['im2col 2,000,000', [conv(128, 4, 1, 0), conv(4, 5, 1, 2), ...head], [conv(129, 4, 1, 0), conv(4, 5, 1, 2), ...head],
    /layer 1 \(conv1, conv2d\): im2col needs 2015625 values per image, the limit is 2000000/],
  ['parameters 4,000,000', [conv(1, 1, 1, 0), ['pool', 7, 7], ['flatten'], ['dense', 1314], ['dense', 3002], ['dense', 10]],
    [conv(1, 1, 1, 0), ['pool', 7, 7], ['flatten'], ['dense', 1314], ['dense', 3003], ['dense', 10]], /tensors: more than 4000000 parameters in all/],
];

for (const [limit, inside, outside, message] of BOUNDARIES) {
  test('limit ' + limit + ': just inside loads and runs, just outside is refused', () => {
    const a = stackModel(inside, { seed: 3 }).model;
    runs(a, limit + ' inside');
    let b;
    if (typeof outside === 'function') { b = JSON.parse(JSON.stringify(a)); outside(b); } else b = stackModel(outside, { seed: 3 }).model;
    refuses(b, message, limit + ' outside');
  });
}

test('the budget boundaries sit exactly on the limits', () => {
  const at = (name) => stackModel(BOUNDARIES.find((b) => b[0] === name)[1]).budgets;
  assert.strictEqual(at('multiply-adds 10,000,000').multiplyAdds, Inkling.LIMITS.multiplyAdds);
  assert.strictEqual(at('activations 2,000,000').activations, Inkling.LIMITS.activations);
  assert.strictEqual(at('im2col 2,000,000').im2col, Inkling.LIMITS.im2col);
  assert.strictEqual(at('parameters 4,000,000').parameters, Inkling.LIMITS.parameters);
});

test('input, calibration and name limits: inside loads, outside is refused', () => {
  const cases = [
    [(m) => { m.input.std = 0.001; }, (m) => { m.input.std = 0.00099; }, /input: std must be/],
    [(m) => { m.input.std = 1000; }, (m) => { m.input.std = 1000.5; }, /input: std must be/],
    [(m) => { m.input.mean = -1000; }, (m) => { m.input.mean = -1000.5; }, /input: mean must be/],
    [(m) => { m.calibration.temperature = 0.01; }, (m) => { m.calibration.temperature = 0.0099; }, /calibration: temperature must be/],
    [(m) => { m.calibration.temperature = 100; }, (m) => { m.calibration.temperature = 100.01; }, /calibration: temperature must be/],
    [(m) => { m.calibration.unsure_below = 0; }, (m) => { m.calibration.unsure_below = -0.01; }, /calibration: unsure_below must be/],
    [(m) => { m.layers[0].name = 'é'.repeat(64); }, (m) => { m.layers[0].name = 'é'.repeat(65); }, /name must be a string of 1 to 64 characters/],
    [(m) => { m.layers[0].name = '😀'.repeat(64); }, (m) => { m.layers[0].name = '😀'.repeat(65); }, /name must be a string of 1 to 64 characters/],
  ];
  for (const [inside, outside, message] of cases) {
    const a = shipped(), b = shipped();
    inside(a); outside(b);
    runs(JSON.stringify(a), String(inside));
    refuses(JSON.stringify(b), message, String(outside));
  }
});

// ---------------------------------------------------------------------------------------
// Unusual but consistent stacks: within the limits, so they must load and run.

const UNUSUAL = [
  ['max-pool to 1x1, then a 5x5 conv with padding 2', [['pool', 8, 8], ['pool', 3, 3], conv(6, 5, 1, 2), ['relu'], ...head]],
  ['conv with padding that grows the image, twice', [conv(2, 11, 1, 10), conv(2, 11, 1, 10), ['pool', 8, 8], ...head]],
  ['stride larger than the kernel', [conv(3, 2, 4, 0), ['pool', 1, 8], ...head]],
  ['dense without any conv', [['flatten'], ['dense', 7], ['relu'], ['dense', 10]]],
  ['flatten twice and relu everywhere', [['relu'], ['flatten'], ['relu'], ['flatten'], ['dense', 10], ['relu']]],
  ['1x1 convs and a pool of size 1', [conv(1, 1, 1, 0), ['pool', 1, 1], conv(3, 1, 2, 0), ['pool', 2, 1], ...head]],
];
for (const [name, stack] of UNUSUAL) {
  test('an unusual but consistent stack loads and runs: ' + name, () => {
    for (const dtype of ['float32', 'float16']) runs(JSON.stringify(stackModel(stack, { seed: 9, dtype }).model), name + ' ' + dtype);
  });
}

test('a model whose values overflow never reports a digit', () => {
  // Ten 1x1 convolutions each multiplying by 3e38: finite weights, values past float32's range
  // (where Swift, computing in float32, would get infinity) from the first layer on.
  const { model } = stackModel([...Array(10).fill(conv(1, 1, 1, 0)), ['pool', 8, 8], ...head], { seed: 1 });
  for (const l of model.layers.filter((x) => x.type === 'conv2d')) model.tensors[l.weight].data = float32Base64([3e38]);
  const m = Inkling.loadModel(model);
  for (const call of ['predict', 'logits', 'activations']) {
    assert.throws(() => m[call](new Float32Array(784).fill(1)), (e) => isInklingError(e) && /layer 0 \(conv0, conv2d\) gives [0-9.e+]+, beyond float32 range/.test(e.message), call);
  }
  // Only the last layer overflows float32 (2e37 * 9 inputs of about 2.8); still no digit.
  const big = stackModel([['pool', 8, 8], ...head], { seed: 1 }).model;
  big.tensors['dense2.weight'].data = float32Base64(new Array(90).fill(2e37));
  assert.throws(() => Inkling.loadModel(big).predict(new Float32Array(784).fill(1)), (e) => isInklingError(e) && /layer 2 \(dense2, dense\) gives .*beyond float32 range/.test(e.message));
  // Large but in range, with the smallest temperature: a finite answer.
  big.tensors['dense2.weight'].data = float32Base64(new Array(90).fill(1e36));
  big.calibration.temperature = 0.01;
  const out = Inkling.loadModel(big).predict(new Float32Array(784).fill(1));
  assert.ok(out.probabilities.every(Number.isFinite) && out.logits.every((z) => Math.abs(z) > 1e36));
});
