// The JavaScript reproduces every golden case (weights/golden.json, written by the Swift
// reference with `inkling golden`) within the tolerances defined in code (Swift's
// GoldenFile.defaultTolerances), for the model file whose SHA-256 the golden file names.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { Inkling, readJSON, ROOT, isInklingError } = require('./helpers.js');

const MODEL = path.join(ROOT, 'weights', 'model.json');
const GOLDEN = path.join(ROOT, 'weights', 'golden.json');
const MODEL_TEXT = fs.readFileSync(MODEL, 'utf8');
const MODEL_SHA = crypto.createHash('sha256').update(fs.readFileSync(MODEL)).digest('hex');
const model = Inkling.loadModel(MODEL_TEXT, MODEL);
// A few cases of every kind: enough to exercise each path, quick to run many times.
const small = () => { const g = readJSON(GOLDEN); g.cases = [g.cases[0], g.cases.find((c) => c.preprocess && !c.blank), g.cases.find((c) => c.blank)]; return g; };

test('golden.json was made from the committed model (sha256 matches)', () => {
  const golden = readJSON(GOLDEN);
  const sha = crypto.createHash('sha256').update(fs.readFileSync(MODEL)).digest('hex');
  assert.strictEqual(golden.model_sha256, sha, 'weights/golden.json is stale: run `inkling golden`');
});

test('golden.json states the tolerances and holds at least 60 cases of every kind', () => {
  const golden = readJSON(GOLDEN);
  assert.deepStrictEqual(golden.tolerances, { input: 1e-5, probabilities: 1e-5, logits: 1e-4 });
  assert.ok(golden.cases.length >= 60, golden.cases.length + ' cases');
  const kinds = new Set(golden.cases.map((c) => c.kind));
  for (const k of ['mnist', 'mnist-preprocessed', 'synthetic']) assert.ok(kinds.has(k), 'no ' + k + ' case');
  assert.ok(golden.cases.some((c) => c.blank), 'no blank case');
});

test('JavaScript reproduces every golden case within tolerance', () => {
  const report = Inkling.checkGolden(MODEL_TEXT, readJSON(GOLDEN));
  assert.deepStrictEqual(report.problems, []);
  assert.strictEqual(report.modelSha256, MODEL_SHA);
  const w = report.worst;
  const worst = w ? `worst: ${w.case} ${w.field}[${w.index}] differs by ${w.diff.toExponential(2)} (tolerance ${w.tolerance})` : 'no cases';
  console.log(`# golden: ${report.count} cases, ${report.failures.length} failures; ${worst}; max diff ` + JSON.stringify(report.maxDiff));
  assert.ok(report.pass, `${report.failures.length} golden failures; ${worst}\n` +
    report.failures.slice(0, 20).map((f) => `  ${f.case}: ${f.field} ${f.detail}`).join('\n'));
});

test('checkGolden fails, naming the case, when a golden value is altered', () => {
  const golden = readJSON(GOLDEN);
  const c = golden.cases.find((x) => x.kind === 'synthetic' && !x.blank);
  c.logits[3] += 0.01;
  c.input[14 * 28 + 14] = c.input[14 * 28 + 14] > 0.5 ? 0 : 1;
  const report = Inkling.checkGolden(model, golden);
  assert.strictEqual(report.pass, false);
  assert.deepStrictEqual(report.failures.filter((f) => f.case === c.name).map((f) => f.field).sort(), ['input', 'logits']);
  assert.strictEqual(report.worst.case, c.name);
});

test('checkGolden fails when the golden file has no case', () => {
  const golden = readJSON(GOLDEN);
  golden.cases = [];
  const report = Inkling.checkGolden(model, golden);
  assert.strictEqual(report.pass, false);
  assert.strictEqual(report.count, 0);
  assert.match(report.problems.join('\n'), /golden\.json: no cases to check/);
});

test('checkGolden fails when model_sha256 names another model file', () => {
  const golden = small();
  golden.model_sha256 = '0'.repeat(64);
  const report = Inkling.checkGolden(model, golden);
  assert.strictEqual(report.pass, false);
  assert.deepStrictEqual(report.failures, [], 'every value still agrees: only the hash is wrong');
  assert.match(report.problems.join('\n'), new RegExp('model_sha256 is 0{64}, but the model file hashes to ' + MODEL_SHA));
  // One changed byte of the model text (a space) is another file.
  const other = Inkling.checkGolden(MODEL_TEXT.replace('{', '{ '), small());
  assert.strictEqual(other.pass, false);
  assert.match(other.problems.join('\n'), /model_sha256 is .* but the model file hashes to/);
  assert.strictEqual(Inkling.checkGolden(MODEL_TEXT, small()).pass, true);
  assert.strictEqual(Inkling.checkGolden(new Uint8Array(fs.readFileSync(MODEL)), small()).pass, true, 'from the bytes too');
});

test('checkGolden cannot verify the hash of a model given as an object, unless told it', () => {
  const report = Inkling.checkGolden(readJSON(MODEL), small());
  assert.strictEqual(report.pass, false);
  assert.match(report.problems.join('\n'), /cannot verify model_sha256: the model was given as an object/);
  assert.strictEqual(Inkling.checkGolden(readJSON(MODEL), small(), { modelSha256: MODEL_SHA }).pass, true);
  assert.strictEqual(Inkling.checkGolden(readJSON(MODEL), small(), { modelSha256: MODEL_SHA.toUpperCase() }).pass, true);
  const wrong = Inkling.checkGolden(readJSON(MODEL), small(), { modelSha256: 'a'.repeat(64) });
  assert.strictEqual(wrong.pass, false);
  assert.match(wrong.problems.join('\n'), /model_sha256 is .* but the model file hashes to a{64}/);
  const contradicts = Inkling.checkGolden(model, small(), { modelSha256: 'a'.repeat(64) });
  assert.match(contradicts.problems.join('\n'), /options\.modelSha256 a{64} is not the SHA-256 of the model text/);
  assert.throws(() => Inkling.checkGolden(model, small(), { modelSha256: 'xyz' }), (e) => isInklingError(e) && /options\.modelSha256 must be 64 hex digits/.test(e.message));
  assert.throws(() => Inkling.checkGolden(model, small(), 'fast'), (e) => isInklingError(e) && /options must be an object/.test(e.message));
});

test('checkGolden uses its own tolerances, never the golden file\'s', () => {
  const loose = small();
  loose.tolerances = { input: 1, probabilities: 1, logits: 1 };
  loose.cases[0].logits[0] += 0.01;   // 100x the logit tolerance
  const a = Inkling.checkGolden(model, loose);
  assert.strictEqual(a.pass, false, 'a file cannot loosen its own check');
  assert.deepStrictEqual(a.failures.map((f) => f.field), ['logits']);
  const strict = small();
  strict.tolerances = { input: 0, probabilities: 0, logits: 0 };
  const b = Inkling.checkGolden(model, strict);
  assert.strictEqual(b.pass, true, 'nor tighten it');
  assert.deepStrictEqual(b.tolerances, { input: 1e-5, probabilities: 1e-5, logits: 1e-4 });
  delete strict.tolerances;
  assert.strictEqual(Inkling.checkGolden(model, strict).pass, true, 'the file needs no tolerances at all');
});

test('checkGolden reads the golden file\'s text strictly', () => {
  const text = fs.readFileSync(GOLDEN, 'utf8');
  assert.strictEqual(Inkling.checkGolden(model, text).pass, true);
  assert.throws(() => Inkling.checkGolden(model, '\uFEFF' + text), (e) => isInklingError(e) && /^golden\.json: not valid JSON: .*byte order mark/.test(e.message));
  assert.throws(() => Inkling.checkGolden(model, text.replace('"version": 1,', '"version": 1, "version": 1,')), (e) => isInklingError(e) && /duplicate key "version"/.test(e.message));
});

// [name, mutate(golden with a few cases), message]: each malformed golden file is refused.
const MALFORMED = [
  ['not an object', () => [], /golden\.json: expected a JSON object at top level, found an array/],
  ['wrong format', (g) => { g.format = 'inkling-model'; }, /expected format "inkling-golden" version 1, found "inkling-model" version 1/],
  ['model_sha256 missing', (g) => { delete g.model_sha256; }, /model_sha256 must be 64 hex digits .*found nothing/],
  ['model_sha256 not hex', (g) => { g.model_sha256 = 'z'.repeat(64); }, /model_sha256 must be 64 hex digits/],
  ['cases not an array', (g) => { g.cases = {}; }, /cases: expected an array, found an object/],
  ['cases null', (g) => { g.cases = null; }, /cases: expected an array, found null/],
  ['a case is null', (g) => { g.cases[1] = null; }, /case 1: expected an object, found null/],
  ['a case without a name', (g) => { delete g.cases[0].name; }, /case 0: name must be a non-empty string, found nothing/],
  ['input of 783 values', (g) => { g.cases[0].input.pop(); }, /case mnist-test-0: input must be 784 numbers, found 783 items/],
  ['input as a string', (g) => { g.cases[0].input = 'x'; }, /case mnist-test-0: input must be 784 numbers, found the string "x"/],
  ['a logit as a string', (g) => { g.cases[0].logits[3] = '1'; }, /case mnist-test-0: logits\[3\] is "1", expected a finite number/],
  ['a probability null', (g) => { g.cases[0].probabilities[9] = null; }, /probabilities\[9\] is null/],
  ['digit 10', (g) => { g.cases[0].digit = 10; }, /digit must be an integer in 0\.\.\.9, found 10/],
  ['blank as a string', (g) => { g.cases[0].blank = 'false'; }, /blank must be true or false, found "false"/],
  ['label 1.5', (g) => { g.cases[0].label = 1.5; }, /label must be a digit or null, found 1\.5/],
  ['raw missing', (g) => { delete g.cases[0].raw; }, /case mnist-test-0: raw must be an object .*found nothing/],
  ['raw encoding rgb', (g) => { g.cases[1].raw.encoding = 'rgb'; }, /raw encoding must be "grey" or "rgba", found "rgb"/],
  ['raw width 0', (g) => { g.cases[1].raw.width = 0; }, /raw width and height must be integers in 1\.\.\.4096, found 0x/],
  ['raw height 4097', (g) => { g.cases[1].raw.height = 4097; }, /raw width and height must be integers in 1\.\.\.4096, found \d+x4097/],
  ['raw width huge', (g) => { g.cases[1].raw.width = 2 ** 40; }, /raw width and height must be integers in 1\.\.\.4096/],
  ['raw width a string', (g) => { g.cases[1].raw.width = '100'; }, /found "100"x/],
  ['raw bytes inconsistent with the size', (g) => { g.cases[1].raw.width += 1; }, /raw data: expected \d+ bytes for \d+x\d+ \w+ \(\d+ base64 characters\), found \d+ characters/],
  ['raw data not base64', (g) => { const r = g.cases[1].raw; r.data = '!' + r.data.slice(1); }, /raw data is not valid base64/],
  ['raw data a number', (g) => { g.cases[1].raw.data = 5; }, /raw data must be a base64 string, found the number 5/],
  ['an mnist case that is not 28x28 grey', (g) => { g.cases[0].raw = { encoding: 'rgba', width: 28, height: 28, data: Buffer.alloc(28 * 28 * 4).toString('base64') }; }, /case mnist-test-0: raw must be 28x28 grey when the case is not preprocessed/],
];

for (const [name, mutate, message] of MALFORMED) {
  test('checkGolden refuses a golden file with ' + name, () => {
    const g = small(), replaced = mutate(g);
    assert.throws(() => Inkling.checkGolden(model, replaced === undefined ? g : replaced), (e) => {
      assert.ok(isInklingError(e), name + ': expected an InklingError, found ' + e.name + ': ' + e.message);
      assert.match(e.message, message, name);
      return true;
    });
  });
}
