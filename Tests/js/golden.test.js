// The JavaScript reproduces every golden case (weights/golden.json, written by the Swift
// reference with `inkling golden`) within the tolerances the file states.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { Inkling, readJSON, ROOT } = require('./helpers.js');

const MODEL = path.join(ROOT, 'weights', 'model.json');
const GOLDEN = path.join(ROOT, 'weights', 'golden.json');

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
  const report = Inkling.checkGolden(readJSON(MODEL), readJSON(GOLDEN));
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
  const report = Inkling.checkGolden(readJSON(MODEL), golden);
  assert.strictEqual(report.pass, false);
  assert.deepStrictEqual(report.failures.filter((f) => f.case === c.name).map((f) => f.field).sort(), ['input', 'logits']);
  assert.strictEqual(report.worst.case, c.name);
});
