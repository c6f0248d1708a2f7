#!/usr/bin/env node
// Training throughput of learn.js in node against Swift's engine, in one sitting (a benchmark,
// not a test: run it on a quiet machine).
//
//   node scripts/bench-learn.js [--images 3200] [--repeats 5] [--batch 64]
//   INKLING_BIN=.build/release/inkling node scripts/bench-learn.js   # adds Swift's figures
//
// learn.js trains the shipped architecture ('inkling': batch norm, dropout) and 'refnet' on the
// real MNIST digits that train.html ships (templates/assets/train-data.js), batch 64, AdamW,
// single-threaded as in the page. Swift's figures come from `inkling bench --json` with
// --threads 1 and 2 (its shipped-model run also augments its inputs, a few percent of its time).
// Each figure is the median of --repeats timed runs after a warm-up run.
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const { execFileSync } = require('child_process');

const root = path.join(__dirname, '..');
const Learn = require(path.join(root, 'templates/assets/learn.js'));
const DigitPack = require(path.join(root, 'templates/assets/digitpack.js'));

function option(name, fallback) {
  const i = process.argv.indexOf('--' + name);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v <= 0) { console.error(`error: --${name} expects a positive integer, found ${process.argv[i + 1]}`); process.exit(2); }
  return v;
}
const images = option('images', 3200), repeats = option('repeats', 5), batch = option('batch', 64);

// The shipped digits, as train.html reads them.
const sandbox = { window: {} };
vm.runInNewContext(fs.readFileSync(path.join(root, 'templates/assets/train-data.js'), 'utf8'), sandbox);
const data = sandbox.window.INKLING_TRAIN_DATA;
const bytes = DigitPack.decode(data.train.pixels, data.train.count, 'train digits');
const labels = Uint8Array.from(data.train.labels.split('').map(Number));
if (bytes.length / 784 < images) { console.error(`error: --images ${images}: only ${bytes.length / 784} digits shipped`); process.exit(2); }

const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];

function rate(architecture) {
  const net = Learn.fromArchitecture(architecture, { seed: 1 });
  const x = net.normalise(bytes.subarray(0, images * 784), images);
  const run = (count) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i + batch <= count; i += batch) {
      net.trainStep(x.subarray(i * 784, (i + batch) * 784), labels.subarray(i, i + batch), 1e-3);
    }
    return Math.floor(count / batch) * batch / (Number(process.hrtime.bigint() - start) / 1e9);
  };
  run(Math.min(images, 10 * batch));   // warm-up: JIT, buffers
  return median(Array.from({ length: repeats }, () => run(images)));
}

const js = { model: rate('inkling'), refnet: rate('refnet') };
console.log(`learn.js (node ${process.version}, 1 thread): shipped model ${js.model.toFixed(0)} images/s, refnet ${js.refnet.toFixed(0)} images/s` +
            ` (median of ${repeats} runs of ${images} digits, batch ${batch})`);

const bin = process.env.INKLING_BIN;
if (bin) {
  for (const threads of [1, 2]) {
    const out = execFileSync(bin, ['bench', '--json', '--threads', String(threads), '--train-images', String(images),
                                   '--infer-images', '1000', '--repeats', String(repeats)], { encoding: 'utf8' });
    const s = JSON.parse(out.trim().split('\n').pop());
    console.log(`Swift (${threads} thread${threads > 1 ? 's' : ''}): shipped model ${s.model_train_images_per_s} images/s, refnet ${s.refnet_train_images_per_s} images/s;` +
                ` learn.js / Swift: ${(js.model / s.model_train_images_per_s).toFixed(2)}x, ${(js.refnet / s.refnet_train_images_per_s).toFixed(2)}x`);
  }
}
