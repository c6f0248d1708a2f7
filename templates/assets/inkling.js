/*
 * inkling.js: the Inkling model in the browser and in node. Zero dependencies, a classic
 * script (file:// pages cannot load ES modules), the same file in both places.
 *
 *   const Inkling = require('./templates/assets/inkling.js');   // in the page: window.Inkling
 *   const model = Inkling.loadModel(JSON.parse(text));            // the weights/model.json object
 *   const pre = Inkling.preprocess({ data, width, height });      // RGBA bytes -> { input: Float32Array(784), blank }
 *   const out = model.predict(pre.input);
 *   // -> { digit, confidence, probabilities: [10], logits: [10], unsure }
 *   const maps = model.activations(pre.input);                    // [{ layer, type, shape, values }] per layer
 *   const report = Inkling.checkGolden(modelObj, goldenObj);      // weights/golden.json
 *   // -> { pass, count, failures: [...], worst: { case, field, diff, tolerance } }
 *
 * Mirrors the Swift code one for one: `loadModel` validates like Format/ModelFile.swift, the
 * layers (conv2d, relu, maxpool2d, flatten, dense) compute what Layers/ computes (here in
 * float64), and `preprocess` is Vision/Preprocess*.swift step for step (docs/preprocessing.md),
 * with the same float64 operation order and explicit rounding, so both give the same bits.
 */
(function (root, factory) {
  'use strict';
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.Inkling = factory();
})(typeof globalThis !== 'undefined' ? globalThis : this, function () {
  'use strict';

  // ---------------------------------------------------------------------------------------
  // Errors: "<file>: <what was expected>, found <what>", like ModelFileError in Swift.

  function InklingError(file, problem) {
    const e = new Error(file + ': ' + problem);
    e.name = 'InklingError';
    e.file = file;
    e.problem = problem;
    return e;
  }

  // ---------------------------------------------------------------------------------------
  // Base64 (RFC 4648, padded) and float16, written out so node and the page decode alike and
  // malformed data is refused rather than silently truncated.

  const B64 = new Int16Array(128).fill(-1);
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach(function (c, i) { B64[c.charCodeAt(0)] = i; });

  // Returns a Uint8Array, or null when `s` is not valid padded base64.
  function decodeBase64(s) {
    if (typeof s !== 'string' || s.length % 4 !== 0) return null;
    let pad = 0;
    if (s.length > 0 && s[s.length - 1] === '=') pad = s[s.length - 2] === '=' ? 2 : 1;
    const n = s.length / 4 * 3 - pad, out = new Uint8Array(n);
    let o = 0;
    for (let i = 0; i < s.length; i += 4) {
      const last = i + 4 === s.length;
      const q = [0, 0, 0, 0];
      for (let j = 0; j < 4; j++) {
        const c = s.charCodeAt(i + j);
        if (last && c === 61 && j >= 4 - pad) { q[j] = 0; continue; }
        const v = c < 128 ? B64[c] : -1;
        if (v < 0) return null;
        q[j] = v;
      }
      const bits = (q[0] << 18) | (q[1] << 12) | (q[2] << 6) | q[3];
      if (o < n) out[o++] = bits >> 16;
      if (o < n) out[o++] = (bits >> 8) & 255;
      if (o < n) out[o++] = bits & 255;
    }
    return out;
  }

  const POW2 = new Float64Array(64);   // 2^(e - 30), exact
  (function () { let v = 1; for (let i = 0; i < 30; i++) v /= 2; for (let e = 0; e < 64; e++) { POW2[e] = v; v *= 2; } })();

  function halfToFloat(h) {
    const sign = h & 0x8000 ? -1 : 1, e = (h >> 10) & 31, m = h & 1023;
    if (e === 0) return sign * m * POW2[30 - 24];               // subnormal: m * 2^-24
    if (e === 31) return m ? NaN : sign * Infinity;
    return sign * (1024 + m) * POW2[30 + e - 25];              // (1 + m/1024) * 2^(e-15)
  }

  // ---------------------------------------------------------------------------------------
  // The model file (docs/weights-format.md): validated like ModelFile.decode + validate.

  const KNOWN_TYPES = ['conv2d', 'relu', 'maxpool2d', 'flatten', 'dense'];

  function same(a, b) {
    if (!Array.isArray(a) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  function show(a) { return Array.isArray(a) ? '[' + a.join(', ') + ']' : JSON.stringify(a); }
  function isInt(v) { return typeof v === 'number' && Number.isInteger(v); }

  function decodeTensor(t, name, file) {
    if (!t || typeof t !== 'object') throw InklingError(file, 'tensor ' + name + ': expected an object with dtype, shape, data, found ' + show(t));
    if (t.dtype !== 'float16' && t.dtype !== 'float32') throw InklingError(file, 'tensor ' + name + ': dtype must be "float16" or "float32", found ' + show(t.dtype));
    if (!Array.isArray(t.shape) || t.shape.length === 0 || !t.shape.every(function (d) { return isInt(d) && d > 0; })) {
      throw InklingError(file, 'tensor ' + name + ': shape ' + show(t.shape) + ' must be non-empty with positive sizes');
    }
    const count = t.shape.reduce(function (a, b) { return a * b; }, 1), size = t.dtype === 'float16' ? 2 : 4;
    const bytes = decodeBase64(t.data);
    if (bytes === null) throw InklingError(file, 'tensor ' + name + ': data is not valid base64 (truncated or corrupt)');
    if (bytes.length !== count * size) {
      throw InklingError(file, 'tensor ' + name + ': expected ' + count * size + ' bytes for shape ' + show(t.shape) + ' as ' + t.dtype + ', found ' + bytes.length);
    }
    const values = new Float64Array(count);
    if (size === 2) {
      for (let i = 0; i < count; i++) values[i] = halfToFloat(bytes[2 * i] | (bytes[2 * i + 1] << 8));
    } else {
      const f = new Float32Array(bytes.buffer, bytes.byteOffset, count);  // little-endian hosts only (all of ours)
      for (let i = 0; i < count; i++) values[i] = f[i];
    }
    for (let i = 0; i < count; i++) {
      if (!isFinite(values[i])) throw InklingError(file, 'tensor ' + name + ': value ' + i + ' is ' + values[i] + ' (NaN or infinity)');
    }
    return { shape: t.shape, values: values };
  }

  function loadModel(obj, file) {
    file = file || 'model.json';
    const fail = function (problem) { return InklingError(file, problem); };
    if (!obj || typeof obj !== 'object') throw fail('expected a JSON object, found ' + typeof obj);
    if (obj.format !== 'inkling-model') throw fail('format is ' + show(obj.format) + ', expected "inkling-model"');
    if (obj.version !== 1) throw fail('unsupported format version ' + show(obj.version) + '; this build reads version 1');
    for (const key of ['input', 'layers', 'tensors', 'calibration']) {
      if (obj[key] === undefined || obj[key] === null) throw fail('missing key "' + key + '" at top level');
    }
    const inp = obj.input, cal = obj.calibration;
    if (!(isInt(inp.height) && inp.height > 0 && isInt(inp.width) && inp.width > 0 && inp.channels === 1 &&
          typeof inp.std === 'number' && inp.std > 0 && typeof inp.mean === 'number' && isFinite(inp.mean))) {
      throw fail('input: expected a positive 28x28x1 shape and std > 0, found ' + inp.height + 'x' + inp.width + 'x' + inp.channels + ', std ' + inp.std);
    }
    if (!(typeof cal.temperature === 'number' && cal.temperature > 0 && isFinite(cal.temperature) &&
          typeof cal.unsure_below === 'number' && cal.unsure_below >= 0 && cal.unsure_below <= 1)) {
      throw fail('calibration: temperature must be > 0 and unsure_below in [0, 1], found ' + cal.temperature + ', ' + cal.unsure_below);
    }
    if (!Array.isArray(obj.layers) || obj.layers.length === 0) throw fail('layers: the list is empty');
    if (typeof obj.tensors !== 'object' || Array.isArray(obj.tensors)) throw fail('tensors: expected an object of named tensors');

    const tensors = {};
    for (const name of Object.keys(obj.tensors)) tensors[name] = decodeTensor(obj.tensors[name], name, file);

    let shape = [inp.channels, inp.height, inp.width];
    const used = {}, layers = [];
    function tensor(name, want, at) {
      if (typeof name !== 'string') throw fail(at + ': missing tensor name');
      const t = tensors[name];
      if (!t) throw fail(at + ': tensor "' + name + '" is missing');
      if (!same(t.shape, want)) throw fail(at + ': tensor ' + name + ' has shape ' + show(t.shape) + ', expected ' + show(want));
      used[name] = true;
      return t.values;
    }
    obj.layers.forEach(function (l, i) {
      const at = 'layer ' + i + ' (' + l.name + ', ' + l.type + ')';
      if (KNOWN_TYPES.indexOf(l.type) < 0) throw fail(at + ': unknown layer type "' + l.type + '"; known types: ' + KNOWN_TYPES.join(', '));
      if (!same(l.input_shape, shape)) throw fail(at + ': input_shape ' + show(l.input_shape) + ', but the previous layer gives ' + show(shape));
      let out, layer;
      if (l.type === 'conv2d') {
        const cin = l.in_channels, cout = l.out_channels, k = l.kernel, s = l.stride, p = l.padding;
        if (!(shape.length === 3 && cin === shape[0] && isInt(cout) && cout > 0 && isInt(k) && k > 0 && isInt(s) && s > 0 &&
              isInt(p) && p >= 0 && shape[1] + 2 * p >= k && shape[2] + 2 * p >= k)) {
          throw fail(at + ': needs in_channels = ' + shape[0] + ', out_channels, kernel, stride, padding that fit input ' + show(shape));
        }
        out = [cout, Math.floor((shape[1] + 2 * p - k) / s) + 1, Math.floor((shape[2] + 2 * p - k) / s) + 1];
        layer = { type: 'conv2d', name: l.name, inShape: shape, outShape: out, k: k, stride: s, pad: p,
                  weight: tensor(l.weight, [cout, cin, k, k], at), bias: tensor(l.bias, [cout], at) };
      } else if (l.type === 'relu') {
        out = shape;
        layer = { type: 'relu', name: l.name, inShape: shape, outShape: out };
      } else if (l.type === 'maxpool2d') {
        const size = l.size, s = l.stride;
        if (!(shape.length === 3 && isInt(size) && size > 0 && isInt(s) && s > 0 && shape[1] >= size && shape[2] >= size)) {
          throw fail(at + ': needs size and stride that fit input ' + show(shape));
        }
        out = [shape[0], Math.floor((shape[1] - size) / s) + 1, Math.floor((shape[2] - size) / s) + 1];
        layer = { type: 'maxpool2d', name: l.name, inShape: shape, outShape: out, size: size, stride: s };
      } else if (l.type === 'flatten') {
        out = [shape.reduce(function (a, b) { return a * b; }, 1)];
        layer = { type: 'flatten', name: l.name, inShape: shape, outShape: out };
      } else {
        const fin = l.in_features, fout = l.out_features;
        if (!(shape.length === 1 && fin === shape[0] && isInt(fout) && fout > 0)) {
          throw fail(at + ': needs in_features = ' + shape.reduce(function (a, b) { return a * b; }, 1) + ' (a flat input) and out_features');
        }
        out = [fout];
        layer = { type: 'dense', name: l.name, inShape: shape, outShape: out,
                  weight: tensor(l.weight, [fout, fin], at), bias: tensor(l.bias, [fout], at) };
      }
      if (!same(l.output_shape, out)) throw fail(at + ': output_shape ' + show(l.output_shape) + ', expected ' + show(out));
      shape = out;
      layers.push(layer);
    });
    if (!same(shape, [10])) throw fail('the last layer gives ' + show(shape) + ', expected [10] logits');
    const extra = Object.keys(tensors).filter(function (n) { return !used[n]; }).sort();
    if (extra.length) throw fail('tensors not used by any layer: ' + extra.join(', '));
    return new Model(inp, cal, layers);
  }

  // ---------------------------------------------------------------------------------------
  // The forward pass, one function per layer kind, over flat Float64Arrays in [C][H][W]
  // order. Buffers are allocated once per model; a forward pass allocates nothing.

  // conv2d: out[o][y][x] = bias[o] + sum_{c,ky,kx} w[o][c][ky][kx] * in[c][y*s+ky-p][x*s+kx-p].
  // The input is copied into a zero-padded buffer; for each output pixel its C*k*k patch is
  // gathered once (through a precomputed index table) and dotted with four output
  // channels' weights at a time, so every loaded input value is used four times.
  function conv2d(L, inp, out) {
    const C = L.inShape[0], H = L.inShape[1], W = L.inShape[2];
    const O = L.outShape[0], OH = L.outShape[1], OW = L.outShape[2], P = L.pad, PW = W + 2 * P, PH = H + 2 * P;
    const padded = L.padded, patch = L.patch, index = L.index, w = L.weight, b = L.bias, K = L.patchSize;
    for (let c = 0; c < C; c++) {
      for (let y = 0; y < H; y++) {
        const src = (c * H + y) * W, dst = (c * PH + y + P) * PW + P;
        for (let x = 0; x < W; x++) padded[dst + x] = inp[src + x];
      }
    }
    const HW = OH * OW, O4 = O - (O % 4);
    for (let px = 0; px < HW; px++) {
      const base = px * K;
      for (let j = 0; j < K; j++) patch[j] = padded[index[base + j]];
      let o = 0;
      for (; o < O4; o += 4) {
        const w0 = o * K, w1 = w0 + K, w2 = w1 + K, w3 = w2 + K;
        let s0 = b[o], s1 = b[o + 1], s2 = b[o + 2], s3 = b[o + 3];
        for (let j = 0; j < K; j++) {
          const v = patch[j];
          s0 += w[w0 + j] * v; s1 += w[w1 + j] * v; s2 += w[w2 + j] * v; s3 += w[w3 + j] * v;
        }
        out[o * HW + px] = s0; out[(o + 1) * HW + px] = s1; out[(o + 2) * HW + px] = s2; out[(o + 3) * HW + px] = s3;
      }
      for (; o < O; o++) {
        const w0 = o * K;
        let s = b[o];
        for (let j = 0; j < K; j++) s += w[w0 + j] * patch[j];
        out[o * HW + px] = s;
      }
    }
  }

  // Precomputed gather table: for output pixel px, entry j = (c, ky, kx) is the padded index.
  function prepareConv(L) {
    const C = L.inShape[0], H = L.inShape[1], W = L.inShape[2], k = L.k, s = L.stride, P = L.pad;
    const OH = L.outShape[1], OW = L.outShape[2], PW = W + 2 * P, PH = H + 2 * P, K = C * k * k;
    L.patchSize = K;
    L.padded = new Float64Array(C * PH * PW);
    L.patch = new Float64Array(K);
    L.index = new Int32Array(OH * OW * K);
    for (let y = 0; y < OH; y++) {
      for (let x = 0; x < OW; x++) {
        let j = (y * OW + x) * K;
        for (let c = 0; c < C; c++) {
          for (let ky = 0; ky < k; ky++) {
            for (let kx = 0; kx < k; kx++) L.index[j++] = (c * PH + y * s + ky) * PW + x * s + kx;
          }
        }
      }
    }
  }

  function relu(L, inp, out) {
    for (let i = 0; i < inp.length; i++) { const v = inp[i]; out[i] = v > 0 ? v : 0; }
  }

  function maxpool2d(L, inp, out) {
    const C = L.inShape[0], H = L.inShape[1], W = L.inShape[2], OH = L.outShape[1], OW = L.outShape[2];
    const size = L.size, s = L.stride;
    for (let c = 0; c < C; c++) {
      for (let y = 0; y < OH; y++) {
        for (let x = 0; x < OW; x++) {
          let m = -Infinity;
          for (let ky = 0; ky < size; ky++) {
            const row = (c * H + y * s + ky) * W + x * s;
            for (let kx = 0; kx < size; kx++) { const v = inp[row + kx]; if (v > m) m = v; }
          }
          out[(c * OH + y) * OW + x] = m;
        }
      }
    }
  }

  function flatten(L, inp, out) { out.set(inp); }

  function dense(L, inp, out) {
    const fin = L.inShape[0], fout = L.outShape[0], w = L.weight, b = L.bias;
    for (let o = 0; o < fout; o++) {
      let s = b[o];
      const row = o * fin;
      for (let i = 0; i < fin; i++) s += w[row + i] * inp[i];
      out[o] = s;
    }
  }

  const FORWARD = { conv2d: conv2d, relu: relu, maxpool2d: maxpool2d, flatten: flatten, dense: dense };

  function Model(input, calibration, layers) {
    this.input = { height: input.height, width: input.width, mean: input.mean, std: input.std };
    // Swift holds these as Float: use the same float32 values.
    this.mean = Math.fround(input.mean);
    this.std = Math.fround(input.std);
    this.temperature = Math.fround(calibration.temperature);
    this.unsureBelow = Math.fround(calibration.unsure_below);
    this.calibration = calibration;
    this.layers = layers;
    this.pixels = input.height * input.width;
    this.x = new Float64Array(this.pixels);
    let multiplyAdds = 0, parameters = 0;
    for (const L of layers) {
      L.out = new Float64Array(L.outShape.reduce(function (a, b) { return a * b; }, 1));
      if (L.type === 'conv2d') { prepareConv(L); multiplyAdds += L.out.length * L.inShape[0] * L.k * L.k; }
      if (L.type === 'dense') multiplyAdds += L.inShape[0] * L.outShape[0];
      if (L.weight) parameters += L.weight.length + L.bias.length;
    }
    this.multiplyAdds = multiplyAdds;
    this.parameterCount = parameters;
  }

  // Runs every layer; returns the last layer's output buffer (the 10 logits).
  Model.prototype.forward = function (input) {
    if (!input || input.length !== this.pixels) throw InklingError('input', 'expected ' + this.pixels + ' values, found ' + (input ? input.length : input));
    const x = this.x, mean = this.mean, std = this.std;
    for (let i = 0; i < x.length; i++) x[i] = (input[i] - mean) / std;
    let a = x;
    for (const L of this.layers) { FORWARD[L.type](L, a, L.out); a = L.out; }
    return a;
  };

  // Raw logits as a fresh Float64Array(10).
  Model.prototype.logits = function (input) { return Float64Array.from(this.forward(input)); };

  Model.prototype.predict = function (input) {
    const z = this.forward(input), T = this.temperature;
    let mx = -Infinity;
    for (let i = 0; i < z.length; i++) if (z[i] / T > mx) mx = z[i] / T;
    const p = new Array(z.length);
    let sum = 0;
    for (let i = 0; i < z.length; i++) { p[i] = Math.exp(z[i] / T - mx); sum += p[i]; }
    let best = 0;
    for (let i = 0; i < z.length; i++) { p[i] /= sum; if (p[i] > p[best]) best = i; }
    return { digit: best, confidence: p[best], probabilities: p, logits: Array.from(z), unsure: p[best] < this.unsureBelow };
  };

  // Every layer's output for one image: [{ layer, type, shape, values: Float32Array }].
  Model.prototype.activations = function (input) {
    this.forward(input);
    return this.layers.map(function (L) {
      return { layer: L.name, type: L.type, shape: L.outShape.slice(), values: Float32Array.from(L.out) };
    });
  };

  // ---------------------------------------------------------------------------------------
  // Preprocessing (docs/preprocessing.md), step for step as Vision/Preprocess*.swift.

  const NOISE_FLOOR = 24, MIN_CONTRAST = 40, INK_PERCENTILE = 95, MIN_ELONGATION = 6;
  const POLARITY_MARGIN = 32, WORK = 64, MARGIN = 8, BOX = 20, SIDE = 28;
  const STROKE_TARGET = 6, STROKE_LOW = 0.6, STROKE_HIGH = 1.75;

  function roundHalfUp(x) { return Math.floor(x + 0.5); }

  function kth(hist, k) {
    let seen = 0;
    for (let v = 0; v < hist.length; v++) { seen += hist[v]; if (seen > k) return v; }
    return hist.length - 1;
  }

  // Scratch buffer reused across calls (a drawing is preprocessed once per frame).
  let scratchS = new Float64Array(0);

  // Step 1 (PreprocessSignal.swift). Returns { s, mode, hist, candidates, rowMax, colMax }:
  // s in [0, 255] (0 = background) per pixel, and from the same pass the statistics steps 2
  // and 3 need: the histogram of round(s) over candidates (round(s) >= NOISE_FLOOR) and the
  // maximum of s per row and per column (the ink box for any threshold). Each hot loop is
  // its own small function, which V8 optimises far better than one big one.
  function inkSignal(p, w, h) {
    const n = w * h;
    if (scratchS.length < n) scratchS = new Float64Array(n);
    const sig = { s: scratchS, mode: 'alpha', hist: new Int32Array(256), candidates: 0,
                  rowMax: new Float64Array(h), colMax: new Float64Array(w) };
    const border = [];
    for (let y = 0; y < h; y++) {
      if (y === 0 || y === h - 1) { for (let x = 0; x < w; x++) border.push(y * w + x); }
      else { border.push(y * w); if (w > 1) border.push(y * w + w - 1); }
    }
    const alphaHist = new Int32Array(256);
    for (const i of border) alphaHist[p[4 * i + 3]]++;
    if (kth(alphaHist, (border.length - 1) >> 1) < 128) {
      sig.candidates = alphaPass(p, w, h, sig.s, sig.hist, sig.rowMax, sig.colMax);
      return sig;
    }
    const hr = new Int32Array(256), hg = new Int32Array(256), hb = new Int32Array(256);
    let opaque = 0;
    for (const i of border) {
      if (p[4 * i + 3] >= 128) { hr[p[4 * i]]++; hg[p[4 * i + 1]]++; hb[p[4 * i + 2]]++; opaque++; }
    }
    const br = kth(hr, (opaque - 1) >> 1), bg = kth(hg, (opaque - 1) >> 1), bb = kth(hb, (opaque - 1) >> 1);
    const dark = polarityIsDark(p, n, br, bg, bb);
    sig.mode = dark ? 'dark' : 'light';
    sig.candidates = colourPass(p, w, h, br, bg, bb, dark ? 1 : -1, sig.s, sig.hist, sig.rowMax, sig.colMax);
    return sig;
  }

  // Pass 1: dark ink if the ink energy beyond the margin is at least as large darkwards.
  // Pixels are composited over the background; opaque and fully transparent pixels take the
  // exact shortcut (the general formula gives the same bits for them).
  function polarityIsDark(p, n, br, bg, bb) {
    let energyDark = 0, energyLight = 0;
    for (let j = 0; j < 4 * n; j += 4) {
      const a = p[j + 3];
      let r = br, g = bg, b = bb;
      if (a === 255) { r = p[j]; g = p[j + 1]; b = p[j + 2]; }
      else if (a !== 0) { const ia = 255 - a; r = (p[j] * a + br * ia) / 255; g = (p[j + 1] * a + bg * ia) / 255; b = (p[j + 2] * a + bb * ia) / 255; }
      let dark = br - r, light = r - br;
      if (bg - g > dark) dark = bg - g;
      if (bb - b > dark) dark = bb - b;
      if (g - bg > light) light = g - bg;
      if (b - bb > light) light = b - bb;
      if (dark > POLARITY_MARGIN) energyDark += dark - POLARITY_MARGIN;
      if (light > POLARITY_MARGIN) energyLight += light - POLARITY_MARGIN;
    }
    return energyDark >= energyLight;
  }

  // Pass 2: the signal for the chosen polarity (sign +1 dark, -1 light) and its statistics.
  function colourPass(p, w, h, br, bg, bb, sign, s, hist, rowMax, colMax) {
    let candidates = 0;
    for (let y = 0; y < h; y++) {
      let rmax = 0;
      for (let x = 0, i = y * w, j = 4 * y * w; x < w; x++, i++, j += 4) {
        const a = p[j + 3];
        let r = br, g = bg, b = bb;
        if (a === 255) { r = p[j]; g = p[j + 1]; b = p[j + 2]; }
        else if (a !== 0) { const ia = 255 - a; r = (p[j] * a + br * ia) / 255; g = (p[j + 1] * a + bg * ia) / 255; b = (p[j + 2] * a + bb * ia) / 255; }
        let v;
        if (sign > 0) { v = br - r; if (bg - g > v) v = bg - g; if (bb - b > v) v = bb - b; }
        else { v = r - br; if (g - bg > v) v = g - bg; if (b - bb > v) v = b - bb; }
        if (!(v > 0)) v = 0;
        s[i] = v;
        if (v >= NOISE_FLOOR - 0.5) {            // else round(v) < NOISE_FLOOR: not a candidate
          const q = Math.floor(v + 0.5);
          if (q >= NOISE_FLOOR) { hist[q]++; candidates++; }
          if (v > rmax) rmax = v;
          if (v > colMax[x]) colMax[x] = v;
        }
      }
      rowMax[y] = rmax;
    }
    return candidates;
  }

  // Transparent background: the signal is the alpha coverage.
  function alphaPass(p, w, h, s, hist, rowMax, colMax) {
    let candidates = 0;
    for (let y = 0; y < h; y++) {
      let rmax = 0;
      for (let x = 0, i = y * w, j = 4 * y * w + 3; x < w; x++, i++, j += 4) {
        const v = p[j];
        s[i] = v;
        if (v >= NOISE_FLOOR) {
          hist[v]++; candidates++;
          if (v > rmax) rmax = v;
          if (v > colMax[x]) colMax[x] = v;
        }
      }
      rowMax[y] = rmax;
    }
    return candidates;
  }

  // Step 3 (PreprocessMask.swift, InkMask.sample): binary working mask with a margin.
  function sampleMask(s, w, h, x0, y0, x1, y1, t) {
    const bw = x1 - x0 + 1, bh = y1 - y0 + 1, long = Math.max(bw, bh);
    const gw = Math.max(1, Math.floor((2 * bw * WORK + long) / (2 * long)));
    const gh = Math.max(1, Math.floor((2 * bh * WORK + long) / (2 * long)));
    const m = MARGIN, W = gw + 2 * m, H = gh + 2 * m, cells = new Uint8Array(W * H);
    if (long >= WORK) {
      const cx = new Int32Array(bw), cy = new Int32Array(bh);
      for (let j = 0; j < gw; j++) { const e = Math.floor((j + 1) * bw / gw); for (let i = Math.floor(j * bw / gw); i < e; i++) cx[i] = j + m; }
      for (let j = 0; j < gh; j++) { const e = Math.floor((j + 1) * bh / gh); for (let i = Math.floor(j * bh / gh); i < e; i++) cy[i] = j + m; }
      for (let y = y0; y <= y1; y++) {
        const row = cy[y - y0] * W, src = y * w;
        for (let x = x0; x <= x1; x++) if (s[src + x] >= t) cells[row + cx[x - x0]] = 1;
      }
    } else {
      for (let j = 0; j < gh; j++) {
        const sy = (y0 + ((j + 0.5) * bh) / gh) - 0.5;
        const fy0 = Math.floor(sy), fy = sy - fy0;
        const ya = Math.min(Math.max(fy0, 0), h - 1), yb = Math.min(Math.max(fy0 + 1, 0), h - 1);
        for (let i = 0; i < gw; i++) {
          const sx = (x0 + ((i + 0.5) * bw) / gw) - 0.5;
          const fx0 = Math.floor(sx), fx = sx - fx0;
          const xa = Math.min(Math.max(fx0, 0), w - 1), xb = Math.min(Math.max(fx0 + 1, 0), w - 1);
          const top = s[ya * w + xa] * (1 - fx) + s[ya * w + xb] * fx;
          const bottom = s[yb * w + xa] * (1 - fx) + s[yb * w + xb] * fx;
          if (top * (1 - fy) + bottom * fy >= t) cells[(j + m) * W + i + m] = 1;
        }
      }
    }
    return { width: W, height: H, cells: cells };
  }

  function areaAndEdges(mask) {
    const W = mask.width, H = mask.height, c = mask.cells;
    let area = 0, edges = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        if (c[i] !== 1) continue;
        area++;
        if (x === 0 || c[i - 1] === 0) edges++;
        if (x === W - 1 || c[i + 1] === 0) edges++;
        if (y === 0 || c[i - W] === 0) edges++;
        if (y === H - 1 || c[i + W] === 0) edges++;
      }
    }
    return { area: area, edges: edges };
  }

  // 3-4 chamfer distance to the nearest cell equal to `target` (InkMask.chamfer).
  function chamfer(mask, target) {
    const W = mask.width, H = mask.height, c = mask.cells, INF = 1 << 29;
    const d = new Int32Array(W * H);
    for (let i = 0; i < W * H; i++) d[i] = c[i] === target ? 0 : INF;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        let v = d[i];
        if (x > 0 && d[i - 1] + 3 < v) v = d[i - 1] + 3;
        if (y > 0) {
          if (d[i - W] + 3 < v) v = d[i - W] + 3;
          if (x > 0 && d[i - W - 1] + 4 < v) v = d[i - W - 1] + 4;
          if (x < W - 1 && d[i - W + 1] + 4 < v) v = d[i - W + 1] + 4;
        }
        d[i] = v;
      }
    }
    for (let y = H - 1; y >= 0; y--) {
      for (let x = W - 1; x >= 0; x--) {
        const i = y * W + x;
        let v = d[i];
        if (x < W - 1 && d[i + 1] + 3 < v) v = d[i + 1] + 3;
        if (y < H - 1) {
          if (d[i + W] + 3 < v) v = d[i + W] + 3;
          if (x < W - 1 && d[i + W + 1] + 4 < v) v = d[i + W + 1] + 4;
          if (x > 0 && d[i + W - 1] + 4 < v) v = d[i + W - 1] + 4;
        }
        d[i] = v;
      }
    }
    return d;
  }

  function dilated(mask, r) {
    const d = chamfer(mask, 1), cells = new Uint8Array(d.length);
    for (let i = 0; i < d.length; i++) cells[i] = d[i] <= 3 * r ? 1 : 0;
    return { width: mask.width, height: mask.height, cells: cells };
  }

  function eroded(mask, r) {
    const d = chamfer(mask, 0), cells = new Uint8Array(d.length);
    for (let i = 0; i < d.length; i++) cells[i] = d[i] > 3 * r ? 1 : 0;
    return { width: mask.width, height: mask.height, cells: cells };
  }

  // Step 5 (StrokeWidth.estimate): a stroke of width w and length L has area w*L and outline
  // 2L + 2w, so w is the smaller root of w^2 - (E/2) w + A = 0.
  function strokeWidth(area, edges) {
    const q = edges * edges / 16 - area;
    return q > 0 ? edges / 4 - Math.sqrt(q) : edges / 4;
  }

  // Step 5 (StrokeWidth.normalise).
  function normaliseStroke(mask, area, edges) {
    const width = strokeWidth(area, edges);
    if (width < STROKE_TARGET * STROKE_LOW) {
      const r = roundHalfUp((STROKE_TARGET - width) / 2);
      return r >= 1 ? { mask: dilated(mask, r), width: width, radius: r } : { mask: mask, width: width, radius: 0 };
    }
    if (width > STROKE_TARGET * STROKE_HIGH) {
      for (let r = roundHalfUp((width - STROKE_TARGET) / 2); r >= 1; r--) {
        const e = eroded(mask, r);
        if (3 * areaAndEdges(e).area >= area) return { mask: e, width: width, radius: -r };
      }
    }
    return { mask: mask, width: width, radius: 0 };
  }

  // Step 6 (BoxFit.fit): area average of the mask's ink box onto ow x oh, long side 20.
  function fitBox(mask) {
    const W = mask.width, H = mask.height, c = mask.cells;
    let x0 = W, y0 = H, x1 = -1, y1 = -1;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        if (c[y * W + x] !== 1) continue;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
    if (x1 < 0) return null;
    const bw = x1 - x0 + 1, bh = y1 - y0 + 1, long = Math.max(bw, bh);
    const ow = Math.max(1, Math.floor((2 * bw * BOX + long) / (2 * long)));
    const oh = Math.max(1, Math.floor((2 * bh * BOX + long) / (2 * long)));
    const sx = bw / ow, sy = bh / oh, out = new Float64Array(ow * oh);
    for (let oy = 0; oy < oh; oy++) {
      const ya = (oy * bh) / oh, yb = ((oy + 1) * bh) / oh;
      for (let ox = 0; ox < ow; ox++) {
        const xa = (ox * bw) / ow, xb = ((ox + 1) * bw) / ow;
        let acc = 0;
        for (let cy = Math.floor(ya); cy < yb && cy < bh; cy++) {
          const wy = Math.min(cy + 1, yb) - Math.max(cy, ya);
          let row = 0;
          const base = (y0 + cy) * W + x0;
          for (let cx = Math.floor(xa); cx < xb && cx < bw; cx++) {
            if (c[base + cx] === 1) row += Math.min(cx + 1, xb) - Math.max(cx, xa);
          }
          acc += wy * row;
        }
        const v = acc / (sx * sy);
        out[oy * ow + ox] = v > 1 ? 1 : v;
      }
    }
    return { pixels: out, width: ow, height: oh };
  }

  // Step 7 (BoxFit.centre): centre of mass to (14, 14), whole-pixel shift, clamped.
  function centre(small, ow, oh) {
    let mass = 0, mx = 0, my = 0;
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        const v = small[y * ow + x];
        mass += v; mx += v * (x + 0.5); my += v * (y + 0.5);
      }
    }
    const cx = mass > 0 ? mx / mass : ow / 2, cy = mass > 0 ? my / mass : oh / 2;
    const dx = Math.min(Math.max(roundHalfUp(SIDE / 2 - cx), 0), SIDE - ow);
    const dy = Math.min(Math.max(roundHalfUp(SIDE / 2 - cy), 0), SIDE - oh);
    const out = new Float32Array(SIDE * SIDE);
    for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) out[(y + dy) * SIDE + x + dx] = small[y * ow + x];
    return out;
  }

  // image: { data: RGBA bytes (Uint8ClampedArray, Uint8Array or Array), width, height }.
  // Returns { input: Float32Array(784), blank, info } like Preprocessor.preprocess.
  function preprocess(image) {
    const w = image && image.width, h = image && image.height, p = image && image.data;
    if (!isInt(w) || !isInt(h) || w < 0 || h < 0 || !p || p.length !== w * h * 4) {
      throw InklingError('preprocess', 'expected { data, width, height } with width * height * 4 RGBA bytes, found ' +
        (p ? p.length : p) + ' bytes for ' + w + 'x' + h);
    }
    const info = { mode: 'dark', inkLevel: 0, threshold: 0, box: null, strokeWidth: 0, strokeRadius: 0, elongation: 0, blankReason: null };
    const blank = function (reason) { info.blankReason = reason; return { input: new Float32Array(SIDE * SIDE), blank: true, info: info }; };
    if (w === 0 || h === 0) return blank('empty');

    // 1. Ink signal.
    const sig = inkSignal(p, w, h), s = sig.s, hist = sig.hist;
    info.mode = sig.mode;

    // 2. Ink level and threshold.
    if (sig.candidates === 0) return blank('no-ink');
    let rank = Math.floor((sig.candidates - 1) * INK_PERCENTILE / 100), level = NOISE_FLOOR;
    while (rank >= hist[level]) { rank -= hist[level]; level++; }
    info.inkLevel = level;
    if (level < MIN_CONTRAST) return blank('low-contrast');
    const t = Math.max(NOISE_FLOOR, level * 0.5);
    info.threshold = t;

    // 3. Ink box (rows and columns whose maximum reaches t), working mask.
    let x0 = 0, y0 = 0, x1 = w - 1, y1 = h - 1;
    while (sig.colMax[x0] < t) x0++;
    while (sig.colMax[x1] < t) x1--;
    while (sig.rowMax[y0] < t) y0++;
    while (sig.rowMax[y1] < t) y1--;
    info.box = { x0: x0, y0: y0, x1: x1, y1: y1 };
    const mask = sampleMask(s, w, h, x0, y0, x1, y1, t);

    // 4. Dot or blob: blank.
    const ae = areaAndEdges(mask);
    if (ae.area === 0) return blank('no-ink');
    info.elongation = ae.edges * ae.edges / (4 * ae.area);
    if (info.elongation < MIN_ELONGATION) return blank('dot');

    // 5. Stroke width.
    const norm = normaliseStroke(mask, ae.area, ae.edges);
    info.strokeWidth = norm.width;
    info.strokeRadius = norm.radius;

    // 6-7. Fit 20x20, centre in 28x28.
    const small = fitBox(norm.mask);
    if (small === null) return blank('no-ink');
    return { input: centre(small.pixels, small.width, small.height), blank: false, info: info };
  }

  // ---------------------------------------------------------------------------------------
  // Golden values (weights/golden.json, written by `inkling golden`): recompute every case and
  // compare with the Swift reference within the tolerances the file states.

  // A case's raw input as the image preprocessing sees it, or (kind "mnist") the model input.
  function goldenImage(raw, name) {
    const bytes = decodeBase64(raw.data), w = raw.width, h = raw.height;
    if (bytes === null) throw InklingError('golden.json', 'case ' + name + ': raw data is not valid base64');
    const per = raw.encoding === 'rgba' ? 4 : 1;
    if (bytes.length !== w * h * per) {
      throw InklingError('golden.json', 'case ' + name + ': expected ' + w * h * per + ' raw bytes for ' + w + 'x' + h + ' ' + raw.encoding + ', found ' + bytes.length);
    }
    if (per === 4) return { data: bytes, width: w, height: h };
    const rgba = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) { rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = bytes[i]; rgba[4 * i + 3] = 255; }
    return { data: rgba, width: w, height: h, grey: bytes };
  }

  // Model input for a case: MNIST bytes / 255 in float32 as Swift does, or preprocessed.
  function goldenInput(c) {
    const img = goldenImage(c.raw, c.name);
    if (!c.preprocess) {
      const x = new Float32Array(img.grey.length);
      for (let i = 0; i < x.length; i++) x[i] = Math.fround(img.grey[i] / 255);
      return { input: x, blank: false };
    }
    return preprocess(img);
  }

  function checkGolden(modelObj, golden) {
    const model = modelObj instanceof Model ? modelObj : loadModel(modelObj);
    if (!golden || golden.format !== 'inkling-golden' || golden.version !== 1) {
      throw InklingError('golden.json', 'expected format "inkling-golden" version 1, found ' + show(golden && golden.format) + ' version ' + show(golden && golden.version));
    }
    const tol = golden.tolerances, failures = [];
    let worst = null;
    const maxDiff = { input: 0, logits: 0, probabilities: 0 };
    function compare(c, field, got, want) {
      if (!want || got.length !== want.length) { failures.push({ case: c.name, field: field, detail: 'expected ' + (want && want.length) + ' values, found ' + got.length }); return; }
      let d = 0, at = 0;
      for (let i = 0; i < want.length; i++) { const e = Math.abs(got[i] - want[i]); if (!(e <= d)) { d = e; at = i; } }
      if (d > maxDiff[field]) maxDiff[field] = d;
      const ratio = d / tol[field];
      if (!worst || ratio > worst.ratio) worst = { case: c.name, field: field, index: at, diff: d, tolerance: tol[field], ratio: ratio };
      if (!(d <= tol[field])) failures.push({ case: c.name, field: field, detail: 'differs by ' + d + ' at [' + at + '] (tolerance ' + tol[field] + ')' });
    }
    function equal(c, field, got, want) {
      if (got !== want) failures.push({ case: c.name, field: field, detail: 'expected ' + want + ', found ' + got });
    }
    for (const c of golden.cases) {
      const pre = goldenInput(c);
      compare(c, 'input', pre.input, c.input);
      equal(c, "blank", pre.blank, c.blank);
      const out = model.predict(pre.input);
      compare(c, 'logits', out.logits, c.logits);
      compare(c, 'probabilities', out.probabilities, c.probabilities);
      equal(c, "digit", out.digit, c.digit);
      equal(c, "unsure", out.unsure, c.unsure);
    }
    return { pass: failures.length === 0, count: golden.cases.length, failures: failures, worst: worst, maxDiff: maxDiff };
  }

  return {
    loadModel: loadModel,
    preprocess: preprocess,
    checkGolden: checkGolden,
    goldenInput: goldenInput,
    decodeBase64: decodeBase64,
    halfToFloat: halfToFloat,
    KNOWN_TYPES: KNOWN_TYPES.slice(),
  };
});
