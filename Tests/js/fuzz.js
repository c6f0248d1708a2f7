#!/usr/bin/env node
// Fuzzes inkling.js with malformed and unusual inputs and checks its promises:
//   - only InklingError is ever thrown (never TypeError, RangeError, ...);
//   - nothing hangs (a watchdog stops a call that runs too long and reports it);
//   - a model that loads runs predict, logits and activations with finite output, or throws
//     InklingError; preprocess gives 784 values in [0, 1] or throws InklingError.
//
//   node Tests/js/fuzz.js [seconds] [--seed N] [--only I] [--hang S] [--quiet]
//   (--quiet: no table of calls and outcomes; findings are always printed)
//
// Five kinds of input, chosen per iteration: model text mutated byte by byte (on the text and
// on its UTF-8 bytes), random consistent layer stacks (valid or just outside the limits, then
// sometimes one field changed), golden files (structure and text), preprocess images, and
// teach files with personalize.
// Iteration I uses its own seed derived from (--seed, I), so `--seed S --only I` replays it.
// Exit status 1 if anything was found. The work runs in a worker thread so that the main
// thread can stop a hung call (--hang seconds, default 60: the machine may be busy).
'use strict';
const path = require('path');
const { Worker, isMainThread, parentPort, workerData } = require('worker_threads');

function parseArgs(argv) {
  const o = { seconds: 10, seed: 1, only: -1, hang: 60, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--seed') o.seed = Number(argv[++i]);
    else if (a === '--only') o.only = Number(argv[++i]);
    else if (a === '--hang') o.hang = Number(argv[++i]);
    else if (a === '--quiet') o.quiet = true;
    else if (/^\d+(\.\d+)?$/.test(a)) o.seconds = Number(a);
    else { console.error('error: fuzz.js: unknown argument ' + JSON.stringify(a) + '; usage: node Tests/js/fuzz.js [seconds] [--seed N] [--only I] [--hang S] [--quiet]'); process.exit(2); }
  }
  if (!Number.isSafeInteger(o.seed) || !(o.seconds > 0) || !(o.hang > 0)) { console.error('error: fuzz.js: --seed must be an integer, seconds and --hang positive'); process.exit(2); }
  return o;
}

// ---------------------------------------------------------------------------------------
// Main thread: the watchdog and the report.

if (isMainThread) {
  const opts = parseArgs(process.argv.slice(2));
  const shared = new Int32Array(new SharedArrayBuffer(8));   // [iteration, busy flag]
  const findings = [];
  let stats = null, lastIteration = -1, lastChange = Date.now(), finished = false;
  const started = Date.now();
  const worker = new Worker(__filename, { workerData: { opts, shared } });
  worker.on('message', (m) => {
    if (m.finding) { findings.push(m.finding); console.log('FINDING ' + JSON.stringify(m.finding)); }
    if (m.stats) stats = m.stats;
  });
  worker.on('error', (e) => { findings.push({ kind: 'worker', problem: 'the fuzzer itself crashed: ' + (e && e.stack || e) }); });
  const timer = setInterval(() => {
    const it = Atomics.load(shared, 0);
    if (it !== lastIteration) { lastIteration = it; lastChange = Date.now(); return; }
    if (Atomics.load(shared, 1) === 1 && Date.now() - lastChange > opts.hang * 1000) {
      findings.push({ kind: 'hang', iteration: it, problem: 'iteration ' + it + ' ran over ' + opts.hang + ' s; replay: node Tests/js/fuzz.js --seed ' + opts.seed + ' --only ' + it });
      console.log('FINDING ' + JSON.stringify(findings[findings.length - 1]));
      worker.terminate();
    }
  }, 500);
  worker.on('exit', () => {
    clearInterval(timer);
    finished = true;
    const s = stats || { executions: {}, outcomes: {} };
    const total = Object.values(s.executions).reduce((a, b) => a + b, 0);
    console.log('fuzz: seed ' + opts.seed + ', ' + ((Date.now() - started) / 1000).toFixed(1) + ' s, ' + (s.iterations || 0) + ' iterations, ' + total + ' calls');
    if (!opts.quiet) {
      for (const k of Object.keys(s.executions).sort()) console.log('  ' + k.padEnd(22) + String(s.executions[k]).padStart(8) + ' calls');
      for (const k of Object.keys(s.outcomes).sort()) console.log('  ' + k.padEnd(22) + String(s.outcomes[k]).padStart(8));
    }
    if (s.slowest) console.log('  slowest call: ' + s.slowest.ms.toFixed(0) + ' ms (' + s.slowest.what + ', iteration ' + s.slowest.iteration + ')');
    console.log('fuzz: ' + findings.length + ' findings');
    process.exitCode = findings.length ? 1 : 0;
  });
  process.on('exit', () => { if (!finished) console.log('fuzz: interrupted'); });
  return;
}

// ---------------------------------------------------------------------------------------
// Worker: the fuzzing.

const fs = require('fs');
const { Inkling, ROOT, stackModel, isInklingError } = require('./helpers.js');
const { opts, shared } = workerData;

const MODEL_TEXT = fs.readFileSync(path.join(ROOT, 'weights', 'model.json'), 'utf8');
const GOLDEN = JSON.parse(fs.readFileSync(path.join(ROOT, 'weights', 'golden.json'), 'utf8'));
const SHIPPED = Inkling.loadModel(MODEL_TEXT, 'model.json');
// Golden cases with small raw images (quick to check many times).
const SMALL_CASES = GOLDEN.cases.filter((c) => c.raw.width * c.raw.height <= 100 * 100);

// xorshift128+ style generator from a 32-bit seed pair: deterministic per iteration.
function rng(seed, iteration) {
  let a = (seed ^ 0x9e3779b9) >>> 0, b = (iteration * 0x85ebca6b + 0x165667b1) >>> 0;
  const next = () => {
    a ^= a << 13; a >>>= 0; a ^= a >>> 17; a ^= a << 5; a >>>= 0;
    b = (b + 0x6d2b79f5) >>> 0;
    let t = Math.imul(b ^ (b >>> 15), 1 | b);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) ^ a) >>> 0;
  };
  for (let i = 0; i < 4; i++) next();
  const r = {
    u32: next,
    float: () => next() / 4294967296,
    int: (lo, hi) => lo + Math.floor((next() / 4294967296) * (hi - lo + 1)),   // inclusive
    chance: (p) => next() / 4294967296 < p,
    pick: (xs) => xs[Math.floor((next() / 4294967296) * xs.length)],
  };
  return r;
}

const INTERESTING = [null, true, false, 0, -0, 1, -1, 2, 3, 1.5, 0.5, 10, 28, 64, 65, 512, 513, 4096, 4097, 1e308, -1e308, 2 ** 31,
  2 ** 32, 2 ** 53, 2 ** 53 + 2, 1e-320, 16777216, 16777217, 4000000, 4000001, '', '1', '28', 'conv2d', 'relu', 'dense',
  'float16', 'float32', '__proto__', 'constructor', 'x'.repeat(100), [], [1], [10], [1, 28, 28], [0], [-1], {}, { a: 1 }];
const TOKENS = ['{', '}', '[', ']', ',', ':', '"', '\\', 'null', 'true', '-0', '1e400', '-1e400', 'NaN', 'Infinity', '"__proto__":1,',
  '/*', '//', '\uFEFF', '\uD800', '\uDC00', '\u0000', '\u2028', '[[[[[[[[[[[[[[[[', '{"a":{"a":{"a":', '"x":', '0', '-', '.5', '01',
  '1.', '1e', '"\\u12"', '"\\ud800"', '\t', '\u00e9', '\ud83d\ude00', ',,', ', }', ', ]', '"layers":[],', '"version":2,'];
const NUMBERS = ['0', '-0', '1', '-1', '2', '3', '5', '11', '12', '28', '29', '100', '500', '513', '4097', '2147483648', '4294967296',
  '9007199254740993', '1e308', '1e-320', '1.5', '0.0', '1e2', '1E+1', '-28', '16777217', '4000001', '0.001', '1000.5'];

const stats = { iterations: 0, executions: {}, outcomes: {}, slowest: null };
const count = (key) => { stats.outcomes[key] = (stats.outcomes[key] || 0) + 1; };
let iteration = 0;

function report(kind, problem, detail) {
  parentPort.postMessage({ finding: { kind, iteration, seed: opts.seed, problem: String(problem).slice(0, 2000), detail: detail ? String(detail).slice(0, 500) : undefined } });
}

// Runs fn, timing it; returns { ok, value } or { error } for an InklingError; reports anything else.
function call(what, fn) {
  stats.executions[what] = (stats.executions[what] || 0) + 1;
  const t0 = performance.now();
  let result;
  try {
    result = { ok: true, value: fn() };
  } catch (e) {
    if (isInklingError(e)) {
      if (!/^[^:]+: ./.test(e.message)) report('message', what + ': an InklingError without "<file>: <problem>": ' + e.message);
      result = { ok: false, error: e };
    } else {
      report('throw', what + ': threw ' + (e && e.name) + ': ' + (e && e.message), e && e.stack);
      result = { ok: false, error: e, foreign: true };
    }
  }
  const ms = performance.now() - t0;
  if (!stats.slowest || ms > stats.slowest.ms) stats.slowest = { ms, what, iteration };
  return result;
}

// JSON text keeping -0 (JSON.stringify writes 0).
function toText(obj, indent) {
  return JSON.stringify(obj, (k, v) => (Object.is(v, -0) ? '__minus_zero__' : v), indent).replace(/"__minus_zero__"/g, '-0');
}

// ---------------------------------------------------------------------------------------
// Checks on what a loaded model and preprocess give back.

function randomInput(r) {
  const x = new Float32Array(784), mode = r.int(0, 4);
  for (let i = 0; i < 784; i++) {
    if (mode === 0) x[i] = 0;
    else if (mode === 1) x[i] = r.float();
    else if (mode === 2) x[i] = r.chance(0.5) ? 1 : 0;
    else if (mode === 3) x[i] = (r.float() - 0.5) * 1e6;
    else x[i] = r.chance(0.01) ? r.pick([1e38, -1e38, 3e38]) : r.float();
  }
  return x;
}

function checkRuns(model, r, what) {
  for (let k = 0; k < 2; k++) {
    const x = randomInput(r);
    const p = call('predict', () => model.predict(x));
    if (p.ok) {
      const out = p.value;
      const sum = out.probabilities.reduce((a, b) => a + b, 0);
      if (!(Number.isInteger(out.digit) && out.digit >= 0 && out.digit < out.probabilities.length) ||
          !out.probabilities.every((v) => Number.isFinite(v) && v >= 0 && v <= 1) || !(Math.abs(sum - 1) < 1e-9) ||
          !out.logits.every(Number.isFinite) || !Number.isFinite(out.confidence) || typeof out.unsure !== 'boolean') {
        report('output', what + ': predict gave a bad answer: ' + JSON.stringify(out).slice(0, 300));
      }
      count('predict ok');
    } else count('predict refused');
    const a = call('activations', () => model.activations(x));
    if (a.ok) {
      if (!Array.isArray(a.value) || a.value.length !== model.layers.length || !a.value.every((m) => m.values.every(Number.isFinite))) {
        report('output', what + ': activations are not finite or not one per layer');
      }
      if (p.ok === false) report('output', what + ': predict refused but activations ran on the same input');
    }
    const l = call('logits', () => model.logits(x));
    if (l.ok && !Array.from(l.value).every(Number.isFinite)) report('output', what + ': logits are not finite');
  }
  const bad = call('predict', () => model.predict(r.pick([new Float32Array(784).fill(NaN), new Float32Array(783), null, 'x', Array(784).fill('1')])));
  if (bad.ok) report('input', what + ': predict accepted a malformed input');
}

function checkPreprocessResult(res, what) {
  const v = res.value;
  if (!v || !(v.input instanceof Float32Array) || v.input.length !== 784 || typeof v.blank !== 'boolean' ||
      !v.input.every((x) => x >= 0 && x <= 1)) {
    report('output', what + ': preprocess gave a bad result');
    return;
  }
  count(v.blank ? 'preprocess blank' : 'preprocess ink');
  if (!v.blank) {
    const p = call('predict', () => SHIPPED.predict(v.input));
    if (!p.ok) report('output', what + ': the shipped model refused a preprocessed input: ' + p.error.message);
  }
}

// ---------------------------------------------------------------------------------------
// Mutators.

function mutateText(text, r) {
  let t = text;
  const n = r.int(1, 8);
  for (let k = 0; k < n; k++) {
    const at = r.int(0, t.length), op = r.int(0, 7);
    if (op === 0) t = t.slice(0, at) + String.fromCharCode(r.chance(0.8) ? r.int(32, 126) : r.int(0, 0xFFFF)) + t.slice(at + 1);
    else if (op === 1) t = t.slice(0, at) + t.slice(at + r.int(1, 40));
    else if (op === 2) { const len = r.int(1, 200); t = t.slice(0, at) + t.slice(at, at + len) + t.slice(at); }
    else if (op === 3) t = t.slice(0, at) + r.pick(TOKENS) + t.slice(at);
    else if (op === 4 || op === 5) {
      // Replace a number literal near `at` (the structure, not the base64 blobs).
      const re = /(?<=[:[,]\s*)-?\d+(\.\d+)?([eE][+-]?\d+)?/g;
      re.lastIndex = at;
      const m = re.exec(t) || (re.lastIndex = 0, re.exec(t));
      if (m) t = t.slice(0, m.index) + r.pick(NUMBERS) + t.slice(m.index + m[0].length);
    } else if (op === 6) t = t.slice(0, r.int(0, t.length));
    else {
      // Replace a quoted word (a key or a short value) with another one from the text.
      const words = t.match(/"[a-z_0-9.]{1,24}"/g);
      if (words) { const w = r.pick(words), i = t.indexOf(w, at) >= 0 ? t.indexOf(w, at) : t.indexOf(w); t = t.slice(0, i) + r.pick(words) + t.slice(i + w.length); }
    }
  }
  return t;
}

function mutateBytes(bytes, r) {
  const b = new Uint8Array(bytes);
  const n = r.int(1, 6);
  for (let k = 0; k < n; k++) b[r.int(0, b.length - 1)] = r.pick([0x00, 0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFE, 0xFF, r.int(0, 255)]);
  if (r.chance(0.1)) return Uint8Array.from([...r.pick([[0xEF, 0xBB, 0xBF], [0xFF, 0xFE], [0xFE, 0xFF]]), ...b]);
  return b;
}

// Every (container, key) pair in an object tree, to change one at random.
function slots(root) {
  const out = [];
  const walk = (o, depth) => {
    if (depth > 6 || o === null || typeof o !== 'object') return;
    for (const k of Object.keys(o)) {
      if (typeof o[k] === 'string' && o[k].length > 200) { out.push([o, k]); continue; }   // base64: change, do not descend
      out.push([o, k]);
      if (Array.isArray(o[k]) && o[k].length > 64) { out.push([o[k], String(Math.floor(o[k].length / 2))]); continue; }
      walk(o[k], depth + 1);
    }
  };
  walk(root, 0);
  return out;
}

function mutateStructure(obj, r) {
  const n = r.int(1, 3);
  for (let k = 0; k < n; k++) {
    const all = slots(obj);
    if (!all.length) return obj;
    const [o, key] = r.pick(all), op = r.int(0, 9);
    if (op === 0 && !Array.isArray(o)) delete o[key];
    else if (op === 1 && Array.isArray(o)) o.splice(Number(key), 1);
    else if (op === 2 && Array.isArray(o)) o.splice(Number(key), 0, JSON.parse(JSON.stringify(o[key] === undefined ? null : o[key])));
    else if (op === 3 && typeof o[key] === 'number') o[key] = o[key] + r.pick([1, -1, 0.5, 1e9]);
    else if (op === 4 && typeof o[key] === 'string' && o[key].length > 8) o[key] = o[key].slice(0, r.int(0, o[key].length - 1));
    else if (op === 5 && Array.isArray(o[key])) o[key] = o[key].concat([r.pick(INTERESTING)]);
    else o[key] = JSON.parse(JSON.stringify([r.pick(INTERESTING)]))[0] ?? null;
    if (Object.is(o[key], 0) && r.chance(0.3)) o[key] = -0;
  }
  return obj;
}

// A random layer stack: usually consistent and within the limits, sometimes just outside.
function randomStack(r) {
  const stack = [];
  let C = 1, H = 28, W = 28;
  const spatial = r.int(0, 8);
  for (let i = 0; i < spatial; i++) {
    const kind = r.int(0, 3);
    if (kind === 0) {
      const out = r.chance(0.05) ? r.pick([512, 513, 256]) : r.int(1, 12);
      const k = r.chance(0.1) ? r.pick([11, 12]) : r.int(1, 7), s = r.chance(0.1) ? r.pick([4, 5]) : r.int(1, 2);
      let p = r.chance(0.1) ? r.pick([k - 1, k]) : r.int(0, Math.max(0, k - 1));
      if (H + 2 * p < k || W + 2 * p < k) p = Math.min(k - 1, Math.ceil((k - Math.min(H, W)) / 2));
      stack.push(['conv', out, k, s, p]);
      C = out; H = Math.floor((H + 2 * p - k) / s) + 1; W = Math.floor((W + 2 * p - k) / s) + 1;
    } else if (kind === 1) {
      const size = Math.min(r.chance(0.1) ? r.pick([8, 9]) : r.int(1, 4), H, W), s = r.chance(0.1) ? r.pick([8, 9]) : r.int(1, 3);
      stack.push(['pool', size, s]);
      H = Math.floor((H - size) / s) + 1; W = Math.floor((W - size) / s) + 1;
    } else stack.push(['relu']);
    if (H < 1 || W < 1) break;
  }
  stack.push(['flatten']);
  const hidden = r.int(0, 2);
  for (let i = 0; i < hidden; i++) {
    stack.push(['dense', r.chance(0.05) ? r.pick([4096, 4097]) : r.int(1, 40)]);
    if (r.chance(0.5)) stack.push(['relu']);
  }
  stack.push(['dense', r.chance(0.03) ? r.int(1, 11) : 10]);
  while (r.chance(0.03) && stack.length < 70) stack.splice(r.int(0, stack.length), 0, ['relu']);
  return stack;
}

// Size of a stack's tensors, to avoid building ones far past the limits (refused by size anyway).
function stackValues(stack) {
  let C = 1, H = 28, W = 28, F = 0, total = 0;
  for (const e of stack) {
    if (e[0] === 'conv') { total += e[1] * C * e[2] * e[2] + e[1]; C = e[1]; H = Math.floor((H + 2 * e[4] - e[2]) / e[3]) + 1; W = Math.floor((W + 2 * e[4] - e[2]) / e[3]) + 1; }
    else if (e[0] === 'pool') { H = Math.floor((H - e[1]) / e[2]) + 1; W = Math.floor((W - e[1]) / e[2]) + 1; }
    else if (e[0] === 'flatten') F = C * H * W;
    else if (e[0] === 'dense') { total += F * e[1] + e[1]; F = e[1]; }
    if (!(H >= 1 && W >= 1)) return Infinity;
  }
  return total;
}

// ---------------------------------------------------------------------------------------
// The four kinds of iteration.

function fuzzModelText(r) {
  let base = MODEL_TEXT;
  if (r.chance(0.6)) {
    const stack = randomStack(r);
    if (stackValues(stack) <= 1e6) base = toText(stackModel(stack, { seed: r.u32(), dtype: r.pick(['float16', 'float32']) }).model, r.pick([0, 2]));
  }
  let res;
  if (r.chance(0.25)) {
    const bytes = mutateBytes(Buffer.from(r.chance(0.5) ? base : mutateText(base, r), 'utf8'), r);
    res = call('loadModel(bytes)', () => Inkling.loadModel(bytes, 'model.json'));
  } else {
    const text = mutateText(base, r);
    res = call('loadModel(text)', () => Inkling.loadModel(text, 'model.json'));
  }
  if (res.ok) { count('mutated text loaded'); checkRuns(res.value, r, 'mutated text'); } else count('mutated text refused');
}

function fuzzModelStructure(r) {
  const stack = randomStack(r);
  if (stackValues(stack) > 4.5e6) { count('stack skipped (too big to build)'); return; }
  const { model } = stackModel(stack, { seed: r.u32(), dtype: r.pick(['float16', 'float32']), scale: r.chance(0.05) ? r.pick([1e3, 1e6, 1e30]) : 1 });
  if (r.chance(0.1)) { model.input.mean = r.pick([-1000, 1000, 0.5]); model.input.std = r.pick([0.001, 1000, 0.01]); model.calibration.temperature = r.pick([0.01, 100]); }
  const mutated = r.chance(0.5);
  if (mutated) mutateStructure(model, r);
  const asText = r.chance(0.5);
  const res = call(asText ? 'loadModel(text)' : 'loadModel(object)', () => Inkling.loadModel(asText ? toText(model) : model, 'model.json'));
  const tag = mutated ? 'mutated stack' : 'random stack';
  if (res.ok) { count(tag + ' loaded'); checkRuns(res.value, r, tag); } else count(tag + ' refused');
}

function smallGolden(r) {
  const g = JSON.parse(JSON.stringify(GOLDEN, (k, v) => (k === 'cases' ? undefined : v)));
  g.cases = [];
  for (let i = r.int(1, 4); i > 0; i--) g.cases.push(JSON.parse(JSON.stringify(r.pick(SMALL_CASES))));
  return g;
}

function fuzzGolden(r) {
  const options = r.chance(0.8) ? undefined : r.pick([{ modelSha256: SHIPPED.sha256 }, { modelSha256: 'x' }, { modelSha256: 5 }, null, 'fast', { goldenFile: 3 }]);
  const model = r.chance(0.8) ? SHIPPED : r.pick([MODEL_TEXT, JSON.parse(MODEL_TEXT)]);
  let golden;
  if (r.chance(0.35)) golden = mutateText(toText(smallGolden(r)), r);
  else golden = mutateStructure(smallGolden(r), r);
  const res = call('checkGolden', () => Inkling.checkGolden(model, golden, options));
  if (res.ok) {
    const rep = res.value;
    if (typeof rep.pass !== 'boolean' || !Array.isArray(rep.failures) || !Array.isArray(rep.problems)) report('output', 'checkGolden gave a malformed report');
    if (rep.pass && rep.count === 0) report('output', 'checkGolden passed with no case');
    count(rep.pass ? 'golden pass' : 'golden fail');
  } else count('golden refused');
}

function fuzzPreprocess(r) {
  let w = r.chance(0.85) ? r.int(1, r.chance(0.1) ? 600 : 160) : r.pick([0, -1, 1.5, '3', 1e9, NaN, null, 10000, 10001, 4001]);
  let h = r.chance(0.85) ? r.int(1, r.chance(0.1) ? 600 : 160) : r.pick([0, -1, 2.5, '3', 1e9, NaN, undefined, 1, 4000]);
  const n = Number.isInteger(w) && Number.isInteger(h) && w > 0 && h > 0 && w * h <= 16e6 ? w * h * 4 : 64;
  const len = r.chance(0.9) ? n : r.pick([0, n - 1, n + 4, 3]);
  const type = r.pick(['u8', 'u8c', 'u8c', 'array', 'f32', 'string', 'null', 'buffer']);
  const data = type === 'u8' ? new Uint8Array(len) : type === 'u8c' ? new Uint8ClampedArray(len) : type === 'array' ? new Array(len).fill(0)
    : type === 'f32' ? new Float32Array(len) : type === 'string' ? 'x'.repeat(Math.min(len, 1000)) : type === 'buffer' ? Buffer.alloc(len) : null;
  if (data && typeof data !== 'string' && len > 0 && Number.isInteger(w) && w > 0) {
    const bg = [r.int(0, 255), r.int(0, 255), r.int(0, 255), r.pick([0, 255, 255, r.int(0, 255)])];
    const ink = [r.int(0, 255), r.int(0, 255), r.int(0, 255), r.pick([255, r.int(0, 255)])];
    const pixels = Math.floor(len / 4), rows = Math.max(1, Math.floor(pixels / w));
    const strokes = Array.from({ length: r.int(0, 4) }, () => ({ x0: r.float() * w, y0: r.float() * rows, x1: r.float() * w, y1: r.float() * rows, width: 1 + r.float() * Math.max(1, w / 8) }));
    const noise = r.chance(0.3) ? r.int(1, 120) : 0;
    for (let i = 0; i < pixels; i++) {
      const x = i % w + 0.5, y = Math.floor(i / w) + 0.5;
      let inked = false;
      for (const s of strokes) {
        const dx = s.x1 - s.x0, dy = s.y1 - s.y0, l2 = dx * dx + dy * dy;
        const t = l2 > 0 ? Math.min(1, Math.max(0, ((x - s.x0) * dx + (y - s.y0) * dy) / l2)) : 0;
        if (Math.hypot(s.x0 + t * dx - x, s.y0 + t * dy - y) < s.width / 2) { inked = true; break; }
      }
      const c = inked ? ink : bg;
      for (let j = 0; j < 4; j++) data[4 * i + j] = Math.max(0, Math.min(255, c[j] + (noise ? r.int(-noise, noise) : 0)));
    }
    if (type === 'array' && r.chance(0.1)) data[r.int(0, len - 1)] = r.pick([256, -1, 1.5, NaN, '7', null]);
  }
  const image = r.chance(0.95) ? { data, width: w, height: h } : r.pick([null, undefined, [], 'image', 42, new Uint8Array(16)]);
  const res = call('preprocess', () => Inkling.preprocess(image));
  if (res.ok) checkPreprocessResult(res, 'preprocess ' + w + 'x' + h + ' ' + type);
  else count('preprocess refused');
}

// Teach files (mutated text or structure) and personalize on what they hold, or on
// malformed example lists: only InklingError, and each taught example reads as a taught label.
const TEACH_EXAMPLES = GOLDEN.teach ? GOLDEN.teach.examples : [];
function fuzzTeach(r) {
  const file = { format: 'inkling-teach', version: 1, model_sha256: r.chance(0.5) ? null : SHIPPED.sha256, examples: [] };
  for (let i = r.int(0, 3); i > 0 && TEACH_EXAMPLES.length; i--) file.examples.push(JSON.parse(JSON.stringify(r.pick(TEACH_EXAMPLES))));
  const source = r.chance(0.4) ? mutateText(toText(file), r) : mutateStructure(file, r);
  const read = call('readTeachFile', () => Inkling.readTeachFile(typeof source === 'string' ? source : toText(source), 'fuzz-teach.json'));
  let examples = read.ok ? read.value.examples : null;
  if (!examples) { count('teach file refused'); if (!r.chance(0.3)) return; examples = mutateStructure({ e: [{ input: new Array(784).fill(0.5), label: 1 }] }, r).e; }
  const p = call('personalize', () => Inkling.personalize(SHIPPED, examples));
  if (!p.ok) { count('personalize refused'); return; }
  for (const e of examples) {
    // As taught: quantized to bytes (an input outside [0, 1] is not the drawing that was taught).
    const out = call('predict', () => p.value.predict(Float32Array.from(e.input, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255) / 255)));
    if (out.ok && !examples.some((x) => x.label === out.value.digit)) report('teach', 'a taught example reads as ' + out.value.digit + ', which no example teaches', JSON.stringify(examples.map((x) => x.label)));
  }
  count('personalized');
}

function runIteration(i) {
  const r = rng(opts.seed, i), kind = r.float();
  if (kind < 0.3) fuzzModelText(r);
  else if (kind < 0.65) fuzzModelStructure(r);
  else if (kind < 0.85) fuzzGolden(r);
  else if (kind < 0.95) fuzzPreprocess(r);
  else fuzzTeach(r);
}

const deadline = Date.now() + opts.seconds * 1000;
let lastStats = Date.now();
for (iteration = opts.only >= 0 ? opts.only : 0; ; iteration++) {
  Atomics.store(shared, 0, iteration);
  Atomics.store(shared, 1, 1);
  try {
    runIteration(iteration);
  } catch (e) {
    report('fuzzer', 'the fuzzer itself failed: ' + (e && e.stack || e));
  }
  Atomics.store(shared, 1, 0);
  stats.iterations++;
  if (Date.now() - lastStats > 1000) { parentPort.postMessage({ stats }); lastStats = Date.now(); }
  if (opts.only >= 0 || Date.now() > deadline) break;
}
parentPort.postMessage({ stats });
