#!/usr/bin/env node
// The experiment behind the personalization constants (docs/teach-format.md, "Why this
// method"): for a few thresholds, teach 20 drawings of styles the model misreads (and, as a
// harder case, the first 20 misread MNIST training digits) and report the MNIST test accuracy,
// the taught drawings, later drawings in the same styles and drawings in other styles.
// Not a test: slow (a few minutes) and it prints figures only.
//   node scripts/teach-experiment.js [MNIST_DIR]    (default ../shared/mnist)
'use strict';
const path = require('path');
const { Inkling, readIdx, ROOT } = require('../Tests/js/helpers.js');
const { MISREAD, READ, drawings } = require('../Tests/js/teach-styles.js');

const dir = path.resolve(process.argv[2] || path.join(ROOT, '..', 'shared', 'mnist'));
const model = Inkling.loadModel(require('fs').readFileSync(path.join(ROOT, 'weights', 'model.json'), 'utf8'), 'model.json');
const load = (split) => ({ images: readIdx(path.join(dir, split + '-images-idx3-ubyte.gz')), labels: readIdx(path.join(dir, split + '-labels-idx1-ubyte.gz')) });
const digit = (set, k) => Float32Array.from(set.images.data.subarray(k * 784, (k + 1) * 784), (v) => v / 255);
const test = load('t10k'), train = load('train');
const right = (m, set) => set.filter((d) => m.predict(d.input).digit === d.label).length;

const taught = drawings(MISREAD, 0, 4), later = drawings(MISREAD, 4, 12), other = drawings(READ, 0, 6);
const hard = [];
for (let k = 0; k < train.labels.dims[0] && hard.length < 20; k++) {
  const x = digit(train, k);
  if (model.predict(x).digit !== train.labels.data[k]) hard.push({ input: x, label: train.labels.data[k] });
}
function mnist(m) {
  let n = 0;
  for (let k = 0; k < 10000; k++) if (m.predict(digit(test, k)).digit === test.labels.data[k]) n++;
  return (n / 100).toFixed(2) + '%';
}
console.log(`shipped: MNIST ${mnist(model)}, taught ${right(model, taught)}/20, later ${right(model, later)}/${later.length}, other ${right(model, other)}/${other.length}`);
for (const [threshold, full] of [[0.6, 0.65], [0.6, 0.7], [0.65, 0.7], [0.65, 0.75], [0.7, 0.75]]) {
  const o = { threshold, full, margin: 3 };
  const p = Inkling.personalize(model, taught, o), h = Inkling.personalize(model, hard, o);
  console.log(`threshold ${threshold} full ${full}: drawings taught -> MNIST ${mnist(p)}, taught ${right(p, taught)}/20, ` +
              `later ${right(p, later)}/${later.length}, other ${right(p, other)}/${other.length}; 20 misread training digits taught -> MNIST ${mnist(h)}, taught ${right(h, hard)}/20`);
}
