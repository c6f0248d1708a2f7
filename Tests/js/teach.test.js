// Inkling.personalize and teach files (docs/teach-format.md): Swift's personalized answers
// (golden.json "teach") reproduced; deterministic; the original model untouched; taught
// drawings read as their label and later drawings in the same style too; the 10,000 MNIST
// test digits (the sample's test split on a machine without them) lose at most 0.2 points
// and drawings in other styles lose nothing; strict teach files.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const path = require('path');
const { Inkling, readJSON, readIdx, ROOT, isInklingError } = require('./helpers.js');
const { MISREAD, READ, drawings } = require('./teach-styles.js');

const MODEL = path.join(ROOT, 'weights', 'model.json');
const GOLDEN = path.join(ROOT, 'weights', 'golden.json');
const DIGITS = process.env.INKLING_SWIFT_DIGITS || path.join(ROOT, 'artifacts', 'swift-test-digits.json');
const model = Inkling.loadModel(fs.readFileSync(MODEL, 'utf8'), MODEL);
const bytesInput = (b64) => Float32Array.from(Buffer.from(b64, 'base64'), (v) => v / 255);
const readsRight = (m, set) => set.filter((d) => m.predict(d.input).digit === d.label).length;

// 20 taught drawings: 4 variants of each misread style; variants 4-11 are the later drawings.
const taught = drawings(MISREAD, 0, 4), later = drawings(MISREAD, 4, 12), other = drawings(READ, 0, 6);
const examples = taught.map((d) => ({ input: d.input, label: d.label }));

test('the golden teach cases: Inkling.personalize gives Swift\'s predictions', () => {
  const golden = readJSON(GOLDEN);
  assert.ok(golden.teach && golden.teach.examples.length > 0 && golden.teach.probes.length > 0, GOLDEN + ': no "teach" section; run `inkling golden`');
  const p = Inkling.personalize(model, golden.teach.examples.map((e) => ({ label: e.label, input: bytesInput(e.input) })));
  let worstLogit = 0, worstProb = 0;
  for (const probe of golden.teach.probes) {
    const out = p.predict(bytesInput(probe.input));
    assert.strictEqual(out.digit, probe.digit, 'teach probe ' + probe.name + ': digit');
    out.logits.forEach((v, j) => { worstLogit = Math.max(worstLogit, Math.abs(v - probe.logits[j])); });
    out.probabilities.forEach((v, j) => { worstProb = Math.max(worstProb, Math.abs(v - probe.probabilities[j])); });
  }
  console.log(`# teach golden: ${golden.teach.probes.length} probes, worst logit difference ${worstLogit.toExponential(2)}, probability ${worstProb.toExponential(2)}`);
  assert.ok(worstLogit <= Inkling.GOLDEN_TOLERANCES.logits, 'logits differ from Swift by ' + worstLogit);
  assert.ok(worstProb <= Inkling.GOLDEN_TOLERANCES.probabilities, 'probabilities differ from Swift by ' + worstProb);
  for (const probe of golden.teach.probes.filter((q) => q.name.endsWith('-taught'))) {
    const e = golden.teach.examples.find((x) => x.input === probe.input);
    assert.strictEqual(probe.digit, e.label, probe.name + ' is taught and must read as its label');
  }
});

test('personalize: taught drawings read as their label, later ones in the style mostly too, other styles unchanged', () => {
  const before = readsRight(model, taught);
  assert.ok(before <= 4, 'the misread styles should be misread by the shipped model; it reads ' + before + ' of ' + taught.length + ' right');
  const p = Inkling.personalize(model, examples);
  for (const d of taught) assert.strictEqual(p.predict(d.input).digit, d.label, d.name + ' variant ' + d.variant + ' was taught');
  const laterBefore = readsRight(model, later), laterAfter = readsRight(p, later);
  const otherBefore = readsRight(model, other), otherAfter = readsRight(p, other);
  console.log(`# teach styles: later drawings ${laterBefore} -> ${laterAfter} of ${later.length}; other styles ${otherBefore} -> ${otherAfter} of ${other.length}`);
  assert.ok(laterAfter >= laterBefore + 0.5 * (later.length - laterBefore), 'later drawings in taught styles: ' + laterBefore + ' -> ' + laterAfter);
  for (const d of other) {
    if (model.predict(d.input).digit === d.label) assert.strictEqual(p.predict(d.input).digit, d.label, d.name + ' variant ' + d.variant + ' was read right before teaching');
  }
});

test('personalize is deterministic, ignores example order, and leaves the model untouched', () => {
  const probe = later.concat(other).map((d) => d.input);
  const base = probe.map((x) => model.predict(x));
  const dense = Float64Array.from(model.layers[model.layers.length - 1].weight);
  const a = Inkling.personalize(model, examples), b = Inkling.personalize(model, examples.slice().reverse());
  for (let i = 0; i < probe.length; i++) {
    assert.deepStrictEqual(a.predict(probe[i]), b.predict(probe[i]));
    assert.deepStrictEqual(model.predict(probe[i]), base[i], 'the original model changed');
  }
  assert.deepStrictEqual(Float64Array.from(model.layers[model.layers.length - 1].weight), dense);
  assert.strictEqual(model.taught, undefined);
  assert.strictEqual(a.taught, 20);
  assert.strictEqual(a.sha256, model.sha256);
  // activations: the last map is the personalized logits; re-personalizing starts from the shipped model.
  const maps = a.activations(taught[0].input);
  assert.deepStrictEqual(Array.from(maps[maps.length - 1].values), Array.from(Float32Array.from(a.predict(taught[0].input).logits)));
  const again = Inkling.personalize(a, []);
  for (const x of probe.slice(0, 5)) assert.deepStrictEqual(again.predict(x), model.predict(x));
});

test('personalize with 20 taught drawings loses at most 0.2 points on the MNIST test digits', () => {
  assert.ok(fs.existsSync(DIGITS), DIGITS + ': missing; run Tests/js/run.sh (it names the test images with `inkling golden --test-digits`)');
  const swift = readJSON(DIGITS), images = readIdx(swift.images), labels = readIdx(swift.labels), n = images.dims[0];
  if (path.basename(swift.images).startsWith('t10k')) assert.strictEqual(n, 10000, swift.images + ': expected the 10,000 test images');
  else assert.ok(n >= 1000, swift.images + ': expected the sample test split (1,000 images), found ' + n);
  const p = Inkling.personalize(model, examples), x = new Float32Array(784);
  let before = 0, after = 0;
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < 784; i++) x[i] = images.data[k * 784 + i] / 255;
    const want = labels.data[k];
    if (model.predict(x).digit === want) before++;
    if (p.predict(x).digit === want) after++;
  }
  console.log(`# teach forgetting: ${n} test digits from ${swift.images}: ${(100 * before / n).toFixed(2)}% -> ${(100 * after / n).toFixed(2)}%`);
  assert.ok(100 * (before - after) / n <= 0.2, 'accuracy fell from ' + before + ' to ' + after + ' of ' + n);
});

test('teach files: written and read back exactly, strictly refused when malformed', () => {
  const text = Inkling.writeTeachFile(examples.slice(0, 3), model.sha256);
  const back = Inkling.readTeachFile(text, 'mine.json');
  assert.strictEqual(back.modelSha256, model.sha256);
  assert.deepStrictEqual(back.examples.map((e) => e.label), examples.slice(0, 3).map((e) => e.label));
  assert.strictEqual(Inkling.writeTeachFile(back.examples, model.sha256), text, 'quantized examples survive a round trip unchanged');
  assert.strictEqual(Inkling.readTeachFile(Inkling.writeTeachFile([], null)).examples.length, 0);
  const good = JSON.parse(text);
  const bad = (edit, re) => {
    const g = JSON.parse(JSON.stringify(good));
    const t = typeof edit === 'string' ? edit : (edit(g), JSON.stringify(g));
    assert.throws(() => Inkling.readTeachFile(t, 'mine.json'), (e) => isInklingError(e) && re.test(e.message), re.toString());
  };
  bad((g) => { g.format = 'x'; }, /^mine\.json: format is "x", expected "inkling-teach"/);
  bad((g) => { g.version = 2; }, /^mine\.json: version is 2, expected 1/);
  bad((g) => { g.extra = 1; }, /^mine\.json: unknown key "extra" at top level/);
  bad((g) => { g.model_sha256 = 'ABC'; }, /model_sha256 must be 64 lowercase hex digits or null/);
  bad((g) => { g.examples = {}; }, /examples must be an array/);
  bad((g) => { g.examples[1].label = 10; }, /example 1: label must be an integer 0-9, found 10/);
  bad((g) => { g.examples[1].label = 1.5; }, /example 1: label must be an integer 0-9, found 1.5/);
  bad((g) => { g.examples[0].note = 'x'; }, /example 0: unknown key "note"/);
  bad((g) => { g.examples[2].input = g.examples[2].input.slice(4); }, /example 2: input must be padded base64 of 784 bytes/);
  bad((g) => { g.examples[2].input = g.examples[2].input.slice(0, -3) + 'B=='; }, /example 2: input must be padded base64 of 784 bytes, found "/);
  bad((g) => { g.examples = Array(101).fill(g.examples[0]); }, /101 examples, the limit is 100/);
  bad(text.replace('"version":1,', '"version":1,"version":1,'), /mine\.json: .*duplicate/i);
  bad('\ufeff' + text, /mine\.json/);
  bad(text.replace(/\]}\n$/, '],}'), /mine\.json/);
  assert.throws(() => Inkling.readTeachFile(42, 'mine.json'), (e) => isInklingError(e) && /mine\.json: expected the file's text or bytes, found the number 42/.test(e.message));
  assert.strictEqual(Inkling.readTeachFile(Buffer.from(text), 'mine.json').examples.length, 3, 'bytes are read too');
  assert.ok(text.startsWith('{"format":"inkling-teach","version":1,"model_sha256":"' + model.sha256 + '","examples":[{"label":'), text.slice(0, 120));
});

test('personalize refuses bad arguments with InklingError', () => {
  const refuses = (f, re) => assert.throws(f, (e) => isInklingError(e) && re.test(e.message), re.toString());
  refuses(() => Inkling.personalize({}, []), /expected a model from Inkling.loadModel/);
  refuses(() => Inkling.personalize(model, 'x'), /examples: expected an array/);
  refuses(() => Inkling.personalize(model, Array(101).fill(examples[0])), /101 examples, the limit is 100/);
  refuses(() => Inkling.personalize(model, [{ input: examples[0].input, label: 10 }]), /example 0: label must be an integer 0-9/);
  refuses(() => Inkling.personalize(model, [{ input: new Float32Array(783), label: 1 }]), /example 0 input: expected 784 values, found 783/);
  refuses(() => Inkling.personalize(model, [{ input: new Float32Array(784).fill(NaN), label: 1 }]), /example 0 input: value 0 is NaN/);
  refuses(() => Inkling.personalize(model, examples, { threshold: 0.9, full: 0.8 }), /threshold < full/);
});
