// predict, logits and activations take 784 finite numbers and nothing else; preprocess takes
// an RGBA image within the size limits. Everything else is an InklingError, never a digit
// read from NaN, never a TypeError or RangeError.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const path = require('path');
const { Inkling, ROOT, isInklingError, paint, shape } = require('./helpers.js');

const model = Inkling.loadModel(fs.readFileSync(path.join(ROOT, 'weights', 'model.json'), 'utf8'));

function refused(fn, message, what) {
  assert.throws(fn, (e) => {
    assert.ok(isInklingError(e), what + ': expected an InklingError, found ' + e.name + ': ' + e.message);
    assert.match(e.message, message, what);
    return true;
  }, what);
}

const withValue = (i, v) => { const x = Array.from(new Float32Array(784).fill(0.2)); x[i] = v; return x; };
const BAD_INPUTS = [
  ['all NaN', new Float32Array(784).fill(NaN), /^input: value 0 is NaN; expected a finite number/],
  ['one NaN', Float64Array.from(withValue(400, NaN)), /^input: value 400 is NaN/],
  ['one Infinity', withValue(783, Infinity), /^input: value 783 is Infinity/],
  ['one -Infinity', withValue(0, -Infinity), /^input: value 0 is -Infinity/],
  ['a string value', withValue(5, '0.5'), /^input: value 5 is "0\.5"; expected a finite number/],
  ['a null value', withValue(5, null), /^input: value 5 is null/],
  ['a hole', (() => { const x = withValue(0, 0); delete x[9]; return x; })(), /^input: value 9 is nothing/],
  ['783 values', new Float32Array(783), /^input: expected 784 values, found 783/],
  ['785 values', new Array(785).fill(0), /^input: expected 784 values, found 785/],
  ['nothing', undefined, /^input: expected 784 numbers \(an Array or Float32Array\), found nothing/],
  ['null', null, /found null/],
  ['a string of 784 characters', '0'.repeat(784), /found the string/],
  ['an array-like object', { length: 784 }, /found an object/],
  ['a DataView', new DataView(new ArrayBuffer(784)), /found a DataView/],
  ['BigInt values', new BigInt64Array(784), /^input: value 0 is bigint|^input: value 0 is/],
];

for (const [name, input, message] of BAD_INPUTS) {
  test('predict, logits and activations refuse ' + name, () => {
    for (const call of ['predict', 'logits', 'activations']) refused(() => model[call](input), message, call + ' ' + name);
  });
}

test('valid inputs of every accepted kind give the same finite answer', () => {
  const x = new Float32Array(784).map((_, i) => ((i * 37) % 255) / 255);
  const a = model.predict(x), b = model.predict(Float64Array.from(x)), c = model.predict(Array.from(x));
  assert.deepStrictEqual(b, a);
  assert.deepStrictEqual(c, a);
  assert.ok(a.probabilities.every(Number.isFinite));
  // Finite but extreme values never turn into a reported digit from NaN.
  for (const v of [1e300, -1e300, 1e30]) {
    try {
      const out = model.predict(new Float32Array(784).fill(0).map((_, i) => (i % 3 ? v : 0)));
      assert.ok(out.probabilities.every(Number.isFinite), String(v));
    } catch (e) { assert.ok(isInklingError(e), String(v) + ': ' + e); }
  }
});

// ---------------------------------------------------------------------------------------

const BAD_IMAGES = [
  ['nothing', undefined, /^preprocess: expected an image \{ data, width, height \}, found nothing/],
  ['null', null, /found null/],
  ['an array', [1, 2, 3], /found an array/],
  ['a typed array', new Uint8Array(16), /found a Uint8Array/],
  ['width 0', { data: new Uint8Array(0), width: 0, height: 0 }, /width and height must be integers in 1\.\.\.10000, found 0x0/],
  ['width 2.5', { data: new Uint8Array(40), width: 2.5, height: 4 }, /found 2\.5x4/],
  ['width as a string', { data: new Uint8Array(16), width: '2', height: 2 }, /found "2"x2/],
  ['width -2', { data: new Uint8Array(16), width: -2, height: -2 }, /found -2x-2/],
  ['width 10001', { data: new Uint8Array(4), width: 10001, height: 1 }, /found 10001x1/],
  ['20 million pixels', { data: new Uint8Array(4), width: 5000, height: 4000 }, /the image has 20000000 pixels, the limit is 16000000/],
  ['no data', { width: 2, height: 2 }, /data must be RGBA bytes \(Uint8ClampedArray, Uint8Array or Array\), found nothing/],
  ['data as a string', { data: 'abcd'.repeat(4), width: 2, height: 2 }, /data must be RGBA bytes .*found the string/],
  ['data as Float32Array', { data: new Float32Array(16), width: 2, height: 2 }, /data must be RGBA bytes .*found a Float32Array/],
  ['data too short', { data: new Uint8Array(10), width: 2, height: 2 }, /expected width \* height \* 4 RGBA bytes, found 10 bytes for 2x2/],
  ['array value 256', { data: [0, 0, 0, 256, ...new Array(12).fill(0)], width: 2, height: 2 }, /data\[3\] is 256, expected an integer in 0\.\.\.255/],
  ['array value NaN', { data: [NaN, ...new Array(15).fill(0)], width: 2, height: 2 }, /data\[0\] is NaN/],
  ['array value as a string', { data: ['1', ...new Array(15).fill(0)], width: 2, height: 2 }, /data\[0\] is "1"/],
  ['array value 1.5', { data: [1.5, ...new Array(15).fill(0)], width: 2, height: 2 }, /data\[0\] is 1\.5/],
];

for (const [name, image, message] of BAD_IMAGES) {
  test('preprocess refuses ' + name, () => refused(() => Inkling.preprocess(image), message, name));
}

test('preprocess accepts the limits and every byte container', () => {
  const img = paint(60, 60, shape(7, [10, 5, 40, 50], 5), { background: [255, 255, 255, 255], ink: [0, 0, 0, 255] });
  const ref = Inkling.preprocess(img);
  assert.strictEqual(ref.blank, false);
  for (const data of [new Uint8Array(img.data), Buffer.from(img.data), Array.from(img.data)]) {
    assert.deepStrictEqual(Inkling.preprocess({ data, width: 60, height: 60 }).input, ref.input);
  }
  assert.strictEqual(Inkling.preprocess({ data: new Uint8Array(4), width: 1, height: 1 }).blank, true);
  assert.strictEqual(Inkling.preprocess({ data: new Uint8Array(10000 * 4), width: 10000, height: 1 }).blank, true);
  assert.strictEqual(Inkling.preprocess({ data: new Uint8ClampedArray(4000 * 4000 * 4), width: 4000, height: 4000 }).blank, true);
});
