// node --test Tests/js/numbers.test.js
// Segmentation, operator rules and calculator arithmetic of templates/assets/numbers.js.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const N = require('./helpers.js').library('numbers.js');

const W = 0.08;  // pen width in pad units, as the page uses

// A straight stroke from (x0, y0) to (x1, y1) sampled like a pointer would (n points).
function line(x0, y0, x1, y1, n = 12) {
  const points = [];
  for (let i = 0; i < n; i++) points.push([x0 + (x1 - x0) * i / (n - 1), y0 + (y1 - y0) * i / (n - 1)]);
  return { points };
}
// An arc (part of an ellipse) centred at (cx, cy), angles in degrees.
function arc(cx, cy, rx, ry, from, to, n = 24) {
  const points = [];
  for (let i = 0; i < n; i++) {
    const a = (from + (to - from) * i / (n - 1)) * Math.PI / 180;
    points.push([cx + rx * Math.cos(a), cy + ry * Math.sin(a)]);
  }
  return { points };
}
function shift(stroke, dx, dy = 0) { return { points: stroke.points.map(([x, y]) => [x + dx, y + dy]) }; }

// Glyph shapes, each in a box about 0.35 wide and 0.7 tall starting at x = 0.
const one = () => [line(0.15, 0.15, 0.17, 0.85)];
const zero = () => [arc(0.17, 0.5, 0.15, 0.33, 0, 360, 40)];
const seven = () => [{ points: [[0, 0.15], [0.3, 0.15], [0.12, 0.85]] }];
const four = () => [{ points: [[0.2, 0.15], [0.02, 0.55], [0.32, 0.55]] }, line(0.24, 0.3, 0.24, 0.85)];
const five = () => [{ points: [[0.05, 0.15], [0.05, 0.45], [0.25, 0.45], [0.3, 0.65], [0.2, 0.85], [0.0, 0.8]] },
                    line(0.07, 0.15, 0.32, 0.15)];
const plus = () => [line(0.02, 0.5, 0.28, 0.5), line(0.15, 0.37, 0.15, 0.63)];
const minus = () => [line(0.02, 0.5, 0.28, 0.5)];
const times = () => [line(0.03, 0.62, 0.27, 0.38), line(0.03, 0.38, 0.27, 0.62)];
const slash = () => [line(0.05, 0.75, 0.25, 0.25)];

// Lays glyphs out left to right with a gap; returns the strokes (interleaving the drawing
// order when asked, to show the grouping does not depend on it).
function layout(glyphs, gap = 0.12) {
  const strokes = [];
  let x = 0.05;
  for (const g of glyphs) {
    const s = g();
    strokes.push(...s.map((st) => shift(st, x)));
    x += Math.max(...s.flatMap((st) => st.points.map((p) => p[0]))) + gap;
  }
  return strokes;
}

test('strokeDistance is zero for crossing strokes and the gap for parallel ones', () => {
  assert.equal(N.strokeDistance(line(0, 0, 1, 1), line(0, 1, 1, 0)), 0);
  assert.ok(Math.abs(N.strokeDistance(line(0, 0, 1, 0), line(0, 0.3, 1, 0.3)) - 0.3) < 1e-9);
});

test('groupStrokes: separate digits are separate groups, pieces stacked in one column merge', () => {
  const strokes = layout([one, zero, seven]);
  assert.deepEqual(N.groupStrokes(strokes, W).map((g) => g.strokes), [[0], [1], [2]]);
  assert.deepEqual(N.groupStrokes(layout([four, five]), W).map((g) => g.strokes.sort()), [[0, 1], [2, 3]]);
  assert.deepEqual(N.groupStrokes([], W), []);
});

// Operators are judged against the writing height H (here 0.7, the digits' height) and the
// middle of the writing (y = 0.5).
const H = 0.7, MID = 0.5;
const op = (strokes) => N.classifyOperator(strokes, H, MID);

test('operators are recognised from stroke geometry, in any drawing order and direction', () => {
  assert.equal(op(plus()), '+');
  assert.equal(op(minus()), '-');
  assert.equal(op(times()), 'x');
  assert.equal(op(slash()), '/');
  assert.equal(op([line(0.28, 0.5, 0.02, 0.5)]), '-');
  assert.equal(op([line(0.25, 0.25, 0.05, 0.75)]), '/');
  assert.equal(op([line(0.15, 0.63, 0.15, 0.37), line(0.28, 0.5, 0.02, 0.5)]), '+');
});

test('operators people use: a steep slash, a short and a long minus, ÷ with dots, *, =, a tilted +', () => {
  const steep = [line(0.14, 0.8, 0.2, 0.2)];  // about 84 degrees
  assert.ok(N.operatorScores(steep, H, MID)['/'] > 0.3, 'a slash close to vertical is still a slash');
  assert.equal(op([line(0.1, 0.5, 0.22, 0.51)]), '-', 'a short minus (0.17 H)');
  assert.equal(op([line(0.0, 0.5, 1.2, 0.52)]), '-', 'a long minus (1.7 H)');
  assert.equal(op([line(0.02, 0.5, 0.3, 0.5), { points: [[0.16, 0.38]] }, { points: [[0.16, 0.62], [0.161, 0.62]] }]), '÷');
  assert.equal(op([{ points: [[0.16, 0.38]] }, line(0.02, 0.5, 0.3, 0.5), { points: [[0.16, 0.62]] }]), '÷', 'dots first');
  assert.equal(op([line(0.15, 0.35, 0.15, 0.65), line(0.02, 0.42, 0.28, 0.58), line(0.28, 0.42, 0.02, 0.58)]), '*');
  assert.equal(op([line(0.02, 0.44, 0.3, 0.44), line(0.02, 0.56, 0.3, 0.56)]), '=');
  const r = 15 * Math.PI / 180, c = Math.cos(r), s = Math.sin(r);
  const tilt = (x0, y0, x1, y1) => line(0.15 + (x0 - 0.15) * c - (y0 - 0.5) * s, 0.5 + (x0 - 0.15) * s + (y0 - 0.5) * c,
                                        0.15 + (x1 - 0.15) * c - (y1 - 0.5) * s, 0.5 + (x1 - 0.15) * s + (y1 - 0.5) * c);
  assert.equal(op([tilt(0.02, 0.5, 0.28, 0.5), tilt(0.15, 0.37, 0.15, 0.63)]), '+', 'a + tilted by 15 degrees');
});

test('digits and digit parts are not operators', () => {
  assert.equal(op(one()), null, 'a vertical 1 is not /');
  assert.equal(op(zero()), null);
  assert.equal(op(seven()), null, 'a bent stroke is not straight');
  assert.equal(op(four()), null);
  assert.equal(op(five()), null);
  assert.equal(op([line(0.1, 0.5, 0.12, 0.5)]), null, 'a dot is not a minus');
  assert.equal(op([line(0.0, 0.16, 0.3, 0.16)]), null, 'a bar at the top of the writing (a 5 or 7) is not a minus');
  assert.equal(op([line(0.1, 0.2, 0.1, 0.8), line(0.1, 0.8, 0.4, 0.8)]), null, 'an L is not +');
  assert.equal(op([line(0.0, 0.2, 0.15, 0.8), line(0.15, 0.8, 0.3, 0.2)]), null, 'a V is not x');
});

test('shape: straightness and angle', () => {
  const s = N.strokeShape(line(0, 1, 1, 0));
  assert.ok(Math.abs(s.angle - 45) < 1e-9);
  assert.ok(Math.abs(s.straightness - 1) < 1e-9);
  assert.ok(N.strokeShape(arc(0, 0, 1, 1, 0, 180)).straightness < 0.7);
});

test('explain says why a sum cannot be read, and where', () => {
  const d = (digit) => ({ kind: 'digit', digit }), o = (op) => ({ kind: 'op', op });
  assert.match(N.explain([d(1), d(2), d(7)]).error, /No operator/);
  assert.deepEqual(N.explain([o('+'), d(7)]).where, 0);
  assert.match(N.explain([o('+'), d(7)]).error, /starts with \+/);
  assert.match(N.explain([d(1), d(2), o('+')]).error, /Nothing after 1 2 \+/);
  const twice = N.explain([d(1), o('+'), o('-'), d(3)]);
  assert.match(twice.error, /Two operators in a row/);
  assert.equal(twice.where, 2);
  assert.match(N.explain([d(1), o('+'), d(2), o('x'), d(3)]).error, /one operator at a time/i);
});

test('evaluate: exact integer arithmetic', () => {
  assert.deepEqual(N.evaluate('12', '+', '7'), { value: '19', error: null });
  assert.deepEqual(N.evaluate('3', '-', '10'), { value: '-7', error: null });
  assert.deepEqual(N.evaluate('12', 'x', '12'), { value: '144', error: null });
  assert.equal(N.evaluate('99999999999', 'x', '99999999999').value, '9999999999800000000001');
});

test('evaluate: division exact, rounded to 6 decimals, and by zero', () => {
  assert.equal(N.evaluate('84', '/', '2').value, '42');
  assert.equal(N.evaluate('1', '/', '4').value, '0.25');
  assert.equal(N.evaluate('2', '/', '3').value, '0.666667');
  assert.equal(N.evaluate('10', '/', '3', 2).value, '3.33');
  const z = N.evaluate('5', '/', '0');
  assert.equal(z.value, 'undefined');
  assert.match(z.error, /divide by zero/);
  assert.equal(N.evaluate('0', '/', '00').value, 'undefined');
});

test('evaluate: * and ÷ are multiplication and division', () => {
  assert.equal(N.evaluate('6', '*', '7').value, '42');
  assert.equal(N.evaluate('84', '÷', '4').value, '21');
});

test('evaluate refuses non-numbers', () => {
  assert.ok(N.evaluate('', '+', '1').error);
  assert.ok(N.evaluate('1', '%', '1').error);
});
