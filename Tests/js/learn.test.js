// learn.js on its own: every layer's backward pass against central finite differences in
// float64, the optimizers' formulas, seeded determinism, float16 rounding, the exported model
// file (it loads in inkling.js, folded batch norm gives the unfolded logits), training that
// learns, and the step's throughput (printed, not asserted).
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { Inkling, ROOT, readIdx } = require('./helpers.js');
const Learn = require('./helpers.js').library('learn.js');
const L = Learn.layers;

function randoms(n, random, scale) { const a = new Float64Array(n); for (let i = 0; i < n; i++) a[i] = random.normal() * (scale || 1); return a; }
function param(name, shape, random, scale) { const p = new L.Parameter(name, shape, true); p.value.set(randoms(p.value.length, random, scale)); return p; }

// loss = sum(y * R) for a fixed random R: dL/dy = R. Compares backward's input and
// parameter gradients with (loss(v + h) - loss(v - h)) / 2h at every entry; returns the
// worst |numeric - analytic| / max(1, |analytic|).
function gradientCheck(layer, x, n, training, h) {
  const outCount = layer.forward(x, n, training).length, random = new Learn.Random(99);
  const R = randoms(outCount, random);
  const loss = () => { const y = layer.forward(x, n, training); let s = 0; for (let i = 0; i < y.length; i++) s += y[i] * R[i]; return s; };
  loss();
  const dx = layer.backward(Float64Array.from(R), n);
  const targets = [{ name: 'x', values: x, grad: dx && Float64Array.from(dx) }];
  for (const p of layer.parameters()) targets.push({ name: p.name, values: p.value, grad: Float64Array.from(p.grad) });
  const worst = {};
  for (const t of targets) {
    if (!t.grad) continue;
    let w = 0;
    for (let i = 0; i < t.values.length; i++) {
      const v = t.values[i];
      t.values[i] = v + h; const up = loss();
      t.values[i] = v - h; const down = loss();
      t.values[i] = v;
      const numeric = (up - down) / (2 * h);
      w = Math.max(w, Math.abs(numeric - t.grad[i]) / Math.max(1, Math.abs(t.grad[i])));
    }
    worst[t.name] = w;
  }
  return worst;
}

test('every layer\'s backward matches finite differences in float64', () => {
  Learn.precision('float64');
  try {
    const random = new Learn.Random(5), n = 3;
    const cases = [
      ['conv2d 5x5 pad 2', () => new L.Conv2D('c', [2, 7, 7], 5, 5, 1, 2, param('c.w', [5, 2, 5, 5], random, 0.3), param('c.b', [5], random)), [2, 7, 7]],
      ['conv2d 3x3 stride 2 pad 1', () => new L.Conv2D('c', [3, 6, 5], 4, 3, 2, 1, param('c.w', [4, 3, 3, 3], random, 0.3), param('c.b', [4], random)), [3, 6, 5]],
      ['batchnorm2d (training)', () => { const g = param('g', [3], random); const b = param('b', [3], random); return new L.BatchNorm2D('bn', [3, 4, 4], g, b); }, [3, 4, 4], true],
      ['relu', () => new L.ReLU('r', [2, 5, 5]), [2, 5, 5]],
      ['maxpool2d 2x2', () => new L.MaxPool2D('p', [2, 6, 6], 2, 2), [2, 6, 6]],
      ['maxpool2d 3x3 stride 2', () => new L.MaxPool2D('p', [2, 7, 7], 3, 2), [2, 7, 7]],
      ['flatten', () => new L.Flatten('f', [2, 3, 3]), [2, 3, 3]],
      ['dense', () => new L.Dense('d', [12], 5, param('d.w', [5, 12], random, 0.3), param('d.b', [5], random)), [12]],
    ];
    const report = [];
    for (const [name, make, shape, training] of cases) {
      const layer = make(), count = n * shape.reduce((a, b) => a * b, 1);
      const x = randoms(count, random);
      const worst = gradientCheck(layer, x, n, !!training, 1e-6);
      report.push(name + ': ' + Object.entries(worst).map(([k, v]) => `${k} ${v.toExponential(1)}`).join(', '));
      // Measured: 1e-10 to 8e-8 (rounding of the differences); 1e-6 leaves room, and a wrong
      // formula is off by O(1).
      for (const [k, v] of Object.entries(worst)) assert.ok(v < 1e-6, `${name}: ${k} gradient off by ${v}`);
    }
    // Dropout with a given mask is linear: its backward is the mask.
    const drop = new L.Dropout('drop', [10], 0.25, new Learn.Random(1));
    const mask = Float64Array.from({ length: 20 }, (_, i) => (i % 3 ? 1 / 0.75 : 0));
    const masked = { forward: (x, n, t) => { drop.useMask(mask); return drop.forward(x, n, t); },
                     backward: (dy, n) => drop.backward(dy, n), parameters: () => [] };
    const w = gradientCheck(masked, randoms(20, random), 2, true, 1e-6);
    report.push('dropout (mask given): x ' + w.x.toExponential(1));
    assert.ok(w.x < 1e-6);
    console.log('finite differences, worst |numeric - analytic| / max(1, |analytic|):\n  ' + report.join('\n  '));
  } finally {
    Learn.precision('float32');
  }
});

test('softmax cross-entropy: loss and gradient match finite differences in float64', () => {
  const random = new Learn.Random(11), n = 4, K = 10;
  const z = randoms(n * K, random, 3), labels = [3, 0, 9, 3], grad = new Float64Array(n * K);
  const r = L.softmaxCrossEntropy(z, labels, n, K, grad);
  let want = 0;
  for (let b = 0; b < n; b++) {
    let s = 0; for (let k = 0; k < K; k++) s += Math.exp(z[b * K + k]);
    want += Math.log(s) - z[b * K + labels[b]];
  }
  assert.ok(Math.abs(r.loss - want / n) < 1e-12, r.loss + ' vs ' + want / n);
  let worst = 0;
  for (let i = 0; i < z.length; i++) {
    const v = z[i], h = 1e-6, g = new Float64Array(n * K);
    z[i] = v + h; const up = L.softmaxCrossEntropy(z, labels, n, K, g).loss;
    z[i] = v - h; const down = L.softmaxCrossEntropy(z, labels, n, K, g).loss;
    z[i] = v;
    worst = Math.max(worst, Math.abs((up - down) / (2 * h) - grad[i]));
  }
  assert.ok(worst < 1e-8, 'worst ' + worst);
});

test('the whole network (batch norm, dropout) matches finite differences in float64', () => {
  Learn.precision('float64');
  try {
    const net = Learn.fromArchitecture('inkling', { seed: 3 });
    const random = new Learn.Random(4), n = 2, x = randoms(n * 784, random), labels = [1, 7];
    const drop = net.layers.find((l) => l.type === 'dropout');
    const mask = Float64Array.from({ length: n * 1568 }, () => (random.uniform() < 0.25 ? 0 : 1 / 0.75));
    const lossAt = () => { drop.useMask(mask); return net.forwardBackward(x, labels).loss; };
    lossAt();
    const grads = Object.fromEntries(net.parameters.map((p) => [p.name, Float64Array.from(p.grad)]));
    let worst = 0;
    for (const p of net.parameters) {
      for (const i of [0, 1, Math.floor(p.value.length / 2), p.value.length - 1]) {
        const v = p.value[i], h = 1e-5;
        p.value[i] = v + h; const up = lossAt();
        p.value[i] = v - h; const down = lossAt();
        p.value[i] = v;
        const numeric = (up - down) / (2 * h);
        worst = Math.max(worst, Math.abs(numeric - grads[p.name][i]) / Math.max(1e-2, Math.abs(grads[p.name][i])));
      }
    }
    console.log('network finite differences: worst relative ' + worst.toExponential(2));
    assert.ok(worst < 1e-4, 'worst ' + worst);   // measured ~1e-7 (second-order terms of h)
  } finally {
    Learn.precision('float32');
  }
});

test('SGD-momentum and AdamW follow Swift\'s formulas, weight decay on weights only', () => {
  const mk = () => { const w = new L.Parameter('w', [2], true, [1, -2]); const b = new L.Parameter('b', [1], false, [0.5]); w.grad.set([0.1, 0.2]); b.grad.set([-0.3]); return [w, b]; };
  const net = Learn.fromArchitecture('refnet');
  let ps = mk();
  net.setOptimizer({ kind: 'sgd', momentum: 0.9, weightDecay: 0.01 });
  const sgd = net.optimizer.constructor, adam = (net.setOptimizer({ kind: 'adamw', weightDecay: 0.01 }), net.optimizer.constructor);
  const s = new sgd(ps, { momentum: 0.9, weightDecay: 0.01 });
  s.step(ps, 0.1); s.step(ps, 0.1);
  // v1 = g + wd w0; w1 = w0 - lr v1; v2 = 0.9 v1 + g + wd w1; w2 = w1 - lr v2
  const v1 = 0.1 + 0.01 * 1, w1 = 1 - 0.1 * v1, v2 = 0.9 * v1 + 0.1 + 0.01 * w1, w2 = w1 - 0.1 * v2;
  assert.ok(Math.abs(ps[0].value[0] - w2) < 1e-6, ps[0].value[0] + ' vs ' + w2);
  const bv2 = 0.9 * -0.3 + -0.3;
  assert.ok(Math.abs(ps[1].value[0] - (0.5 + 0.1 * 0.3 - 0.1 * bv2)) < 1e-6, 'bias: no weight decay');
  ps = mk();
  const a = new adam(ps, { weightDecay: 0.01 });
  a.step(ps, 0.01);
  // t = 1: m_hat = g, v_hat = g^2: update = g / (|g| + eps) = sign(g)
  assert.ok(Math.abs(ps[0].value[0] - (1 - 0.01 * (1 + 0.01 * 1))) < 1e-6, String(ps[0].value[0]));
  assert.ok(Math.abs(ps[1].value[0] - (0.5 + 0.01)) < 1e-6, 'bias: no weight decay ' + ps[1].value[0]);
  assert.throws(() => net.setOptimizer({ kind: 'rmsprop' }), /unknown optimizer/);
});

test('seeded: the same seed gives the same weights and the same training, another seed does not', () => {
  const run = (seed) => {
    const net = Learn.fromArchitecture('inkling', { seed });
    const random = new Learn.Random(seed), x = new Float32Array(8 * 784).map(() => random.normal()), y = [0, 1, 2, 3, 4, 5, 6, 7];
    const losses = [net.trainStep(x, y, 1e-3), net.trainStep(x, y, 1e-3)];
    return { losses, w: Array.from(net.parameters[0].value) };
  };
  assert.deepStrictEqual(run(1), run(1));
  assert.notDeepStrictEqual(run(1).w, run(2).w);
  const r = new Learn.Random(1), first = [r.uniform(), r.uniform()];
  assert.deepStrictEqual([new Learn.Random(1).uniform()], [first[0]]);
  const p = Learn.shuffle(10, new Learn.Random(3));
  assert.deepStrictEqual(Array.from(p).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('float16 export rounds like Swift\'s Float16(x): round to nearest even, exact round trip', () => {
  const half = (h) => { const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 31, m = h & 1023; return e === 0 ? s * m * 2 ** -24 : s * (1 + m / 1024) * 2 ** (e - 15); };
  for (let h = 0; h < 0x10000; h++) {
    if (((h >> 10) & 31) === 31) continue;
    assert.strictEqual(Learn.floatToHalf(half(h)), h === 0x8000 ? 0x8000 : h, 'half ' + h.toString(16));
  }
  assert.strictEqual(Learn.floatToHalf(1 + 2 ** -11), 0x3C00, 'tie to even (down)');
  assert.strictEqual(Learn.floatToHalf(1 + 3 * 2 ** -11), 0x3C02, 'tie to even (up)');
  assert.strictEqual(Learn.floatToHalf(2 ** -25), 0, 'half the smallest subnormal ties to 0');
  assert.strictEqual(Learn.floatToHalf(1.5 * 2 ** -25), 1);
  assert.strictEqual(Learn.floatToHalf(65520), 0x7C00, 'overflow to infinity');
});

// A few training steps on random digits, so batch norm's running statistics are not 1 and 0.
function trainedNet() {
  const net = Learn.fromArchitecture('inkling', { seed: 2 });
  const random = new Learn.Random(8), x = new Float32Array(16 * 784).map(() => random.normal()), y = Array.from({ length: 16 }, (_, i) => i % 10);
  for (let s = 0; s < 5; s++) net.trainStep(x, y, 3e-3);
  return { net, x };
}

test('the exported model loads in inkling.js and its folded batch norm gives the unfolded logits (1e-5)', () => {
  const { net, x } = trainedNet();
  assert.ok(net.layers.filter((l) => l.type === 'batchnorm2d').some((bn) => bn.runningVar.some((v) => Math.abs(v - 1) > 1e-3)));
  const text = net.exportModel({ dtype: 'float32' });
  const model = Inkling.loadModel(text, 'exported.json');
  assert.deepStrictEqual(model.layers.map((l) => l.type), ['conv2d', 'relu', 'maxpool2d', 'conv2d', 'relu', 'maxpool2d', 'conv2d', 'relu', 'flatten', 'dense']);
  const unfolded = net.logits(x);
  let worst = 0, scale = 0;
  for (let i = 0; i < 16; i++) {
    // inkling.js takes [0, 1] pixels and normalises them itself: undo the normalisation.
    const pixels = Float64Array.from(x.subarray(i * 784, (i + 1) * 784), (v) => v * 0.3081 + 0.1307);
    const folded = model.forward(pixels);
    for (let k = 0; k < 10; k++) { worst = Math.max(worst, Math.abs(folded[k] - unfolded[i * 10 + k])); scale = Math.max(scale, Math.abs(unfolded[i * 10 + k])); }
  }
  console.log(`folded vs unfolded logits: worst ${worst.toExponential(2)} (largest logit ${scale.toFixed(2)})`);
  assert.ok(worst <= 1e-5 * Math.max(1, scale), 'worst ' + worst);
  // float16: the shipped format; same file layout, values rounded.
  const half = Inkling.loadModel(net.exportModel(), 'exported16.json');
  assert.strictEqual(half.layers.length, 10);
  assert.strictEqual(JSON.parse(net.exportModel()).tensors['conv1.weight'].dtype, 'float16');
});

test('the exported model is accepted by the Swift CLI (inkling info; with MNIST: evaluate, golden, build)', { skip: !process.env.INKLING_BIN && 'INKLING_BIN not set (Tests/js/run.sh sets it)' }, () => {
  const { net } = trainedNet();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'learn-')), file = path.join(dir, 'model.json');
  fs.writeFileSync(file, net.exportModel());
  const run = (args) => execFileSync(process.env.INKLING_BIN, args, { encoding: 'utf8' });
  assert.match(run(['info', '--model', file]), /conv1/);
  const data = process.env.INKLING_DATA || path.join(ROOT, '..', 'shared', 'mnist');
  if (!fs.existsSync(data)) return;
  const j = (name) => path.join(dir, name);
  run(['evaluate', '--data', data, '--model', file, '--save', j('evaluation.json')]);
  run(['golden', '--data', data, '--model', file, '--out', j('golden.json')]);
  assert.match(run(['build', '--model', file, '--evaluation', j('evaluation.json'), '--golden', j('golden.json'), '--out', j('site')]), /built/);
  assert.ok(fs.existsSync(j('site/model-card.html')));
});

test('bad arguments are refused with an InklingError naming the problem', () => {
  const net = Learn.fromArchitecture('inkling');
  assert.throws(() => net.trainStep(new Float32Array(783), [1], 0.1), (e) => e.name === 'InklingError' && /multiple of 784/.test(e.message));
  assert.throws(() => net.trainStep(new Float32Array(784), [10], 0.1), (e) => e.name === 'InklingError' && /labels\[0\]/.test(e.message));
  assert.throws(() => net.trainStep(new Float32Array(784), [1, 2], 0.1), /expected 1 labels/);
  assert.throws(() => net.trainStep(new Float32Array(784), [1], NaN), /learning rate/);
  assert.throws(() => net.trainStep([0, 1], [1], 0.1), /Float32Array/);
  assert.throws(() => Learn.fromArchitecture('resnet'), /unknown architecture/);
});

function mnist() {
  const dir = process.env.INKLING_DATA || path.join(ROOT, '..', 'shared', 'mnist');
  const f = (name) => path.join(dir, name);
  if (!fs.existsSync(f('train-images-idx3-ubyte.gz'))) return null;
  return { images: readIdx(f('train-images-idx3-ubyte.gz')), labels: readIdx(f('train-labels-idx1-ubyte.gz')) };
}

test('training on real digits learns (loss falls, held-out accuracy rises) and reports its speed', { skip: !mnist() && 'no MNIST found (INKLING_DATA)' }, () => {
  const data = mnist(), net = Learn.fromArchitecture('inkling', { seed: 1 });
  const images = data.images.data, labels = data.labels.data, count = data.labels.dims[0];
  // The first 1,200 training digits to learn from, the last 1,000 held out.
  const x = net.normalise(images.subarray(0, 1200 * 784), 1200), y = Array.from(labels.subarray(0, 1200));
  const held = net.normalise(images.subarray((count - 1000) * 784, count * 784), 1000), heldY = Array.from(labels.subarray(count - 1000, count));
  const before = net.evaluate(held, heldY);
  const bs = 64, random = new Learn.Random(1), xb = new Float32Array(bs * 784), yb = new Array(bs);
  let first = null, last = null, seconds = 0, images_ = 0;
  for (let epoch = 0; epoch < 2; epoch++) {
    const order = Learn.shuffle(1200, random);
    for (let s = 0; s + bs <= 1200; s += bs) {
      for (let i = 0; i < bs; i++) { xb.set(x.subarray(order[s + i] * 784, order[s + i] * 784 + 784), i * 784); yb[i] = y[order[s + i]]; }
      const t = process.hrtime.bigint();
      last = net.trainStep(xb, yb, 3e-3);
      seconds += Number(process.hrtime.bigint() - t) / 1e9; images_ += bs;
      if (first === null) first = last;
    }
  }
  const after = net.evaluate(held, heldY);
  console.log(`2 epochs of 1200 digits: loss ${first.toFixed(3)} -> ${last.toFixed(3)}, held-out accuracy ${before.accuracy} -> ${after.accuracy}; ` +
              `${Math.round(images_ / seconds)} images/s in training steps of ${bs} (this machine, now)`);
  assert.ok(last < first, 'loss fell');
  assert.ok(after.accuracy > 0.8, 'held-out accuracy ' + after.accuracy);
});
