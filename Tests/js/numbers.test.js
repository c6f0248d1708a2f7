// node --test Tests/js/numbers.test.js
// Segmentation, operator rules and calculator arithmetic of templates/assets/numbers.js.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const N = require('../../templates/assets/numbers.js');

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

test('separate digits become separate groups, ordered left to right', () => {
  const strokes = layout([one, zero, seven]);
  const groups = N.groupStrokes(strokes, W);
  assert.equal(groups.length, 3);
  assert.deepEqual(groups.map((g) => g.strokes), [[0], [1], [2]]);
  for (let i = 1; i < groups.length; i++) assert.ok(groups[i].box.x0 > groups[i - 1].box.x1);
});

test('order is by position, not by drawing order', () => {
  const strokes = layout([one, zero, seven]).reverse();  // drawn right to left
  const groups = N.groupStrokes(strokes, W);
  assert.deepEqual(groups.map((g) => g.strokes), [[2], [1], [0]]);
});

test('pieces of one digit merge: a 4 in two strokes and a 5 with a detached bar', () => {
  const strokes = layout([four, five]);
  const groups = N.groupStrokes(strokes, W);
  assert.equal(groups.length, 2);
  assert.deepEqual(groups.map((g) => g.strokes.sort()), [[0, 1], [2, 3]]);
});

test('a detached piece stacked in the same column merges even without touching', () => {
  // A 5 whose top bar floats 0.1 above the body: no touch, but the x-extents overlap.
  const strokes = [{ points: [[0.1, 0.3], [0.1, 0.5], [0.3, 0.5], [0.3, 0.8], [0.1, 0.8]] }, line(0.1, 0.15, 0.35, 0.15)];
  assert.equal(N.groupStrokes(strokes, W).length, 1);
});

test('digits touching each other stay one group (connected ink)', () => {
  const strokes = [line(0.1, 0.2, 0.1, 0.8), line(0.1, 0.5, 0.5, 0.5), line(0.5, 0.2, 0.5, 0.8)];
  assert.equal(N.groupStrokes(strokes, W).length, 1);
});

test('empty input gives no groups', () => {
  assert.deepEqual(N.groupStrokes([], W), []);
});

test('operators are recognised from stroke geometry', () => {
  assert.equal(N.classifyOperator(plus(), W), '+');
  assert.equal(N.classifyOperator(minus(), W), '-');
  assert.equal(N.classifyOperator(times(), W), 'x');
  assert.equal(N.classifyOperator(slash(), W), '/');
  // drawing direction does not matter
  assert.equal(N.classifyOperator([line(0.28, 0.5, 0.02, 0.5)], W), '-');
  assert.equal(N.classifyOperator([line(0.25, 0.25, 0.05, 0.75)], W), '/');
  assert.equal(N.classifyOperator([line(0.15, 0.63, 0.15, 0.37), line(0.28, 0.5, 0.02, 0.5)], W), '+');
});

test('digits are not operators', () => {
  assert.equal(N.classifyOperator(one(), W), null, 'a near-vertical 1 is not /');
  assert.equal(N.classifyOperator(zero(), W), null);
  assert.equal(N.classifyOperator(seven(), W), null, 'a bent stroke is not straight');
  assert.equal(N.classifyOperator(four(), W), null);
  assert.equal(N.classifyOperator(five(), W), null);
  assert.equal(N.classifyOperator([line(0.1, 0.5, 0.12, 0.5)], W), null, 'a dot is not a minus');
  // Two strokes that touch at an end (an L or a V) are not + or x.
  assert.equal(N.classifyOperator([line(0.1, 0.2, 0.1, 0.8), line(0.1, 0.8, 0.4, 0.8)], W), null);
  assert.equal(N.classifyOperator([line(0.0, 0.2, 0.15, 0.8), line(0.15, 0.8, 0.3, 0.2)], W), null);
});

test('shape: straightness and angle', () => {
  const s = N.strokeShape(line(0, 1, 1, 0));
  assert.ok(Math.abs(s.angle - 45) < 1e-9);
  assert.ok(Math.abs(s.straightness - 1) < 1e-9);
  assert.ok(N.strokeShape(arc(0, 0, 1, 1, 0, 180)).straightness < 0.7);
});

test('a full calculator drawing: 12+7 groups into four glyphs with + in third place', () => {
  const strokes = layout([one, () => [{ points: [[0.02, 0.3], [0.15, 0.15], [0.28, 0.3], [0.02, 0.85], [0.3, 0.85]] }], plus, seven]);
  const groups = N.groupStrokes(strokes, W);
  assert.equal(groups.length, 4);
  const ops = groups.map((g) => N.classifyOperator(g.strokes.map((i) => strokes[i]), W));
  assert.deepEqual(ops, [null, null, '+', null]);
});

test('parseExpression splits at the operator and keeps digits around it', () => {
  const g = (digit, op = null) => ({ digit, op });
  const r = N.parseExpression([g(1), g(2), g(null, '+'), g(7)]);
  assert.deepEqual(r, { left: '12', op: '+', right: '7', expression: '12+7', operatorIndex: 2 });
});

test('parseExpression never takes the first or last glyph as operator, and prefers + and x', () => {
  const g = (digit, op = null) => ({ digit, op });
  // A slanted 1 at the start looks like '/', but it is the first glyph: read as a digit.
  assert.equal(N.parseExpression([g(1, '/'), g(2), g(null, '-'), g(3)]).expression, '12-3');
  // Two candidates: '+' wins over '/' (which is read as its digit, here 1).
  assert.equal(N.parseExpression([g(4), g(1, '/'), g(null, '+'), g(5)]).expression, '41+5');
  assert.ok(N.parseExpression([g(4), g(2)]).error);
  assert.ok(N.parseExpression([g(4), g(2), g(5)]).error.includes('No operator'));
  // A glyph that is neither the operator nor a read digit makes the sum unreadable.
  assert.ok(N.parseExpression([g(null, '-'), g(2), g(null, '+'), g(5)]).error.includes('every digit'));
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

test('evaluate refuses non-numbers', () => {
  assert.ok(N.evaluate('', '+', '1').error);
  assert.ok(N.evaluate('1', '%', '1').error);
});
