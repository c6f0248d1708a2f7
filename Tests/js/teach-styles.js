// Drawing styles for the personalization tests: strokes in a unit box (x right, y down).
// MISREAD: styles the shipped model gets wrong (checked by the test, not assumed); READ:
// styles it reads right, which teaching the others must not break. `draw` renders a style
// with a deterministic variation (slant, scale, rotation, stroke width, jitter; variant 0 is
// the plain style), dark ink on white, and preprocesses it as the page does.
'use strict';
const { Inkling, paint, lcg } = require('./helpers.js');

const MISREAD = {
  'flagged-1': [1, [[[0.2, 0.35], [0.6, 0.05], [0.6, 0.95]]]],
  'slashed-0': [0, [[[0.5, 0.05], [0.15, 0.5], [0.5, 0.95], [0.85, 0.5], [0.5, 0.05]], [[0.8, 0.1], [0.2, 0.9]]]],
  'square-6': [6, [[[0.8, 0.1], [0.2, 0.1], [0.2, 0.9], [0.8, 0.9], [0.8, 0.5], [0.2, 0.5]]]],
  'closed-4': [4, [[[0.2, 0.05], [0.2, 0.55], [0.85, 0.55]], [[0.2, 0.05], [0.7, 0.05], [0.7, 0.95]]]],
  'narrow-0': [0, [[[0.5, 0.05], [0.35, 0.5], [0.5, 0.95], [0.65, 0.5], [0.5, 0.05]]]],
};
const READ = {
  'crossed-7': [7, [[[0.1, 0.1], [0.9, 0.08], [0.45, 0.95]], [[0.3, 0.5], [0.8, 0.5]]]],
  'serif-1': [1, [[[0.25, 0.3], [0.55, 0.05], [0.55, 0.95]], [[0.3, 0.95], [0.8, 0.95]]]],
  'boxy-4': [4, [[[0.2, 0.05], [0.2, 0.55], [0.8, 0.55]], [[0.8, 0.05], [0.8, 0.95]]]],
  'hooked-9': [9, [[[0.8, 0.25], [0.5, 0.05], [0.2, 0.25], [0.5, 0.45], [0.8, 0.25], [0.75, 0.95], [0.4, 0.9]]]],
  'z-2': [2, [[[0.15, 0.1], [0.85, 0.1], [0.15, 0.9], [0.85, 0.9]]]],
  'flat-3': [3, [[[0.15, 0.1], [0.85, 0.1], [0.45, 0.45], [0.85, 0.7], [0.5, 0.95], [0.15, 0.85]]]],
  'square-5': [5, [[[0.85, 0.08], [0.2, 0.08], [0.2, 0.45], [0.8, 0.45], [0.8, 0.9], [0.15, 0.9]]]],
  'barred-7': [7, [[[0.1, 0.25], [0.1, 0.08], [0.9, 0.08], [0.5, 0.95]]]],
  'square-8': [8, [[[0.2, 0.1], [0.8, 0.1], [0.8, 0.5], [0.2, 0.5], [0.2, 0.1]], [[0.2, 0.5], [0.2, 0.9], [0.8, 0.9], [0.8, 0.5]]]],
  'box-0': [0, [[[0.2, 0.1], [0.8, 0.1], [0.8, 0.9], [0.2, 0.9], [0.2, 0.1]]]],
};

function draw(strokes, variant) {
  const r = lcg(variant * 7919 + 13), v = variant === 0 ? 0 : 1;
  const slant = v * r(0.25), sx = 1 + v * r(0.2), sy = 1 + v * r(0.15), rot = v * r(0.12), width = 9 + v * r(3), jitter = v * 0.03;
  const c = Math.cos(rot), s = Math.sin(rot);
  const lines = strokes.map((pts) => {
    const dense = [];
    for (let k = 0; k < pts.length - 1; k++) {
      for (let t = 0; t < 4; t++) dense.push([pts[k][0] + (pts[k + 1][0] - pts[k][0]) * t / 4, pts[k][1] + (pts[k + 1][1] - pts[k][1]) * t / 4]);
    }
    dense.push(pts[pts.length - 1]);
    return { width, points: dense.map(([u, w]) => {
      u += r(jitter); w += r(jitter);
      let x = (u - 0.5) * sx, y = (w - 0.5) * sy;
      x -= slant * y;
      return [70 + 100 * (c * x - s * y), 70 + 100 * (s * x + c * y)];
    }) };
  });
  return Inkling.preprocess(paint(140, 140, lines, { background: [255, 255, 255, 255], ink: [0, 0, 0, 255] })).input;
}

// { name, label, variant, input } for variants [from, to) of every style in `styles`.
function drawings(styles, from, to) {
  const out = [];
  for (const [name, [label, strokes]] of Object.entries(styles)) {
    for (let v = from; v < to; v++) out.push({ name, label, variant: v, input: draw(strokes, v) });
  }
  return out;
}

module.exports = { MISREAD, READ, draw, drawings };
