// learn.js reproduces Swift's golden training values (weights/golden.json, "training",
// written by `inkling golden` from Sources/InklingCore/Golden/GoldenTraining.swift): the
// loss and every gradient of the first step, each later step's gradients, and the weights
// and batch-norm running statistics after SGD-momentum and AdamW steps, per tensor within
// max |got - want| <= 1e-4 * max(max |want|, 0.1 * largest |want| of its group). Prints the
// worst difference of every tensor.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const path = require('path');
const { Inkling, readJSON, ROOT } = require('./helpers.js');
const Learn = require('./helpers.js').library('learn.js');

const MODEL = path.join(ROOT, 'weights', 'model.json');
const GOLDEN = path.join(ROOT, 'weights', 'golden.json');
const model = Inkling.loadModel(fs.readFileSync(MODEL, 'utf8'), MODEL);

test('golden.json holds the training cases: shipped weights and the architecture with batch norm and dropout, SGD and AdamW', () => {
  const t = readJSON(GOLDEN).training;
  assert.ok(t && Array.isArray(t.cases), 'weights/golden.json has no "training" section: run `inkling golden`');
  const byNetwork = Object.fromEntries(t.cases.map((c) => [c.network, c]));
  assert.deepStrictEqual(Object.keys(byNetwork).sort(), ['inkling', 'model']);
  for (const c of t.cases) {
    assert.deepStrictEqual(c.runs.map((r) => r.optimizer.kind), ['sgd', 'adamw'], c.name);
    assert.ok(c.runs.every((r) => r.losses.length === 3), c.name + ': 3 steps per run');
    assert.ok(Object.keys(c.gradients).length >= 8, c.name + ': gradients of every parameter');
  }
  const arch = byNetwork.inkling;
  assert.ok(['bn1.gamma', 'bn3.beta', 'conv1.weight', 'dense.weight'].every((k) => k in arch.gradients && k in arch.initial));
  assert.strictEqual(arch.dropout_keep.length, 3, 'one dropout mask per step');
  assert.ok('bn2.running_var' in arch.runs[0].running);
});

test('learn.js reproduces every golden training tensor (worst difference per tensor)', () => {
  const t0 = Date.now();
  const report = Learn.checkTraining(readJSON(GOLDEN), model);
  const lines = report.tensors.map((t) => `${t.ok ? 'ok  ' : 'FAIL'} ${t.case} ${t.tensor}: worst ${t.worst.toExponential(2)} (tolerance ${t.tolerance.toExponential(2)})`);
  console.log(`training cases (${report.rule}), ${Date.now() - t0} ms:\n` + lines.join('\n'));
  assert.deepStrictEqual(report.problems, []);
  assert.deepStrictEqual(report.failures, []);
  assert.ok(report.pass);
  assert.ok(report.tensors.length >= 100, report.tensors.length + ' tensors compared');
  const w = report.worst;
  console.log(`worst: ${w.case} ${w.tensor} differs by ${w.worst.toExponential(2)}, ${(100 * w.worst / w.tolerance).toFixed(1)}% of its tolerance`);
});

// Changes value i of a float32 base64 tensor by `delta`.
function nudge(tensor, i, delta) {
  const bytes = Buffer.from(tensor.data, 'base64');
  bytes.writeFloatLE(bytes.readFloatLE(4 * i) + delta, 4 * i);
  tensor.data = bytes.toString('base64');
}

test('the training check fails when a gradient, a weight or a running statistic drifts', () => {
  for (const [where, edit] of [
    ['gradient conv2.weight', (c) => nudge(c.gradients['conv2.weight'], 5, 1e-2)],
    ['sgd[0] weights dense.bias', (c) => nudge(c.runs[0].weights['dense.bias'], 3, 1e-3)],
    ['adamw[1] weights conv1.weight', (c) => nudge(c.runs[1].weights['conv1.weight'], 0, 1e-3)],
  ]) {
    const golden = readJSON(GOLDEN);
    edit(golden.training.cases[0]);
    const report = Learn.checkTraining(golden, model);
    assert.strictEqual(report.pass, false, where + ': expected a failure');
    assert.ok(report.failures.some((f) => f.tensor.startsWith(where)), where + ': ' + JSON.stringify(report.failures));
  }
  const golden = readJSON(GOLDEN);
  const arch = golden.training.cases.find((c) => c.network === 'inkling');
  nudge(arch.runs[0].running['bn2.running_var'], 1, 1e-2);
  const report = Learn.checkTraining(golden, model);
  assert.ok(report.failures.some((f) => f.tensor === 'sgd[0] running bn2.running_var'), JSON.stringify(report.failures));
});

test('a golden file without training cases does not pass', () => {
  const golden = readJSON(GOLDEN);
  delete golden.training;
  const report = Learn.checkTraining(golden, model);
  assert.strictEqual(report.pass, false);
  assert.match(report.problems.join(' '), /no training cases/);
});
