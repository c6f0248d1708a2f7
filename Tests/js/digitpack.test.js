// digitpack.js (the packing of train.html's digits) and the committed train-data.js.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const { readIdx, lcg, ROOT } = require('./helpers.js');
const DigitPack = require(path.join(ROOT, 'templates', 'assets', 'digitpack.js'));

const DATA = path.join(ROOT, 'templates', 'assets', 'train-data.js');

function committedData() {
  const sandbox = { window: {} };
  vm.runInNewContext(fs.readFileSync(DATA, 'utf8'), sandbox, { filename: DATA });
  return sandbox.window.INKLING_TRAIN_DATA;
}

test('packing round-trips to the 4-bit greys, long runs and full ink included', () => {
  const r = lcg(3), n = 5, pixels = new Uint8Array(n * 784);
  for (let i = 0; i < 784; i++) pixels[784 + i] = 255;                                 // all ink
  for (let i = 0; i < 784; i++) pixels[2 * 784 + i] = Math.abs(r(1)) < 0.2 ? Math.floor(Math.abs(r(256))) : 0;
  for (let i = 0; i < 784; i++) pixels[3 * 784 + i] = i % 300 === 299 ? 200 : 0;      // runs over 256
  pixels[4 * 784 + 783] = 9;                                                            // rounds to paper
  const text = DigitPack.encode(pixels, n);
  const back = DigitPack.decode(text, n);
  assert.strictEqual(back.length, n * 784);
  for (let i = 0; i < back.length; i++) assert.strictEqual(back[i], DigitPack.quantise(pixels[i]), 'pixel ' + i);
  assert.ok(text.length < 784 * 2 * n, 'expected a compact encoding');
  assert.deepStrictEqual(Array.from(DigitPack.decode(DigitPack.encode(back, n), n)), Array.from(back), 'quantised greys are fixed points');
});

test('decoding refuses streams that are not exactly the digits they claim', () => {
  const one = DigitPack.encode(new Uint8Array(784).fill(128), 1);
  assert.throws(() => DigitPack.decode(one, 2, 'x'), /digitpack: x: the data ends in digit 1 of 2/);
  assert.throws(() => DigitPack.decode(DigitPack.encode(new Uint8Array(2 * 784), 2), 1, 'x'), /nibbles left over after 1 digits/);
  assert.throws(() => DigitPack.decode('ab', 1, 'x'), /expected base64 text, found 2 characters/);
  assert.throws(() => DigitPack.decode('a*cd', 1, 'x'), /character 1 \("\*"\) is not base64/);
  // A zero run past the end of a digit: nibbles 0, F, F (256 zeros) four times = 1024 > 784.
  assert.throws(() => DigitPack.decode(Buffer.from([0x0F, 0xF0, 0xFF, 0x0F, 0xF0, 0xFF]).toString('base64'), 1, 'x'), /overflows digit 0/);
  assert.throws(() => DigitPack.labels('12a', 3, 'y'), /y: character 2 \("a"\) is not a digit 0-9/);
  assert.throws(() => DigitPack.labels('12', 3, 'y'), /expected 3 digits 0-9, found 2/);
  assert.throws(() => DigitPack.encode(new Uint8Array(100), 1), /expected 1 digits of 784 bytes, found 100 bytes/);
});

test('the committed train-data.js is balanced, credited and decodes', () => {
  const d = committedData();
  assert.strictEqual(d.format, 'inkling-train-data');
  assert.strictEqual(d.version, 1);
  assert.match(d.license, /CC BY-SA 3\.0/);
  assert.match(d.source, /MNIST/);
  for (const part of [d.train, d.heldout]) {
    const labels = DigitPack.labels(part.labels, part.count);
    const counts = new Array(10).fill(0);
    labels.forEach((l) => counts[l]++);
    assert.ok(counts.every((c) => c === part.count / 10), 'balanced: ' + counts);
    assert.strictEqual(DigitPack.decode(part.pixels, part.count).length, part.count * 784);
  }
});

test('train-data.js holds exactly the MNIST training digits its selection names', (t) => {
  const dirs = [process.env.INKLING_DATA, path.join(ROOT, '..', 'shared', 'mnist'), path.join(ROOT, '..', '..', 'shared', 'mnist')];
  const dir = dirs.find((p) => p && fs.existsSync(path.join(p, 'train-images-idx3-ubyte.gz')));
  if (!dir) return t.skip('no MNIST training files in INKLING_DATA or ../shared/mnist');
  const images = readIdx(path.join(dir, 'train-images-idx3-ubyte.gz')), labels = readIdx(path.join(dir, 'train-labels-idx1-ubyte.gz'));
  const d = committedData();
  const perClassTrain = d.train.count / 10, perClassHeld = d.heldout.count / 10;
  const train = [], heldout = [], seen = new Array(10).fill(0);
  for (let i = 0; i < labels.dims[0]; i++) {
    const l = labels.data[i];
    if (seen[l] < perClassTrain) train.push(i); else if (seen[l] < perClassTrain + perClassHeld) heldout.push(i);
    seen[l]++;
  }
  for (const [part, indices] of [[d.train, train], [d.heldout, heldout]]) {
    assert.strictEqual(part.first_index, indices[0]);
    assert.strictEqual(part.last_index, indices[indices.length - 1]);
    const px = DigitPack.decode(part.pixels, part.count), lab = DigitPack.labels(part.labels, part.count);
    indices.forEach((src, k) => {
      assert.strictEqual(lab[k], labels.data[src], 'label of digit ' + k);
      for (let p = 0; p < 784; p++) {
        if (px[k * 784 + p] !== DigitPack.quantise(images.data[src * 784 + p])) assert.fail('digit ' + k + ' (image ' + src + ') pixel ' + p);
      }
    });
  }
});
