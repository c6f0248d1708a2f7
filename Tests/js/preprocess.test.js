// Inkling.preprocess behaves as docs/preprocessing.md says, mirroring PreprocessTests.swift.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { Inkling, paint, shape, greyToRGBA, readIdx, readJSON } = require('./helpers.js');
const path = require('path');

const WHITE = [255, 255, 255, 255], BLACK = [0, 0, 0, 255], CLEAR = [0, 0, 0, 0];

function inkMass(x) { let s = 0; for (const v of x) s += v; return s; }
function centreOfMass(x) {
  let m = 0, cx = 0, cy = 0;
  for (let y = 0; y < 28; y++) for (let i = 0; i < 28; i++) { const v = x[y * 28 + i]; m += v; cx += v * (i + 0.5); cy += v * (y + 0.5); }
  return [cx / m, cy / m];
}
function extent(x) {
  let x0 = 28, x1 = -1, y0 = 28, y1 = -1;
  for (let y = 0; y < 28; y++) for (let i = 0; i < 28; i++) if (x[y * 28 + i] > 0.2) { x0 = Math.min(x0, i); x1 = Math.max(x1, i); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
  return { w: x1 - x0 + 1, h: y1 - y0 + 1 };
}
function maxDiff(a, b) { let d = 0; for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i])); return d; }

const seven = (w, h, width) => shape(7, [w * 0.3, h * 0.15, w * 0.4, h * 0.7], width);

test('polarity: dark ink on white and white ink on black give the same input', () => {
  const a = Inkling.preprocess(paint(100, 100, seven(100, 100, 7), { background: WHITE, ink: BLACK }));
  const b = Inkling.preprocess(paint(100, 100, seven(100, 100, 7), { background: BLACK, ink: [255, 255, 255, 255] }));
  assert.strictEqual(a.info.mode, 'dark');
  assert.strictEqual(b.info.mode, 'light');
  assert.ok(!a.blank && !b.blank);
  assert.ok(maxDiff(a.input, b.input) === 0, 'inputs differ by ' + maxDiff(a.input, b.input));
});

test('transparency: black, white and coloured strokes on a transparent canvas all read as ink', () => {
  const ref = Inkling.preprocess(paint(100, 100, seven(100, 100, 7), { background: WHITE, ink: BLACK }));
  for (const ink of [BLACK, [255, 255, 255, 255], [200, 40, 40, 255]]) {
    const r = Inkling.preprocess(paint(100, 100, seven(100, 100, 7), { background: CLEAR, ink }));
    assert.strictEqual(r.info.mode, 'alpha');
    assert.ok(!r.blank);
    assert.ok(maxDiff(r.input, ref.input) === 0, 'ink ' + ink + ' differs by ' + maxDiff(r.input, ref.input));
  }
});

test('a 1-px line on a 1000-px canvas survives with MNIST-like strokes', () => {
  const r = Inkling.preprocess(paint(1000, 1000, seven(1000, 1000, 1), { background: WHITE, ink: BLACK }));
  assert.ok(!r.blank);
  assert.ok(r.info.strokeRadius > 0, 'thin strokes are dilated');
  const mass = inkMass(r.input);
  assert.ok(mass > 40 && mass < 160, 'ink mass ' + mass);
  assert.ok(Math.max(...r.input) === 1);
});

test('a fat marker is thinned, not a blob', () => {
  const thin = Inkling.preprocess(paint(200, 200, seven(200, 200, 12), { background: WHITE, ink: BLACK }));
  const fat = Inkling.preprocess(paint(200, 200, seven(200, 200, 44), { background: WHITE, ink: BLACK }));
  assert.ok(fat.info.strokeRadius < 0, 'fat strokes are eroded');
  assert.ok(inkMass(fat.input) < 1.8 * inkMass(thin.input), 'fat ' + inkMass(fat.input) + ' vs thin ' + inkMass(thin.input));
});

test('blank, nearly blank, too faint, and a single dot are blank', () => {
  assert.strictEqual(Inkling.preprocess(paint(64, 64, [], { background: WHITE, ink: BLACK })).info.blankReason, 'no-ink');
  assert.strictEqual(Inkling.preprocess(paint(64, 64, [], { background: CLEAR, ink: BLACK })).blank, true);
  const faint = Inkling.preprocess(paint(100, 100, seven(100, 100, 7), { background: WHITE, ink: [235, 235, 235, 255] }));
  assert.strictEqual(faint.blank, true);
  const dot = Inkling.preprocess(paint(100, 100, [{ width: 9, points: [[50, 50]] }], { background: WHITE, ink: BLACK }));
  assert.strictEqual(dot.info.blankReason, 'dot');
  assert.strictEqual(inkMass(dot.input), 0);
});

test('a very tall "1" keeps its aspect ratio', () => {
  const r = Inkling.preprocess(paint(60, 300, [{ width: 6, points: [[30, 10], [30, 290]] }], { background: WHITE, ink: BLACK }));
  const e = extent(r.input);
  assert.strictEqual(e.h, 20);
  assert.ok(e.w <= 4, 'width ' + e.w);
});

test('a very wide stroke keeps its aspect ratio and is not blank', () => {
  const r = Inkling.preprocess(paint(300, 60, [{ width: 6, points: [[10, 30], [290, 30]] }], { background: WHITE, ink: BLACK }));
  assert.ok(!r.blank);
  const e = extent(r.input);
  assert.strictEqual(e.w, 20);
  assert.ok(e.h <= 4, 'height ' + e.h);
});

test('the centre of mass lands at the centre, wherever the digit was drawn', () => {
  for (const box of [[5, 5, 30, 45], [120, 90, 40, 60], [60, 10, 80, 130]]) {
    const r = Inkling.preprocess(paint(200, 160, shape(4, box, 5), { background: WHITE, ink: BLACK }));
    const [cx, cy] = centreOfMass(r.input);
    assert.ok(Math.abs(cx - 14) <= 0.5 && Math.abs(cy - 14) <= 0.5, 'centre ' + cx + ', ' + cy);
  }
});

test('an MNIST digit passed through stays close to itself', () => {
  // The test images the agreement check uses (t10k, or the sample's test split as IDX),
  // as named by the file Tests/js/run.sh writes with `inkling golden --test-digits`.
  const digits = process.env.INKLING_SWIFT_DIGITS || path.join(__dirname, '..', '..', 'artifacts', 'swift-test-digits.json');
  assert.ok(require('fs').existsSync(digits), digits + ': missing; run Tests/js/run.sh');
  const images = readIdx(readJSON(digits).images);
  let total = 0;
  for (let k = 0; k < 100; k++) {
    const g = images.data.subarray(k * 784, (k + 1) * 784);
    const r = Inkling.preprocess(greyToRGBA(g, 28, 28));
    assert.ok(!r.blank, 'test image ' + k + ' is blank');
    let d = 0;
    for (let i = 0; i < 784; i++) d += Math.abs(r.input[i] - g[i] / 255);
    total += d / 784;
  }
  assert.ok(total / 100 < 0.08, 'mean absolute difference ' + total / 100);
});

test('bad input is refused with a clear message', () => {
  assert.throws(() => Inkling.preprocess({ data: new Uint8Array(10), width: 2, height: 2 }), /preprocess: expected .* found 10 bytes for 2x2/);
});
