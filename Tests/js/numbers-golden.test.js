// node --test Tests/js/numbers-golden.test.js
// Number-reading parity: numbers.js reads every "numbers" case of weights/golden.json (raw
// pixels and pen strokes, written with the Swift reader's answers by `inkling golden`) and
// must give Swift's reading: the same status, text, doubt, alternatives, glyph kinds, digits,
// operators, boxes, sum expression and error with its position; probabilities within the
// tolerances Swift's GoldenNumbers.defaultTolerances defines (never the file's own).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { Inkling, readJSON, ROOT } = require('./helpers.js');
const N = require('./helpers.js').library('numbers.js');

const MODEL = path.join(ROOT, 'weights', 'model.json');
const GOLDEN = path.join(ROOT, 'weights', 'golden.json');
const TOLERANCES = Object.freeze({ p: 1e-5, confidence: 1e-4, box: 1e-9 });
const model = Inkling.loadModel(readJSON(MODEL), MODEL);
const reader = N.modelReader(Inkling, model);

// A case's input as numbers.js takes it: { image?: { data, width, height }, strokes }.
function caseInput(c) {
  const input = { strokes: c.strokes.map((points) => ({ points })) };
  if (c.raw) {
    const bytes = Inkling.decodeBase64(c.raw.data), n = c.raw.width * c.raw.height;
    assert.ok(bytes, c.name + ': raw data is not base64');
    let data = bytes;
    if (c.raw.encoding === 'grey') {
      data = new Uint8ClampedArray(4 * n);
      for (let i = 0; i < n; i++) { data[4 * i] = data[4 * i + 1] = data[4 * i + 2] = bytes[i]; data[4 * i + 3] = 255; }
    }
    assert.equal(data.length, 4 * n, c.name + ': raw size');
    input.image = { data, width: c.raw.width, height: c.raw.height };
  }
  return input;
}

// numbers.js' result in the golden file's terms (GoldenNumbers.Result).
function result(r) {
  const status = r.empty ? 'empty' : r.tooSmall ? 'too-small' : r.error ? 'error' : r.unsure ? 'unsure' : 'read';
  return {
    status, text: r.text || '', confidence: r.confidence || 0, unsure: !!r.unsure, height: r.H || 0,
    alternatives: (r.alternatives || []).map((a) => ({ text: a.text, p: a.p })),
    glyphs: (r.glyphs || []).map((g) => ({ kind: g.kind, digit: g.kind === 'digit' ? g.digit : null, op: g.kind === 'op' ? g.op : null,
                                          p: g.p, box: [g.box.x0, g.box.y0, g.box.x1, g.box.y1] })),
    expression: r.expression === undefined ? null : r.expression, error: r.error || null,
    error_at: r.error ? r.where : null,
  };
}

// Every difference between numbers.js and the recorded Swift result, as readable lines.
function differences(c) {
  const got = result(N.read(caseInput(c), { read: reader, mode: c.mode === 'sum' ? 'calc' : 'number', unsureBelow: golden().numbers.unsure_below }));
  const want = c.result, out = [];
  const same = (field, a, b) => { if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${field}: Swift ${JSON.stringify(b)}, numbers.js ${JSON.stringify(a)}`); };
  const near = (field, a, b, tol) => {
    if (a.length !== b.length) { out.push(`${field}: Swift ${b.length} values, numbers.js ${a.length}`); return; }
    a.forEach((v, i) => { const d = Math.abs(v - b[i]); if (!(d <= tol)) out.push(`${field}[${i}]: differs by ${d} (tolerance ${tol})`); });
  };
  for (const k of ['status', 'text', 'unsure', 'height', 'expression', 'error', 'error_at']) same(k, got[k], want[k]);
  same('alternatives', got.alternatives.map((a) => a.text), want.alternatives.map((a) => a.text));
  near('confidence', [got.confidence, ...got.alternatives.map((a) => a.p)], [want.confidence, ...want.alternatives.map((a) => a.p)], TOLERANCES.confidence);
  same('glyphs', got.glyphs.map((g) => [g.kind, g.digit, g.op]), want.glyphs.map((g) => [g.kind, g.digit, g.op]));
  if (got.glyphs.length === want.glyphs.length) {
    near('glyph p', got.glyphs.map((g) => g.p), want.glyphs.map((g) => g.p), TOLERANCES.p);
    near('glyph box', got.glyphs.flatMap((g) => g.box), want.glyphs.flatMap((g) => g.box), TOLERANCES.box);
  }
  return out;
}

let goldenCache = null;
function golden() { return goldenCache || (goldenCache = readJSON(GOLDEN)); }

test('golden.json holds number-reading cases of every kind', () => {
  const g = golden().numbers;
  assert.ok(g, 'weights/golden.json has no "numbers" section: run `inkling golden`');
  assert.deepEqual(g.tolerances, TOLERANCES);
  assert.equal(g.unsure_below, model.unsureBelow);
  assert.ok(g.cases.length >= 25, g.cases.length + ' cases');
  const has = (f) => g.cases.some(f);
  assert.ok(has((c) => c.mode === 'number' && c.raw && c.result.glyphs.length >= 4), 'a long number in an image');
  assert.ok(has((c) => c.mode === 'sum' && c.raw && c.strokes.length && c.result.status === 'read'), 'an image sum with stroke operators');
  assert.ok(has((c) => c.mode === 'sum' && c.result.status === 'error' && c.result.error_at >= 0), 'a sum error with a position');
  assert.ok(has((c) => !c.raw && c.strokes.length), 'a pen-only case');
  assert.ok(has((c) => c.result.status === 'unsure'), 'a doubtful reading');
  assert.ok(has((c) => c.result.status === 'empty'), 'blank paper');
});

test('numbers.js gives Swift\'s reading for every golden number case', () => {
  const failures = [];
  for (const c of golden().numbers.cases) {
    const d = differences(c);
    if (d.length) failures.push(`${c.name}:\n    ` + d.slice(0, 6).join('\n    '));
  }
  console.log(`# numbers golden: ${golden().numbers.cases.length} cases, ${failures.length} differ`);
  assert.equal(failures.length, 0, failures.join('\n'));
});

test('the number check fails, naming the field, when a recorded answer is altered', () => {
  const cases = golden().numbers.cases;
  const pick = (f) => JSON.parse(JSON.stringify(cases.find(f)));
  const long = pick((c) => c.result.glyphs.length >= 4 && c.raw);
  long.result.glyphs[1].box[2] += 1;
  long.result.text = long.result.text.replace(/^./, (d) => String((+d + 1) % 10));
  assert.deepEqual(differences(long).map((l) => l.split(/[:[]/)[0]).sort(), ['glyph box', 'text']);
  const err = pick((c) => c.result.status === 'error' && c.result.error_at >= 0);
  err.result.error_at += 1;
  assert.deepEqual(differences(err).map((l) => l.split(':')[0]), ['error_at']);
  const p = pick((c) => c.result.status === 'read');
  p.result.glyphs[0].p -= 1e-4;
  assert.deepEqual(differences(p).map((l) => l.split('[')[0]), ['glyph p']);
});
