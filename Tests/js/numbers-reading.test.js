// node --test Tests/js/numbers-reading.test.js
// Reading whole numbers and sums with the shipped model (weights/model.json) through
// InklingNumbers.read: real MNIST test digits composed side by side (apart, touching,
// overlapping), hand-drawn strokes (tight, touching, overlapping, slanted, small), and sums
// with every operator. Prints the accuracy per category; asserts a floor for each, and that a
// wrong reading is (almost) never presented as certain.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const N = require('./helpers.js').library('numbers.js');
const D = require('./numbers-data.js');

const reader = N.modelReader(D.Inkling, D.model());
const readNumber = (input) => N.read(input, { read: reader, mode: 'number' });
const readSum = (input) => N.read(input, { read: reader, mode: 'calc' });

// Deterministic numbers of 2 to 4 digits.
function numbers(count, seed) {
  let s = seed;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
  const out = [];
  for (let i = 0; i < count; i++) {
    let t = '';
    const len = 2 + Math.floor(next() * 3);
    for (let k = 0; k < len; k++) t += Math.floor(next() * 10);
    out.push(t);
  }
  return out;
}

// Runs one category: returns { right, total, confidentWrong, misses }.
function score(cases, readOne) {
  const out = { right: 0, total: 0, confidentWrong: 0, rightUnsure: 0, misses: [] };
  for (const [want, input] of cases) {
    const r = readOne(input);
    const got = r.error ? 'error: ' + r.error : r.expression !== undefined ? r.expression : r.text;
    out.total++;
    if (got === want) { out.right++; if (r.unsure) out.rightUnsure++; }
    else {
      if (!r.unsure && !r.error) out.confidentWrong++;
      out.misses.push(want + ' -> ' + got + (r.unsure ? ' (unsure: ' + (r.alternatives || []).map((a) => a.text).slice(0, 2).join(' or ') + ')' : ''));
    }
  }
  return out;
}

function report(name, s) {
  console.log(`${name}: ${s.right}/${s.total} right (${(100 * s.right / s.total).toFixed(0)}%), ` +
              `${s.confidentWrong} wrong and sure, ${s.rightUnsure} right but unsure` + (s.misses.length ? '; misses: ' + s.misses.slice(0, 6).join(', ') : ''));
}

const NUMS = numbers(40, 11);

const NUMBER_SETS = [
  // [category, cases, least right, most wrong-and-sure]
  ['MNIST digits 3 px apart', NUMS.map((t, i) => [t, D.compose([...t], { gap: 3, seed: 100 + i })]), 0.85, 1],
  ['MNIST digits touching', NUMS.map((t, i) => [t, D.compose([...t], { gap: 0, seed: 200 + i })]), 0.8, 1],
  ['MNIST digits overlapping 2 px', NUMS.map((t, i) => [t, D.compose([...t], { gap: -2, seed: 300 + i })]), 0.45, 4],
  ['hand strokes, tight', NUMS.map((t) => [t, { strokes: D.handwrite(t, { gap: 0.02 }) }]), 0.95, 0],
  ['hand strokes, touching', NUMS.map((t) => [t, { strokes: D.handwrite(t, { gap: -0.01 }) }]), 0.9, 0],
  ['hand strokes, overlapping', NUMS.map((t) => [t, { strokes: D.handwrite(t, { gap: -0.05 }) }]), 0.8, 1],
  ['hand strokes, slanted 15°', NUMS.map((t) => [t, { strokes: D.handwrite(t, { gap: 0, slant: 15 }) }]), 0.8, 1],
  ['hand strokes, small (12% of the pad)', NUMS.map((t) => [t, { strokes: D.handwrite(t, { size: 0.12, gap: 0.005 }) }]), 0.95, 0],
];

for (const [name, cases, floor, sure] of NUMBER_SETS) {
  test('numbers: ' + name, () => {
    const s = score(cases, readNumber);
    report(name, s);
    assert.ok(s.right >= floor * s.total, `${name}: expected at least ${Math.round(floor * 100)}% right, found ${s.right}/${s.total}: ${s.misses.join(', ')}`);
    assert.ok(s.confidentWrong <= sure, `${name}: expected at most ${sure} wrong readings shown as sure, found ${s.confidentWrong}: ${s.misses.join(', ')}`);
  });
}

const OPS = ['+', '-', 'x', '/', '*', '÷'];
const EVAL = { '+': '+', '-': '-', 'x': 'x', '*': 'x', '/': '/', '÷': '/' };
const SUMS = NUMS.map((t, i) => {
  const a = t.slice(0, 1 + (i % 2)), b = NUMS[(i + 7) % NUMS.length].slice(0, 1 + ((i >> 1) % 2)), op = OPS[i % OPS.length];
  return { text: a + op + b + (i % 5 === 0 ? '=' : ''), want: a + EVAL[op] + b, parts: [...a, op, ...b, ...(i % 5 === 0 ? ['='] : [])] };
});

const SUM_SETS = [
  ['hand sums', SUMS.map((s) => [s.want, { strokes: D.handwrite(s.text, { gap: 0.03 }) }]), 0.95, 0],
  ['hand sums, tight', SUMS.map((s) => [s.want, { strokes: D.handwrite(s.text, { gap: -0.005 }) }]), 0.95, 0],
  ['hand sums, steep slash (82°)', SUMS.map((s) => [s.want, { strokes: D.handwrite(s.text, { gap: 0.02, opAngle: 82 }) }]), 0.9, 0],
  ['MNIST digits with stroke operators, touching', SUMS.map((s, i) => [s.want, D.compose(s.parts, { gap: 0, seed: 400 + i })]), 0.8, 1],
];

for (const [name, cases, floor, sure] of SUM_SETS) {
  test('sums: ' + name, () => {
    const s = score(cases, readSum);
    report(name, s);
    assert.ok(s.right >= floor * s.total, `${name}: expected at least ${Math.round(floor * 100)}% right, found ${s.right}/${s.total}: ${s.misses.join(', ')}`);
    assert.ok(s.confidentWrong <= sure, `${name}: expected at most ${sure} wrong readings shown as sure, found ${s.confidentWrong}: ${s.misses.join(', ')}`);
  });
}

test('the cases the issue names: touching 47, 12 and 2026; tight 12+7 and 9-3; steep 8/2; short minus; trailing =', () => {
  const touching = { gap: -0.012 };
  for (const t of ['47', '12', '2026']) assert.equal(readNumber({ strokes: D.handwrite(t, touching) }).text, t);
  assert.equal(readSum({ strokes: D.handwrite('12+7', touching) }).expression, '12+7');
  assert.equal(readSum({ strokes: D.handwrite('9-3', touching) }).expression, '9-3');
  assert.equal(readSum({ strokes: D.handwrite('8/2', { gap: 0.02, opAngle: 84 }) }).expression, '8/2');
  const short = D.handwrite('9', {}).concat([{ id: 9, points: [[0.5, 0.5], [0.56, 0.5]] }],
    D.handwrite('3', { x0: 0.64 }).map((s) => ({ id: s.id + 10, points: s.points })));
  assert.equal(readSum({ strokes: short }).expression, '9-3', 'a minus 0.12 H long');
  const eq = readSum({ strokes: D.handwrite('12+75=', { gap: 0.03 }) });
  assert.equal(eq.expression, '12+75', 'the = ends the sum');
  assert.equal(eq.glyphs[eq.glyphs.length - 1].op, '=');
  const answered = readSum({ strokes: D.handwrite('12+7=19', { gap: 0.03 }) });
  assert.equal(answered.expression, '12+7', 'what follows = is ignored');
});

test('a sum that cannot be parsed says why and where', () => {
  const r = readSum({ strokes: D.handwrite('12+', { gap: 0.03 }) });
  assert.ok(r.error, 'expected an error for 12+');
  assert.match(r.error, /Nothing after/);
  const none = readSum({ strokes: D.handwrite('127', { gap: 0.03 }) });
  assert.match(none.error, /No operator/);
});

test('doubt: ambiguous ink is read as unsure with a runner-up, never as a confident wrong number', () => {
  // Two digits written on top of each other: no reading can be sure of it.
  const r = readNumber({ strokes: D.handwrite('47', { gap: -0.15 }) });
  assert.ok(r.unsure || r.text === '47', `expected 47 or an unsure reading, found ${r.text} (${r.confidence})`);
  if (r.unsure) assert.ok(r.alternatives.length >= 1);
});

test('empty and too-small input', () => {
  assert.deepEqual(readNumber({ strokes: [] }), { empty: true });
  const tiny = N.read({ strokes: D.handwrite('12', { size: 0.02, gap: 0.002 }) }, { read: reader, mode: 'number', minHeight: 0.05 });
  assert.equal(tiny.tooSmall, true);
});

test('the cache: re-reading the same strokes calls the model for no glyph; one new stroke reads only runs with it', () => {
  let calls = 0;
  const counting = (img) => { calls++; return reader(img); };
  const cache = N.makeCache();
  const strokes = D.handwrite('1234', { gap: 0.02 });
  N.read({ strokes }, { read: counting, mode: 'number', cache });
  const first = calls;
  calls = 0;
  N.read({ strokes }, { read: counting, mode: 'number', cache });
  assert.equal(calls, 0, 'expected every glyph from the cache');
  const more = strokes.concat(D.handwrite('5', { x0: 1.6 }).map((s) => ({ id: 100 + s.id, points: s.points })));
  N.read({ strokes: more }, { read: counting, mode: 'number', cache });
  assert.ok(calls > 0 && calls < first, `expected fewer model calls than the first reading (${first}), found ${calls}`);
});
