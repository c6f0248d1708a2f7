// JS latency benchmark harness, the same code in node and in headless Chromium:
// the shipped model's forward pass, the peers' plain-JS refnet (random weights: timing only)
// and preprocessing of a 280x280 canvas drawing. Median over >= 1,000 single calls after
// warm-up, plus the median of blocks of calls (performance.now() is coarsened to 100 us on
// file://, so the block figure is the one to read in Chromium).
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.InklingBench = factory();
})(typeof globalThis !== 'undefined' ? globalThis : this, function () {
  'use strict';

  function median(a) {
    const s = Array.from(a).sort((x, y) => x - y), n = s.length;
    return n % 2 ? s[n >> 1] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  }
  function pct(a, p) {
    const s = Array.from(a).sort((x, y) => x - y);
    return s[Math.min(s.length - 1, Math.floor(p / 100 * s.length))];
  }
  function lcg(seed) {
    let s = seed >>> 0;
    return (scale) => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return (s / 4294967296 * 2 - 1) * scale; };
  }

  // A "5" drawn like the page's canvas: 280x280, transparent background, 18-px black strokes.
  function canvasDrawing() {
    const W = 280, H = 280, data = new Uint8ClampedArray(W * H * 4), width = 18;
    const pts = [[200, 40], [90, 40], [80, 130], [150, 120], [200, 160], [195, 215], [140, 245], [80, 230]];
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        let best = 1e9;
        for (let k = 0; k + 1 < pts.length; k++) {
          const [ax, ay] = pts[k], [bx, by] = pts[k + 1], dx = bx - ax, dy = by - ay;
          const t = Math.max(0, Math.min(1, ((x + 0.5 - ax) * dx + (y + 0.5 - ay) * dy) / (dx * dx + dy * dy)));
          best = Math.min(best, Math.hypot(ax + t * dx - x - 0.5, ay + t * dy - y - 0.5));
        }
        const c = Math.max(0, Math.min(1, width / 2 - best + 0.5));
        data[4 * (y * W + x) + 3] = Math.round(255 * c);
      }
    }
    return { data, width: W, height: H };
  }

  // refnet with random weights in the layout refnet.js expects (timing only).
  function refnetWeights() {
    const r = lcg(12345), arr = (n, sc) => Array.from({ length: n }, () => r(sc));
    return { conv1: { weight: arr(16 * 25, 0.2), bias: arr(16, 0.1) }, conv2: { weight: arr(32 * 16 * 25, 0.05), bias: arr(32, 0.1) },
             fc: { weight: arr(10 * 1568, 0.03), bias: arr(10, 0.1) } };
  }

  // Times fn(i): warm-up, then `rounds` rounds of `runs` single calls and `blocks` x `perBlock`
  // calls; reports the round with the median single-call median.
  function time(fn, now, opts) {
    const runs = opts.runs, warm = opts.warmup, blocks = opts.blocks, per = opts.perBlock, rounds = [];
    for (let i = 0; i < warm; i++) fn(i);
    for (let r = 0; r < opts.rounds; r++) {
      const lat = new Float64Array(runs);
      for (let i = 0; i < runs; i++) { const a = now(); fn(i); lat[i] = now() - a; }
      const blk = new Float64Array(blocks);
      for (let b = 0; b < blocks; b++) { const a = now(); for (let j = 0; j < per; j++) fn(b * per + j); blk[b] = (now() - a) / per; }
      rounds.push({ median_us: median(lat) * 1000, p10_us: pct(lat, 10) * 1000, p90_us: pct(lat, 90) * 1000, block_median_us: median(blk) * 1000 });
    }
    const mid = rounds.slice().sort((x, y) => x.median_us - y.median_us)[rounds.length >> 1];
    const r1 = (v) => +v.toFixed(1);
    return { median_us: r1(mid.median_us), p10_us: r1(mid.p10_us), p90_us: r1(mid.p90_us),
             block_median_us: r1(median(rounds.map((x) => x.block_median_us))), runs: runs * opts.rounds, warmup: warm };
  }

  // Inkling: the library; RefNet: refnet.js or null; modelObj: parsed weights/model.json.
  function run(Inkling, RefNet, modelObj, now, opts) {
    opts = Object.assign({ runs: 1000, warmup: 500, blocks: 100, perBlock: 10, rounds: 3 }, opts || {});
    let res = Infinity;
    for (let i = 0; i < 2000; i++) { const a = now(); let b = now(); while (b === a) b = now(); if (b - a < res) res = b - a; }

    const model = Inkling.loadModel(modelObj);
    const drawing = canvasDrawing();
    const pre = Inkling.preprocess(drawing);
    const r = lcg(7), inputs = [pre.input];
    for (let k = 1; k < 16; k++) inputs.push(Float32Array.from({ length: 784 }, () => Math.max(0, r(1))));
    const out = { timer_resolution_us: +(res * 1000).toFixed(3), model_multiply_adds: model.multiplyAdds,
                  drawing_digit: model.predict(pre.input).digit };
    out.model = time((i) => model.forward(inputs[i & 15]), now, opts);
    out.preprocess_280 = time(() => Inkling.preprocess(drawing), now, Object.assign({}, opts, { runs: 300, warmup: 100, blocks: 30, rounds: 3 }));
    if (RefNet) {
      const net = RefNet.load(refnetWeights());
      out.refnet = time((i) => RefNet.forward(net, inputs[i & 15]), now, Object.assign({}, opts, { warmup: 200 }));
      out.refnet_multiply_adds = 16 * 28 * 28 * 25 + 32 * 14 * 14 * 400 + 1568 * 10;
      out.ratio_refnet_over_model = +(out.refnet.block_median_us / out.model.block_median_us).toFixed(2);
    } else {
      out.refnet = null;
      out.note = 'refnet.js (../shared/bench/peers) not found: model figures only';
    }
    return out;
  }

  function line(r) {
    const ms = (us) => (us / 1000).toFixed(3) + ' ms';
    return r.runtime + ': model forward ' + ms(r.model.block_median_us) + ' per digit (single-call median ' + ms(r.model.median_us) + ')' +
      (r.refnet ? ', refnet ' + ms(r.refnet.block_median_us) + ', refnet/model ' + r.ratio_refnet_over_model + 'x' : '') +
      '; preprocess 280x280 ' + ms(r.preprocess_280.block_median_us);
  }

  return { run: run, line: line, median: median };
});
