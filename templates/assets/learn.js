/*
 * learn.js: training the Inkling network in the browser and in node. Zero dependencies, a
 * classic script (file:// pages cannot load ES modules), the same file in both places.
 *
 *   const Learn = require('./templates/assets/learn.js');          // in the page: window.InklingLearn
 *   const net = Learn.fromArchitecture('inkling', { seed: 1 });    // fresh network, seeded init (batch norm, dropout)
 *   const net = Learn.fromModel(Inkling.loadModel(text));          // or the weights of a model file (no batch norm)
 *   net.setOptimizer({ kind: 'adamw', weightDecay: 1e-4 });        // default; or { kind: 'sgd', momentum: 0.9, weightDecay }
 *   const x = net.normalise(bytes, n);                             // n 28x28 grey images (0..255, 1 = ink) -> Float32Array
 *   const loss = net.trainStep(x, labels, lr);                     // one step on a batch: forward, loss, backward, update
 *   net.evaluate(x, labels)   // -> { correct, count, accuracy, loss } (inference mode: running stats, no dropout)
 *   net.predict(x)            // -> Uint8Array of digits
 *   net.firstLayerFilters()   // -> { count, channels, size, weights: Float32Array [count][channels][size][size] }
 *   net.exportModel(options)  // -> text of a model file (batch norm folded, float16), for `inkling build --model`
 *   net.forwardBackward(x, labels)   // -> { loss, correct, count }: gradients in net.parameters[i].grad, no update
 *   net.parameters            // [{ name, shape, value: Float32Array, grad: Float32Array, decays }], Swift's order
 *   Learn.Random(seed)        // the documented PRNG (Mulberry32) used for init, shuffling and dropout
 *   Learn.shuffle(n, random)  // Fisher-Yates permutation of 0..n-1
 *   Learn.checkTraining(golden, model)   // replays weights/golden.json's training cases (Swift's)
 *   // -> { pass, count, tensors: [{ case, tensor, worst, tolerance, ok }], failures, problems, worst, rule }
 *
 * Speed: a training step costs about 1.7 M multiply-adds per image (forward, then weight and
 * input gradients); the convolutions are im2col plus register-blocked loops (see conv2d).
 *
 * Inputs are batches of normalised 28x28 images, one Float32Array of n * 784 values
 * ((pixel / 255 - mean) / std, as Swift's Trainer feeds them); a Uint8Array of grey bytes is
 * normalised on the way in. Labels are n integers 0..9. Bad arguments throw an Error named
 * 'InklingError' ("learn.js: <problem>").
 *
 * The maths is Swift's (Sources/InklingCore/Layers, Model/Optimizer.swift, Model/ModelExport.swift)
 * one for one, checked against it by the golden training cases (weights/golden.json, "training";
 * docs/preprocessing.md). Layout: activations are [N][C][H][W] (per image, channel-major, as
 * the model file flattens them); every buffer is a flat Float32Array with its dimensions
 * written next to it, allocated once per batch size and reused, so a step allocates nothing
 * per element. Sums run in float64 (JavaScript numbers) and are stored as float32.
 */
(function (root, factory) {
  'use strict';
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.InklingLearn = factory();
})(typeof globalThis !== 'undefined' ? globalThis : this, function () {
  'use strict';

  function LearnError(problem) {
    const e = new Error('learn.js: ' + problem);
    e.name = 'InklingError';
    return e;
  }

  // Storage and rounding: float32 (Float32Array, Math.fround), as Swift. The finite-difference
  // tests switch to float64 with `precision('float64')` before building layers.
  let FloatArray = Float32Array, f32 = Math.fround;
  function precision(p) {
    if (p === 'float64') { FloatArray = Float64Array; f32 = function (x) { return x; }; }
    else if (p === 'float32') { FloatArray = Float32Array; f32 = Math.fround; }
    else throw LearnError('precision: expected float32 or float64, found ' + p);
  }
  const SIDE = 28, PIXELS = SIDE * SIDE;

  // ---------------------------------------------------------------------------------------
  // Random numbers: Mulberry32 (Tommy Ettinger, public domain). 32 bits of state, period
  // 2^32, passes the usual statistical batteries for this use (init, shuffles, dropout masks);
  // the same seed gives the same numbers in every engine (integer maths only).

  function Random(seed) {
    if (!(this instanceof Random)) return new Random(seed);
    this.state = (Number(seed) >>> 0) ^ 0x9E3779B9;
  }
  // Uniform in [0, 1), 32 bits.
  Random.prototype.uniform = function () {
    let a = this.state = (this.state + 0x6D2B79F5) | 0;
    a = Math.imul(a ^ (a >>> 15), a | 1);
    a ^= a + Math.imul(a ^ (a >>> 7), a | 61);
    return ((a ^ (a >>> 14)) >>> 0) / 4294967296;
  };
  // Standard normal (Box-Muller), as Swift's SeededRNG.normal.
  Random.prototype.normal = function () {
    const u1 = Math.max(this.uniform(), 1e-300), u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  };

  // Fisher-Yates permutation of 0..n-1.
  function shuffle(n, random) {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random.uniform() * (i + 1));
      const t = p[i]; p[i] = p[j]; p[j] = t;
    }
    return p;
  }

  function product(s) { let n = 1; for (const d of s) n *= d; return n; }

  // A trainable tensor and its gradient (Swift's Parameter). Weight decay applies to
  // weights, never to biases or batch-norm parameters.
  function Parameter(name, shape, decays, values) {
    this.name = name;
    this.shape = shape.slice();
    this.value = new FloatArray(product(shape));
    this.grad = new FloatArray(this.value.length);
    this.decays = decays;
    if (values) {
      if (values.length !== this.value.length) throw LearnError(name + ': expected ' + this.value.length + ' values, found ' + values.length);
      this.value.set(values);
    }
  }

  // Grows a layer's buffer to hold `count` floats; the contents are overwritten by the caller.
  function grow(buffer, count, Type) {
    return buffer && buffer.length >= count ? buffer : new (Type || FloatArray)(count);
  }

  // ---------------------------------------------------------------------------------------
  // Layers. Each: forward(x, n, training) -> y and backward(dy, n) -> dx for the batch of the
  // last forward; backward overwrites its parameters' gradients (never accumulates).

  // conv2d
  //   x: [N][C][H][W]    weight: [O][C][k][k] = [O][K], K = C*k*k    bias: [O]
  //   y: [N][O][OH][OW], OH = (H + 2*pad - k) / stride + 1, P = OH*OW output pixels
  //   cols: [N][K][P]    im2col: row j = (c, ky, kx) holds that patch entry for every pixel
  // y[o][p] = bias[o] + sum_j weight[o][j] * cols[j][p]
  // dW[o][j] = sum_n sum_p dy[o][p] * cols[j][p];  db[o] = sum dy[o][.]
  // dcols[j][p] = sum_o weight[o][j] * dy[o][p];   dx = col2im(dcols)
  // Every loop nest keeps a 4 x 2 block of sums in registers (eight, which fit the registers
  // of x86-64 and arm64 with the operands), so each loaded value is used two or four times.
  function Conv2D(name, inShape, outChannels, kernel, stride, pad, weight, bias) {
    const C = inShape[0], H = inShape[1], W = inShape[2];
    this.type = 'conv2d'; this.name = name;
    this.inShape = inShape.slice();
    this.k = kernel; this.stride = stride; this.pad = pad;
    const OH = Math.floor((H + 2 * pad - kernel) / stride) + 1, OW = Math.floor((W + 2 * pad - kernel) / stride) + 1;
    this.outShape = [outChannels, OH, OW];
    this.K = C * kernel * kernel;
    this.P = OH * OW;
    this.weight = weight; this.bias = bias;
    this.needInputGrad = true;
    // Zero-padded input planes [C][PH][PW]; index[j*P + p] = padded offset of patch entry j at pixel p.
    const PH = H + 2 * pad, PW = W + 2 * pad, P = this.P;
    this.PH = PH; this.PW = PW;
    this.padded = new FloatArray(C * PH * PW);
    this.dpadded = new Float64Array(C * PH * PW);
    this.index = new Int32Array(this.K * P);
    for (let c = 0, j = 0; c < C; c++) {
      for (let ky = 0; ky < kernel; ky++) {
        for (let kx = 0; kx < kernel; kx++, j++) {
          for (let y = 0; y < OH; y++) {
            for (let x = 0; x < OW; x++) this.index[j * P + y * OW + x] = (c * PH + y * stride + ky) * PW + x * stride + kx;
          }
        }
      }
    }
    this.dW = new Float64Array(outChannels * this.K);
    this.wT = new FloatArray(this.K * outChannels);   // weight transposed [K][O], for dcols
    this.dcols = new FloatArray(this.K * P);
  }
  Conv2D.prototype.parameters = function () { return [this.weight, this.bias]; };

  Conv2D.prototype.forward = function (x, n) {
    const C = this.inShape[0], H = this.inShape[1], W = this.inShape[2], O = this.outShape[0];
    const K = this.K, P = this.P, PW = this.PW, PH = this.PH, pad = this.pad, inSize = C * H * W, outSize = O * P;
    this.cols = grow(this.cols, n * K * P);
    this.y = grow(this.y, n * outSize);
    const cols = this.cols, y = this.y, padded = this.padded, index = this.index;
    const w = this.weight.value, b = this.bias.value, O4 = O - (O % 4);
    for (let img = 0; img < n; img++) {
      // im2col: copy the image into the padded planes, then gather every patch entry.
      const xo = img * inSize;
      for (let c = 0; c < C; c++) {
        for (let r = 0; r < H; r++) {
          const src = xo + (c * H + r) * W, dst = (c * PH + r + pad) * PW + pad;
          for (let q = 0; q < W; q++) padded[dst + q] = x[src + q];
        }
      }
      const co = img * K * P;
      for (let i = 0; i < K * P; i++) cols[co + i] = padded[index[i]];
      // y[o][p] = b[o] + sum_j W[o][j] cols[j][p]: four channels x two pixels per pass
      // (eight sums in registers; each loaded weight used twice, each loaded input four times).
      const yo = img * outSize, P2 = P - (P % 2);
      let o = 0;
      for (; o < O4; o += 4) {
        const w0 = o * K, w1 = w0 + K, w2 = w1 + K, w3 = w2 + K;
        const y0 = yo + o * P, y1 = y0 + P, y2 = y1 + P, y3 = y2 + P;
        const b0 = b[o], b1 = b[o + 1], b2 = b[o + 2], b3 = b[o + 3];
        let p = 0;
        for (; p < P2; p += 2) {
          let s0 = b0, s1 = b1, s2 = b2, s3 = b3, t0 = b0, t1 = b1, t2 = b2, t3 = b3;
          for (let j = 0, at = co + p; j < K; j++, at += P) {
            const u = cols[at], v = cols[at + 1];
            const a0 = w[w0 + j], a1 = w[w1 + j], a2 = w[w2 + j], a3 = w[w3 + j];
            s0 += a0 * u; s1 += a1 * u; s2 += a2 * u; s3 += a3 * u;
            t0 += a0 * v; t1 += a1 * v; t2 += a2 * v; t3 += a3 * v;
          }
          y[y0 + p] = s0; y[y1 + p] = s1; y[y2 + p] = s2; y[y3 + p] = s3;
          y[y0 + p + 1] = t0; y[y1 + p + 1] = t1; y[y2 + p + 1] = t2; y[y3 + p + 1] = t3;
        }
        for (; p < P; p++) {
          let s0 = b0, s1 = b1, s2 = b2, s3 = b3;
          for (let j = 0, at = co + p; j < K; j++, at += P) {
            const u = cols[at];
            s0 += w[w0 + j] * u; s1 += w[w1 + j] * u; s2 += w[w2 + j] * u; s3 += w[w3 + j] * u;
          }
          y[y0 + p] = s0; y[y1 + p] = s1; y[y2 + p] = s2; y[y3 + p] = s3;
        }
      }
      for (; o < O; o++) {
        for (let p = 0; p < P; p++) {
          let s = b[o];
          for (let j = 0; j < K; j++) s += w[o * K + j] * cols[co + j * P + p];
          y[yo + o * P + p] = s;
        }
      }
    }
    return y.subarray(0, n * outSize);
  };

  Conv2D.prototype.backward = function (dy, n) {
    const C = this.inShape[0], H = this.inShape[1], W = this.inShape[2], O = this.outShape[0];
    const K = this.K, P = this.P, PW = this.PW, PH = this.PH, pad = this.pad, inSize = C * H * W, outSize = O * P;
    const cols = this.cols, w = this.weight.value, dW = this.dW, db = this.bias.grad, index = this.index;
    const O4 = O - (O % 4);
    dW.fill(0);
    for (let o = 0; o < O; o++) {
      let s = 0;
      for (let img = 0; img < n; img++) {
        const row = img * outSize + o * P;
        for (let p = 0; p < P; p++) s += dy[row + p];
      }
      db[o] = s;
    }
    // dW[o][j] += dy[o] . cols[j] per image: four channels x two rows of cols per pass.
    const K2 = K - (K % 2);
    for (let img = 0; img < n; img++) {
      const yo = img * outSize, co = img * K * P;
      let o = 0;
      for (; o < O4; o += 4) {
        const g0 = yo + o * P, g1 = g0 + P, g2 = g1 + P, g3 = g2 + P;
        const d0 = o * K, d1 = d0 + K, d2 = d1 + K, d3 = d2 + K;
        let j = 0;
        for (; j < K2; j += 2) {
          const c = co + j * P;
          let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
          for (let p = 0; p < P; p++) {
            const u = cols[c + p], v = cols[c + P + p];
            const e0 = dy[g0 + p], e1 = dy[g1 + p], e2 = dy[g2 + p], e3 = dy[g3 + p];
            s0 += e0 * u; s1 += e1 * u; s2 += e2 * u; s3 += e3 * u;
            t0 += e0 * v; t1 += e1 * v; t2 += e2 * v; t3 += e3 * v;
          }
          dW[d0 + j] += s0; dW[d1 + j] += s1; dW[d2 + j] += s2; dW[d3 + j] += s3;
          dW[d0 + j + 1] += t0; dW[d1 + j + 1] += t1; dW[d2 + j + 1] += t2; dW[d3 + j + 1] += t3;
        }
        for (; j < K; j++) {
          const c = co + j * P;
          let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
          for (let p = 0; p < P; p++) {
            const u = cols[c + p];
            s0 += dy[g0 + p] * u; s1 += dy[g1 + p] * u; s2 += dy[g2 + p] * u; s3 += dy[g3 + p] * u;
          }
          dW[d0 + j] += s0; dW[d1 + j] += s1; dW[d2 + j] += s2; dW[d3 + j] += s3;
        }
      }
      for (; o < O; o++) {
        for (let j = 0; j < K; j++) {
          let s = 0;
          for (let p = 0; p < P; p++) s += dy[yo + o * P + p] * cols[co + j * P + p];
          dW[o * K + j] += s;
        }
      }
    }
    const gw = this.weight.grad;
    for (let i = 0; i < gw.length; i++) gw[i] = dW[i];
    if (!this.needInputGrad) return null;
    // dcols[j][p] = sum_o W[o][j] dy[o][p] (four pixels per pass), then col2im: each entry is
    // added back to the padded input position it was gathered from.
    const wT = this.wT, dcols = this.dcols, P4 = P - (P % 4);
    for (let o = 0; o < O; o++) for (let j = 0; j < K; j++) wT[j * O + o] = w[o * K + j];
    this.dx = grow(this.dx, n * inSize);
    const dx = this.dx, dpadded = this.dpadded;
    for (let img = 0; img < n; img++) {
      const yo = img * outSize;
      // Two rows of dcols x four pixels per pass: eight sums in registers.
      let j = 0;
      for (; j < K2; j += 2) {
        const wj = j * O, dc = j * P;
        let p = 0;
        for (; p < P4; p += 4) {
          let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
          for (let o = 0, g = yo + p; o < O; o++, g += P) {
            const a = wT[wj + o], c = wT[wj + O + o];
            const e0 = dy[g], e1 = dy[g + 1], e2 = dy[g + 2], e3 = dy[g + 3];
            s0 += a * e0; s1 += a * e1; s2 += a * e2; s3 += a * e3;
            t0 += c * e0; t1 += c * e1; t2 += c * e2; t3 += c * e3;
          }
          dcols[dc + p] = s0; dcols[dc + p + 1] = s1; dcols[dc + p + 2] = s2; dcols[dc + p + 3] = s3;
          dcols[dc + P + p] = t0; dcols[dc + P + p + 1] = t1; dcols[dc + P + p + 2] = t2; dcols[dc + P + p + 3] = t3;
        }
        for (; p < P; p++) {
          let s = 0, t = 0;
          for (let o = 0; o < O; o++) { const e = dy[yo + o * P + p]; s += wT[wj + o] * e; t += wT[wj + O + o] * e; }
          dcols[dc + p] = s; dcols[dc + P + p] = t;
        }
      }
      for (; j < K; j++) {
        const wj = j * O, dc = j * P;
        for (let p = 0; p < P; p++) {
          let s = 0;
          for (let o = 0; o < O; o++) s += wT[wj + o] * dy[yo + o * P + p];
          dcols[dc + p] = s;
        }
      }
      dpadded.fill(0);
      for (let i = 0; i < K * P; i++) dpadded[index[i]] += dcols[i];
      const xo = img * inSize;
      for (let c = 0; c < C; c++) {
        for (let r = 0; r < H; r++) {
          const dst = xo + (c * H + r) * W, src = (c * PH + r + pad) * PW + pad;
          for (let q = 0; q < W; q++) dx[dst + q] = dpadded[src + q];
        }
      }
    }
    return dx.subarray(0, n * inSize);
  };

  // batchnorm2d (training: batch statistics; inference: running averages)
  //   x, y: [N][C][H][W]; per channel c over its M = N*H*W values:
  //   xhat = (x - mean_c) / sqrt(var_c + eps),  y = gamma_c * xhat + beta_c
  //   running_mean += momentum * (mean - running_mean); running_var likewise with the unbiased variance
  //   dx = gamma * invStd / M * (M * dy - sum(dy) - xhat * sum(dy * xhat))
  function BatchNorm2D(name, shape, gamma, beta) {
    this.type = 'batchnorm2d'; this.name = name;
    this.inShape = shape.slice(); this.outShape = shape.slice();
    const C = shape[0];
    this.gamma = gamma; this.beta = beta;
    this.runningMean = new FloatArray(C);
    this.runningVar = new FloatArray(C).fill(1);
    this.eps = f32(1e-5);
    this.momentum = f32(0.1);
    this.invStd = new FloatArray(C);
  }
  BatchNorm2D.prototype.parameters = function () { return [this.gamma, this.beta]; };

  BatchNorm2D.prototype.forward = function (x, n, training) {
    const C = this.inShape[0], HW = this.inShape[1] * this.inShape[2], size = C * HW, M = n * HW;
    this.y = grow(this.y, n * size);
    this.xhat = grow(this.xhat, n * size);
    const y = this.y, xhat = this.xhat, g = this.gamma.value, b = this.beta.value;
    for (let c = 0; c < C; c++) {
      let mean, variance;
      if (training) {
        // Two passes (float64): the mean, then the squared deviations from it.
        let s = 0;
        for (let img = 0; img < n; img++) { const o = img * size + c * HW; for (let i = 0; i < HW; i++) s += x[o + i]; }
        const mu = s / M;
        let v = 0;
        for (let img = 0; img < n; img++) { const o = img * size + c * HW; for (let i = 0; i < HW; i++) { const d = x[o + i] - mu; v += d * d; } }
        mean = f32(mu); variance = f32(v / M);
        this.runningMean[c] = this.runningMean[c] + f32(this.momentum * f32(mean - this.runningMean[c]));
        const unbiased = M > 1 ? f32(f32(variance * M) / (M - 1)) : variance;
        this.runningVar[c] = this.runningVar[c] + f32(this.momentum * f32(unbiased - this.runningVar[c]));
      } else {
        mean = this.runningMean[c]; variance = this.runningVar[c];
      }
      const inv = f32(1 / Math.sqrt(f32(variance + this.eps)));
      this.invStd[c] = inv;
      const gc = g[c], bc = b[c];
      for (let img = 0; img < n; img++) {
        const o = img * size + c * HW;
        for (let i = 0; i < HW; i++) {
          const h = f32((x[o + i] - mean) * inv);
          xhat[o + i] = h;
          y[o + i] = gc * h + bc;
        }
      }
    }
    return y.subarray(0, n * size);
  };

  BatchNorm2D.prototype.backward = function (dy, n) {
    const C = this.inShape[0], HW = this.inShape[1] * this.inShape[2], size = C * HW, M = n * HW;
    this.dx = grow(this.dx, n * size);
    const dx = this.dx, xhat = this.xhat;
    for (let c = 0; c < C; c++) {
      let sumDy = 0, sumDyXhat = 0;
      for (let img = 0; img < n; img++) {
        const o = img * size + c * HW;
        for (let i = 0; i < HW; i++) { sumDy += dy[o + i]; sumDyXhat += dy[o + i] * xhat[o + i]; }
      }
      this.gamma.grad[c] = sumDyXhat;
      this.beta.grad[c] = sumDy;
      const scale = this.gamma.value[c] * this.invStd[c] / M;
      for (let img = 0; img < n; img++) {
        const o = img * size + c * HW;
        for (let i = 0; i < HW; i++) dx[o + i] = scale * (M * dy[o + i] - sumDy - xhat[o + i] * sumDyXhat);
      }
    }
    return dx.subarray(0, n * size);
  };

  // relu: y = max(0, x); dx = dy where y > 0. Any shape.
  function ReLU(name, shape) {
    this.type = 'relu'; this.name = name; this.inShape = shape.slice(); this.outShape = shape.slice();
  }
  ReLU.prototype.parameters = function () { return []; };
  ReLU.prototype.forward = function (x, n) {
    const count = n * product(this.inShape);
    this.y = grow(this.y, count);
    const y = this.y;
    for (let i = 0; i < count; i++) { const v = x[i]; y[i] = v > 0 ? v : 0; }
    return y.subarray(0, count);
  };
  ReLU.prototype.backward = function (dy, n) {
    const count = n * product(this.inShape);
    this.dx = grow(this.dx, count);
    const dx = this.dx, y = this.y;
    for (let i = 0; i < count; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
    return dx.subarray(0, count);
  };

  // maxpool2d: size x size windows, stride s, per (image, channel) plane.
  //   x: [N][C][H][W] -> y: [N][C][OH][OW], OH = (H - size) / s + 1 (floor)
  //   argmax: [N][C][OH][OW], the input offset that won (first one on ties, row by row)
  //   dx[argmax[i]] += dy[i]
  function MaxPool2D(name, inShape, size, stride) {
    this.type = 'maxpool2d'; this.name = name; this.inShape = inShape.slice();
    this.size = size; this.stride = stride;
    this.outShape = [inShape[0], Math.floor((inShape[1] - size) / stride) + 1, Math.floor((inShape[2] - size) / stride) + 1];
  }
  MaxPool2D.prototype.parameters = function () { return []; };
  MaxPool2D.prototype.forward = function (x, n) {
    const C = this.inShape[0], H = this.inShape[1], W = this.inShape[2], OH = this.outShape[1], OW = this.outShape[2];
    const size = this.size, s = this.stride, planes = n * C;
    this.y = grow(this.y, planes * OH * OW);
    this.argmax = grow(this.argmax, planes * OH * OW, Int32Array);
    const y = this.y, arg = this.argmax;
    let out = 0;
    for (let p = 0; p < planes; p++) {
      const plane = p * H * W;
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          let best = -Infinity, at = plane + oy * s * W + ox * s;
          for (let ky = 0; ky < size; ky++) {
            const row = plane + (oy * s + ky) * W + ox * s;
            for (let kx = 0; kx < size; kx++) { const v = x[row + kx]; if (v > best) { best = v; at = row + kx; } }
          }
          y[out] = best; arg[out] = at; out++;
        }
      }
    }
    return y.subarray(0, out);
  };
  MaxPool2D.prototype.backward = function (dy, n) {
    const inCount = n * product(this.inShape), outCount = n * product(this.outShape);
    this.dx = grow(this.dx, inCount);
    const dx = this.dx, arg = this.argmax;
    dx.fill(0, 0, inCount);
    for (let i = 0; i < outCount; i++) dx[arg[i]] += dy[i];
    return dx.subarray(0, inCount);
  };

  // flatten: [N][C][H][W] -> [N][C*H*W]. The layout is already that order: a no-op.
  function Flatten(name, inShape) {
    this.type = 'flatten'; this.name = name; this.inShape = inShape.slice(); this.outShape = [product(inShape)];
  }
  Flatten.prototype.parameters = function () { return []; };
  Flatten.prototype.forward = function (x) { return x; };
  Flatten.prototype.backward = function (dy) { return dy; };

  // dropout (inverted): in training each value is zeroed with probability `rate` and the
  // survivors scaled by 1/(1 - rate); at inference the identity.
  //   x, y, mask: [N][F]; dx = dy * mask
  // The mask comes from the network's Random, or from `useMask` (the golden cases replay the
  // masks Swift drew).
  function Dropout(name, shape, rate, random) {
    this.type = 'dropout'; this.name = name; this.inShape = shape.slice(); this.outShape = shape.slice();
    this.rate = rate; this.random = random;
    this.givenMask = null;
    this.active = false;
  }
  Dropout.prototype.parameters = function () { return []; };
  // The mask (0 or 1/(1-rate) per value, [N][F]) for the next training forward only.
  Dropout.prototype.useMask = function (mask) { this.givenMask = mask; };
  Dropout.prototype.forward = function (x, n, training) {
    this.active = training && this.rate > 0;
    if (!this.active) return x;
    const count = n * product(this.inShape);
    this.mask = grow(this.mask, count);
    this.y = grow(this.y, count);
    const mask = this.mask, y = this.y;
    if (this.givenMask) {
      if (this.givenMask.length !== count) throw LearnError(this.name + ': expected a mask of ' + count + ' values, found ' + this.givenMask.length);
      mask.set(this.givenMask);
      this.givenMask = null;
    } else {
      const keep = f32(1 / (1 - this.rate)), rate = this.rate, random = this.random;
      for (let i = 0; i < count; i++) mask[i] = random.uniform() < rate ? 0 : keep;
    }
    for (let i = 0; i < count; i++) y[i] = x[i] * mask[i];
    return y.subarray(0, count);
  };
  Dropout.prototype.backward = function (dy, n) {
    if (!this.active) return dy;
    const count = n * product(this.inShape);
    this.dx = grow(this.dx, count);
    const dx = this.dx, mask = this.mask;
    for (let i = 0; i < count; i++) dx[i] = dy[i] * mask[i];
    return dx.subarray(0, count);
  };

  // dense
  //   x: [N][F]    weight: [O][F]    bias: [O]    y: [N][O] = x W^T + b
  //   dW[o][f] = sum_n dy[n][o] * x[n][f];  db[o] = sum_n dy[n][o];  dx[n][f] = sum_o dy[n][o] * W[o][f]
  function Dense(name, inShape, outFeatures, weight, bias) {
    this.type = 'dense'; this.name = name; this.inShape = inShape.slice(); this.outShape = [outFeatures];
    this.weight = weight; this.bias = bias;
    this.dW = new Float64Array(outFeatures * inShape[0]);
    this.needInputGrad = true;
  }
  Dense.prototype.parameters = function () { return [this.weight, this.bias]; };
  Dense.prototype.forward = function (x, n) {
    const F = this.inShape[0], O = this.outShape[0], w = this.weight.value, b = this.bias.value;
    this.x = x;
    this.y = grow(this.y, n * O);
    const y = this.y;
    for (let img = 0; img < n; img++) {
      const xo = img * F;
      for (let o = 0; o < O; o++) {
        const wo = o * F;
        let s = b[o];
        for (let f = 0; f < F; f++) s += w[wo + f] * x[xo + f];
        y[img * O + o] = s;
      }
    }
    return y.subarray(0, n * O);
  };
  Dense.prototype.backward = function (dy, n) {
    const F = this.inShape[0], O = this.outShape[0], w = this.weight.value, x = this.x, dW = this.dW;
    dW.fill(0);
    for (let o = 0; o < O; o++) {
      let s = 0;
      for (let img = 0; img < n; img++) s += dy[img * O + o];
      this.bias.grad[o] = s;
    }
    for (let img = 0; img < n; img++) {
      const xo = img * F;
      for (let o = 0; o < O; o++) {
        const g = dy[img * O + o], wo = o * F;
        if (g === 0) continue;
        for (let f = 0; f < F; f++) dW[wo + f] += g * x[xo + f];
      }
    }
    const gw = this.weight.grad;
    for (let i = 0; i < gw.length; i++) gw[i] = dW[i];
    if (!this.needInputGrad) return null;
    this.dx = grow(this.dx, n * F);
    const dx = this.dx;
    dx.fill(0, 0, n * F);
    for (let img = 0; img < n; img++) {
      const xo = img * F;
      for (let o = 0; o < O; o++) {
        const g = dy[img * O + o], wo = o * F;
        if (g === 0) continue;
        for (let f = 0; f < F; f++) dx[xo + f] += g * w[wo + f];
      }
    }
    return dx.subarray(0, n * F);
  };

  // Softmax + cross-entropy (Swift's SoftmaxCrossEntropy), fused:
  //   logits: [N][K], labels: [N]
  //   loss = mean_n (log sum_k exp(z_k - m) - (z_label - m)), m = max_k z_k
  //   dlogits[n][k] = (softmax(z_n)[k] - [k == label_n]) / N
  function softmaxCrossEntropy(logits, labels, n, K, grad) {
    let loss = 0, correct = 0;
    for (let img = 0; img < n; img++) {
      const row = img * K;
      let m = -Infinity, best = 0;
      for (let k = 0; k < K; k++) if (logits[row + k] > m) { m = logits[row + k]; best = k; }
      let sum = 0;
      for (let k = 0; k < K; k++) { const e = Math.exp(logits[row + k] - m); grad[row + k] = e; sum += e; }
      const label = labels[img];
      if (best === label) correct++;
      loss += Math.log(sum) - (logits[row + label] - m);
      for (let k = 0; k < K; k++) grad[row + k] = (grad[row + k] / sum - (k === label ? 1 : 0)) / n;
    }
    return { loss: loss / n, correct: correct };
  }

  // ---------------------------------------------------------------------------------------
  // Optimizers (Swift's Model/Optimizer.swift), state per parameter, in float32.
  //   sgd:   v = mu v + (g + wd w);  w -= lr v                          (wd only where decays)
  //   adamw: m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;  t += 1
  //          w -= lr (m / (1 - b1^t) / (sqrt(v / (1 - b2^t)) + eps) + wd w)

  function SGD(parameters, options) {
    this.kind = 'sgd';
    this.momentum = f32(options.momentum === undefined ? 0.9 : options.momentum);
    this.weightDecay = f32(options.weightDecay || 0);
    this.velocity = parameters.map(function (p) { return new FloatArray(p.value.length); });
  }
  SGD.prototype.step = function (parameters, lr) {
    lr = f32(lr);
    for (let p = 0; p < parameters.length; p++) {
      const w = parameters[p].value, g = parameters[p].grad, v = this.velocity[p];
      const wd = parameters[p].decays ? this.weightDecay : 0, mu = this.momentum;
      for (let i = 0; i < w.length; i++) {
        v[i] = f32(f32(f32(mu * v[i]) + g[i]) + f32(wd * w[i]));
        w[i] = w[i] - f32(lr * v[i]);
      }
    }
  };

  function AdamW(parameters, options) {
    this.kind = 'adamw';
    this.beta1 = f32(0.9); this.beta2 = f32(0.999); this.eps = f32(1e-8);
    this.weightDecay = f32(options.weightDecay || 0);
    this.m = parameters.map(function (p) { return new FloatArray(p.value.length); });
    this.v = parameters.map(function (p) { return new FloatArray(p.value.length); });
    this.t = 0;
  }
  AdamW.prototype.step = function (parameters, lr) {
    lr = f32(lr);
    this.t += 1;
    const b1 = this.beta1, b2 = this.beta2, eps = this.eps;
    const c1 = f32(1 - f32(Math.pow(b1, this.t))), c2 = f32(1 - f32(Math.pow(b2, this.t)));
    const a1 = f32(1 - b1), a2 = f32(1 - b2);
    for (let p = 0; p < parameters.length; p++) {
      const w = parameters[p].value, g = parameters[p].grad, m = this.m[p], v = this.v[p];
      const wd = parameters[p].decays ? this.weightDecay : 0;
      for (let i = 0; i < w.length; i++) {
        const gi = g[i];
        m[i] = f32(f32(b1 * m[i]) + f32(a1 * gi));
        v[i] = f32(f32(b2 * v[i]) + f32(f32(a2 * gi) * gi));
        const update = f32(f32(m[i] / c1) / f32(f32(Math.sqrt(f32(v[i] / c2))) + eps));
        w[i] = w[i] - f32(lr * f32(update + f32(wd * w[i])));
      }
    }
  };

  // ---------------------------------------------------------------------------------------
  // The network: layers in order, their parameters in that order (Swift's
  // network.parameters), an optimizer, and per-batch buffers for the loss gradient.

  function Network(layers, input, random) {
    this.layers = layers;
    this.input = { mean: input.mean, std: input.std };
    this.mean = f32(input.mean);
    this.invStd = f32(1 / f32(input.std));
    this.random = random;
    this.parameters = [];
    for (const L of layers) for (const p of L.parameters()) this.parameters.push(p);
    // The image needs no gradient: the first layer skips computing it.
    if (layers[0].needInputGrad !== undefined) layers[0].needInputGrad = false;
    this.classes = product(layers[layers.length - 1].outShape);
    this.optimizer = null;
    this.setOptimizer({ kind: 'adamw', weightDecay: 1e-4 });
    this.last = null;
  }

  Network.prototype.setOptimizer = function (options) {
    options = options || {};
    if (options.kind === 'sgd') this.optimizer = new SGD(this.parameters, options);
    else if (options.kind === 'adamw' || options.kind === undefined) this.optimizer = new AdamW(this.parameters, options);
    else throw LearnError('unknown optimizer ' + JSON.stringify(options.kind) + '; known: sgd, adamw');
    return this;
  };

  // n 28x28 images as model inputs: grey bytes (0..255, 1 = ink after / 255) are normalised
  // exactly as Swift's Trainer does in float32, (x / 255 - mean) * (1 / std).
  Network.prototype.normalise = function (bytes, n) {
    if (n === undefined) n = Math.floor(bytes.length / PIXELS);
    if (!(n >= 1) || bytes.length < n * PIXELS) throw LearnError('expected ' + n + ' images of 784 bytes, found ' + bytes.length + ' values');
    const out = new Float32Array(n * PIXELS), mean = this.mean, inv = this.invStd;
    for (let i = 0; i < n * PIXELS; i++) out[i] = f32(f32(f32(bytes[i] / 255) - mean) * inv);
    return out;
  };

  // Checks a batch and returns its model inputs (Float32Array n*784) and size.
  Network.prototype.batch = function (inputs, labels) {
    const tag = Object.prototype.toString.call(inputs);
    if (tag === '[object Uint8Array]' || tag === '[object Uint8ClampedArray]') inputs = this.normalise(inputs);
    else if (tag !== '[object Float32Array]' && tag !== '[object Float64Array]') {
      throw LearnError('inputs: expected a Float32Array (normalised) or Uint8Array (grey bytes), found ' + tag);
    }
    if (inputs.length === 0 || inputs.length % PIXELS !== 0) throw LearnError('inputs: expected a multiple of 784 values, found ' + inputs.length);
    const n = inputs.length / PIXELS;
    if (labels !== undefined) {
      if (!labels || labels.length !== n) throw LearnError('labels: expected ' + n + ' labels (one per image), found ' + (labels ? labels.length : labels));
      for (let i = 0; i < n; i++) {
        const l = labels[i];
        if (!(Number.isInteger(l) && l >= 0 && l < this.classes)) throw LearnError('labels[' + i + ']: expected an integer 0 to ' + (this.classes - 1) + ', found ' + l);
      }
    }
    return { x: inputs, n: n };
  };

  Network.prototype.forward = function (x, n, training) {
    let a = x;
    for (const L of this.layers) a = L.forward(a, n, training);
    return a;
  };

  // Forward (training mode), loss, backward: gradients land in parameters[i].grad.
  Network.prototype.forwardBackward = function (inputs, labels) {
    const b = this.batch(inputs, labels), n = b.n, K = this.classes;
    const logits = this.forward(b.x, n, true);
    this.dlogits = grow(this.dlogits, n * K);
    const result = softmaxCrossEntropy(logits, labels, n, K, this.dlogits);
    if (!isFinite(result.loss)) throw LearnError('training diverged: the loss is ' + result.loss);
    let g = this.dlogits.subarray(0, n * K);
    for (let i = this.layers.length - 1; i >= 0 && g; i--) g = this.layers[i].backward(g, n);
    this.last = { loss: result.loss, correct: result.correct, count: n };
    return this.last;
  };

  // One training step; returns the batch's mean loss (before the update).
  Network.prototype.trainStep = function (inputs, labels, lr) {
    if (!(typeof lr === 'number' && lr >= 0 && isFinite(lr))) throw LearnError('learning rate: expected a finite number >= 0, found ' + lr);
    const r = this.forwardBackward(inputs, labels);
    this.optimizer.step(this.parameters, lr);
    return r.loss;
  };

  // Logits in inference mode (running statistics, no dropout), in chunks of 256 images.
  Network.prototype.logits = function (inputs) {
    const b = this.batch(inputs), K = this.classes, out = new Float32Array(b.n * K);
    for (let lo = 0; lo < b.n; lo += 256) {
      const hi = Math.min(b.n, lo + 256);
      out.set(this.forward(b.x.subarray(lo * PIXELS, hi * PIXELS), hi - lo, false), lo * K);
    }
    return out;
  };

  Network.prototype.predict = function (inputs) {
    const z = this.logits(inputs), K = this.classes, n = z.length / K, out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let k = 1; k < K; k++) if (z[i * K + k] > z[i * K + best]) best = k;
      out[i] = best;
    }
    return out;
  };

  Network.prototype.evaluate = function (inputs, labels) {
    const b = this.batch(inputs, labels), K = this.classes, z = this.logits(b.x);
    const grad = new Float32Array(z.length);
    const r = softmaxCrossEntropy(z, labels, b.n, K, grad);
    return { correct: r.correct, count: b.n, accuracy: r.correct / b.n, loss: r.loss };
  };

  // The first convolution's filters as trained (before any batch-norm folding).
  Network.prototype.firstLayerFilters = function () {
    const conv = this.layers.find(function (L) { return L.type === 'conv2d'; });
    if (!conv) throw LearnError('the network has no convolution');
    return { count: conv.outShape[0], channels: conv.inShape[0], size: conv.k, weights: Float32Array.from(conv.weight.value) };
  };

  // ---------------------------------------------------------------------------------------
  // Export: a model file (docs/weights-format.md) as Swift's ModelExport writes it. Batch
  // norm is folded into the convolution before it, dropout dropped:
  //   scale = gamma / sqrt(running_var + eps)
  //   W'[o] = W[o] * scale[o],  b'[o] = (b[o] - running_mean[o]) * scale[o] + beta[o]
  // Tensors are float16 (round to nearest even, as Swift's Float16(x)) unless
  // options.dtype = 'float32'.

  const F32 = new Float32Array(1), U32 = new Uint32Array(F32.buffer);
  function floatToHalf(v) {
    F32[0] = v;
    const x = U32[0], sign = (x >>> 16) & 0x8000, m = x & 0x7FFFFF;
    let e = (x >>> 23) & 0xFF;
    if (e === 0xFF) return sign | 0x7C00 | (m ? 0x200 : 0);
    e = e - 127 + 15;
    if (e >= 31) return sign | 0x7C00;
    if (e <= 0) {
      if (e < -10) return sign;                     // below half the smallest subnormal: zero
      const full = m | 0x800000, shift = 14 - e;    // 24-bit significand -> subnormal
      let h = full >>> shift;
      const rem = full & ((1 << shift) - 1), halfway = 1 << (shift - 1);
      if (rem > halfway || (rem === halfway && (h & 1))) h++;
      return sign | h;
    }
    let h = (e << 10) | (m >>> 13);
    const rem = m & 0x1FFF;
    if (rem > 0x1000 || (rem === 0x1000 && (h & 1))) h++;   // a carry into the exponent is right
    return sign | h;
  }

  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  function base64(bytes) {
    let s = '';
    for (let i = 0; i < bytes.length; i += 3) {
      const a = bytes[i], b = i + 1 < bytes.length ? bytes[i + 1] : 0, c = i + 2 < bytes.length ? bytes[i + 2] : 0;
      const t = (a << 16) | (b << 8) | c;
      s += B64[t >> 18] + B64[(t >> 12) & 63] + (i + 1 < bytes.length ? B64[(t >> 6) & 63] : '=') + (i + 2 < bytes.length ? B64[t & 63] : '=');
    }
    return s;
  }

  function encodeTensor(values, shape, dtype, name) {
    for (let i = 0; i < values.length; i++) {
      if (!isFinite(values[i])) throw LearnError('export: ' + name + ' value ' + i + ' is ' + values[i] + ' (training diverged)');
    }
    let bytes;
    if (dtype === 'float16') {
      bytes = new Uint8Array(2 * values.length);
      for (let i = 0; i < values.length; i++) {
        const h = floatToHalf(values[i]);
        if ((h & 0x7C00) === 0x7C00) throw LearnError('export: ' + name + ' value ' + i + ' (' + values[i] + ') is too large for float16');
        bytes[2 * i] = h & 255; bytes[2 * i + 1] = h >> 8;
      }
    } else {
      bytes = new Uint8Array(Float32Array.from(values).buffer);
      if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw LearnError('export: float32 needs a little-endian machine');
    }
    return { data: base64(bytes), dtype: dtype, shape: shape.slice() };
  }

  // The exported layers: [{ spec, weight, bias }] with batch norm folded (weights in float32).
  Network.prototype.foldedLayers = function () {
    const out = [];
    const L = this.layers;
    for (let i = 0; i < L.length; i++) {
      const layer = L[i];
      const spec = { input_shape: layer.inShape.slice(), name: layer.name, output_shape: layer.outShape.slice(), type: layer.type };
      if (layer.type === 'dropout') continue;
      if (layer.type === 'batchnorm2d') throw LearnError('export: batch norm ' + layer.name + ' does not follow a convolution');
      const entry = { spec: spec };
      if (layer.type === 'conv2d') {
        const w = Float32Array.from(layer.weight.value), b = Float32Array.from(layer.bias.value);
        const bn = L[i + 1] && L[i + 1].type === 'batchnorm2d' ? L[i + 1] : null;
        if (bn) {
          const per = w.length / b.length;
          for (let o = 0; o < b.length; o++) {
            const scale = f32(bn.gamma.value[o] / f32(Math.sqrt(f32(bn.runningVar[o] + bn.eps))));
            for (let j = 0; j < per; j++) w[o * per + j] = w[o * per + j] * scale;
            b[o] = f32(f32(b[o] - bn.runningMean[o]) * scale) + bn.beta.value[o];
          }
          i++;
        }
        Object.assign(spec, { in_channels: layer.inShape[0], out_channels: layer.outShape[0], kernel: layer.k,
                              stride: layer.stride, padding: layer.pad, weight: layer.name + '.weight', bias: layer.name + '.bias' });
        entry.weight = w; entry.bias = b; entry.weightShape = layer.weight.shape; entry.biasShape = layer.bias.shape;
      } else if (layer.type === 'dense') {
        Object.assign(spec, { in_features: layer.inShape[0], out_features: layer.outShape[0],
                              weight: layer.name + '.weight', bias: layer.name + '.bias' });
        entry.weight = Float32Array.from(layer.weight.value); entry.bias = Float32Array.from(layer.bias.value);
        entry.weightShape = layer.weight.shape; entry.biasShape = layer.bias.shape;
      } else if (layer.type === 'maxpool2d') {
        spec.size = layer.size; spec.stride = layer.stride;
      }
      out.push(entry);
    }
    return out;
  };

  // JSON with keys sorted at every level (the model file's convention).
  function sortedJSON(value) {
    return JSON.stringify(value, function (key, v) {
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        const o = {};
        for (const k of Object.keys(v).sort()) o[k] = v[k];
        return o;
      }
      return v;
    }, 2) + '\n';
  }

  // options: dtype ('float16' default), calibration (default: temperature 1, as Swift's
  // Calibration.identity), training (fields of the file's informational "training" object;
  // the required ones default to a description of an in-browser run).
  Network.prototype.exportModel = function (options) {
    options = options || {};
    const dtype = options.dtype || 'float16';
    if (dtype !== 'float16' && dtype !== 'float32') throw LearnError('export: dtype must be float16 or float32, found ' + dtype);
    const layers = [], tensors = {};
    for (const e of this.foldedLayers()) {
      layers.push(e.spec);
      if (e.weight) {
        tensors[e.spec.weight] = encodeTensor(e.weight, e.weightShape, dtype, e.spec.weight);
        tensors[e.spec.bias] = encodeTensor(e.bias, e.biasShape, dtype, e.spec.bias);
      }
    }
    const calibration = Object.assign({ ece_after: 0, ece_before: 0, fitted_on: 'none', nll_after: 0, nll_before: 0,
                                        temperature: 1, unsure_below: 0.75 }, options.calibration || {});
    const dropout = this.layers.find(function (L) { return L.type === 'dropout'; });
    const training = Object.assign({
      // One data entry at least: the model card lists them (and cannot render an empty list).
      architecture: 'inkling', augmentation: 'none', batch_size: 0, command: 'learn.js (in-browser training)',
      data: [{ file: 'digits passed to trainStep (not recorded)', sha256: 'not recorded' }],
      dropout: dropout ? dropout.rate : 0, epochs: 0, history: [], learning_rate_schedule: 'set by the caller',
      optimizer: this.optimizer.kind, seed: 0, test_accuracy: 0, test_count: 0, threads: 1, train_count: 0,
      weight_decay: Number(this.optimizer.weightDecay.toPrecision(7)),
    }, options.training || {});
    return sortedJSON({
      calibration: calibration, format: 'inkling-model',
      input: { channels: 1, height: SIDE, mean: this.input.mean, std: this.input.std, width: SIDE },
      layers: layers, tensors: tensors, training: training, version: 1,
    });
  };

  // ---------------------------------------------------------------------------------------
  // Building networks.

  // The shipped architecture as Swift's Architecture.inkling builds it for training.
  const ARCHITECTURES = {
    inkling: [
      { type: 'conv2d', name: 'conv1', outChannels: 8, kernel: 5, padding: 2 }, { type: 'batchnorm2d', name: 'bn1' },
      { type: 'relu', name: 'relu1' }, { type: 'maxpool2d', name: 'pool1', size: 2, stride: 2 },            // [8, 14, 14]
      { type: 'conv2d', name: 'conv2', outChannels: 16, kernel: 3, padding: 1 }, { type: 'batchnorm2d', name: 'bn2' },
      { type: 'relu', name: 'relu2' }, { type: 'maxpool2d', name: 'pool2', size: 2, stride: 2 },            // [16, 7, 7]
      { type: 'conv2d', name: 'conv3', outChannels: 32, kernel: 3, padding: 1 }, { type: 'batchnorm2d', name: 'bn3' },
      { type: 'relu', name: 'relu3' },                                                                     // [32, 7, 7]
      { type: 'flatten', name: 'flatten' }, { type: 'dropout', name: 'dropout' },                          // 1568
      { type: 'dense', name: 'dense', outFeatures: 10 },
    ],
    refnet: [
      { type: 'conv2d', name: 'conv1', outChannels: 16, kernel: 5, padding: 2 }, { type: 'relu', name: 'relu1' },
      { type: 'maxpool2d', name: 'pool1', size: 2, stride: 2 },
      { type: 'conv2d', name: 'conv2', outChannels: 32, kernel: 5, padding: 2 }, { type: 'relu', name: 'relu2' },
      { type: 'maxpool2d', name: 'pool2', size: 2, stride: 2 },
      { type: 'flatten', name: 'flatten' }, { type: 'dense', name: 'dense', outFeatures: 10 },
    ],
  };

  // Layers from a list of specs ({ type, name, ... } as in ARCHITECTURES). Initialisation as
  // Swift's: He normal for convolutions (std sqrt(2 / fan_in)), Glorot uniform for the dense
  // layer (limit sqrt(6 / (fan_in + fan_out))), zero biases, gamma 1, beta 0.
  function buildLayers(specs, random, dropout) {
    let shape = [1, SIDE, SIDE];
    const layers = [];
    for (const s of specs) {
      let L;
      if (s.type === 'conv2d') {
        const fanIn = shape[0] * s.kernel * s.kernel, std = Math.sqrt(2 / fanIn);
        const w = new Parameter(s.name + '.weight', [s.outChannels, shape[0], s.kernel, s.kernel], true);
        for (let i = 0; i < w.value.length; i++) w.value[i] = random.normal() * std;
        L = new Conv2D(s.name, shape, s.outChannels, s.kernel, s.stride || 1, s.padding || 0, w,
                       new Parameter(s.name + '.bias', [s.outChannels], false));
      } else if (s.type === 'batchnorm2d') {
        const gamma = new Parameter(s.name + '.gamma', [shape[0]], false);
        gamma.value.fill(1);
        L = new BatchNorm2D(s.name, shape, gamma, new Parameter(s.name + '.beta', [shape[0]], false));
      } else if (s.type === 'relu') {
        L = new ReLU(s.name, shape);
      } else if (s.type === 'maxpool2d') {
        L = new MaxPool2D(s.name, shape, s.size, s.stride);
      } else if (s.type === 'flatten') {
        L = new Flatten(s.name, shape);
      } else if (s.type === 'dropout') {
        const rate = s.rate !== undefined ? s.rate : dropout;
        if (!(rate > 0)) continue;
        L = new Dropout(s.name, shape, f32(rate), random);
      } else if (s.type === 'dense') {
        const fanIn = product(shape), limit = Math.sqrt(6 / (fanIn + s.outFeatures));
        const w = new Parameter(s.name + '.weight', [s.outFeatures, fanIn], true);
        for (let i = 0; i < w.value.length; i++) w.value[i] = -limit + 2 * limit * random.uniform();
        L = new Dense(s.name, shape, s.outFeatures, w, new Parameter(s.name + '.bias', [s.outFeatures], false));
      } else {
        throw LearnError('unknown layer type ' + JSON.stringify(s.type));
      }
      layers.push(L);
      shape = L.outShape;
    }
    return layers;
  }

  // A fresh network of a named architecture ('inkling', 'refnet') or a list of layer specs.
  // options: seed (default 1), dropout (default 0.25), mean/std (MNIST's).
  function fromArchitecture(architecture, options) {
    options = options || {};
    const specs = typeof architecture === 'string' ? ARCHITECTURES[architecture] : architecture;
    if (!Array.isArray(specs)) throw LearnError('unknown architecture ' + JSON.stringify(architecture) + '; known: ' + Object.keys(ARCHITECTURES).join(', '));
    const random = new Random(options.seed === undefined ? 1 : options.seed);
    const layers = buildLayers(specs, random, options.dropout === undefined ? 0.25 : options.dropout);
    const net = new Network(layers, { mean: options.mean === undefined ? 0.1307 : options.mean, std: options.std === undefined ? 0.3081 : options.std }, random);
    net.architecture = typeof architecture === 'string' ? architecture : 'custom';
    return net;
  }

  // A network holding a loaded model's weights (Inkling.loadModel(...)): conv2d, relu,
  // maxpool2d, flatten, dense, as in the file (batch norm already folded, no dropout).
  function fromModel(model, options) {
    options = options || {};
    if (!model || !Array.isArray(model.layers) || !model.input) throw LearnError('fromModel: expected a model from Inkling.loadModel');
    const layers = model.layers.map(function (M) {
      if (M.type === 'conv2d') {
        const C = M.inShape[0], O = M.outShape[0];
        return new Conv2D(M.name, M.inShape, O, M.k, M.stride, M.pad,
                          new Parameter(M.name + '.weight', [O, C, M.k, M.k], true, M.weight),
                          new Parameter(M.name + '.bias', [O], false, M.bias));
      }
      if (M.type === 'dense') {
        return new Dense(M.name, M.inShape, M.outShape[0], new Parameter(M.name + '.weight', [M.outShape[0], M.inShape[0]], true, M.weight),
                         new Parameter(M.name + '.bias', [M.outShape[0]], false, M.bias));
      }
      if (M.type === 'relu') return new ReLU(M.name, M.inShape);
      if (M.type === 'maxpool2d') return new MaxPool2D(M.name, M.inShape, M.size, M.stride);
      if (M.type === 'flatten') return new Flatten(M.name, M.inShape);
      throw LearnError('fromModel: unknown layer type ' + JSON.stringify(M.type));
    });
    const net = new Network(layers, model.input, new Random(options.seed === undefined ? 1 : options.seed));
    net.architecture = 'model';
    return net;
  }

  // Sets every parameter (and batch-norm running statistics) from name -> values.
  Network.prototype.load = function (values) {
    for (const p of this.parameters) {
      if (!(p.name in values)) throw LearnError('load: no values for ' + p.name);
      const v = values[p.name];
      if (v.length !== p.value.length) throw LearnError('load: ' + p.name + ' expects ' + p.value.length + ' values, found ' + v.length);
      p.value.set(v);
    }
    for (const L of this.layers) {
      if (L.type !== 'batchnorm2d') continue;
      if (values[L.name + '.running_mean']) L.runningMean.set(values[L.name + '.running_mean']);
      if (values[L.name + '.running_var']) L.runningVar.set(values[L.name + '.running_var']);
    }
    return this;
  };

  // ---------------------------------------------------------------------------------------
  // Golden training values (weights/golden.json, "training"; written by Swift's
  // GoldenTraining.swift): replays every case and compares each tensor t of a group (a
  // step's gradients, a run's weights or running statistics) under the rule
  //   max_i |got_i - want_i| <= RELATIVE * max(max_i |want_t,i|, FLOOR * largest |want| of the group)
  // (the code's tolerance, never the file's), reporting the worst difference per tensor. The
  // floor: a convolution bias before batch norm has gradient 0 in exact arithmetic, so both
  // sides hold rounding noise there. AdamW's weights are checked by feeding the optimizer
  // Swift's gradients of each step (AdamW scales every gradient to about +-1, so a noise
  // gradient moves its weight by about the learning rate either way); this code's own
  // gradients of every step are compared with Swift's as well.

  const RELATIVE = 1e-4, FLOOR = 0.1;

  function decodeBase64(s, what) {
    if (typeof s !== 'string' || s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw LearnError(what + ': data is not valid base64');
    const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0, out = new Uint8Array(s.length / 4 * 3 - pad);
    let o = 0;
    for (let i = 0; i < s.length; i += 4) {
      const t = (B64.indexOf(s[i]) << 18) | (B64.indexOf(s[i + 1]) << 12) | ((B64.indexOf(s[i + 2]) & 63) << 6) | (B64.indexOf(s[i + 3]) & 63);
      if (o < out.length) out[o++] = t >> 16;
      if (o < out.length) out[o++] = (t >> 8) & 255;
      if (o < out.length) out[o++] = t & 255;
    }
    return out;
  }

  function float32s(t, what) {
    if (!t || !Array.isArray(t.shape)) throw LearnError(what + ': expected { shape, data }');
    const bytes = decodeBase64(t.data, what), count = product(t.shape);
    if (bytes.length !== 4 * count) throw LearnError(what + ': expected ' + 4 * count + ' bytes for shape ' + JSON.stringify(t.shape) + ', found ' + bytes.length);
    const view = new DataView(bytes.buffer), out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
    return out;
  }

  function maxAbs(v, m) { for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i])); return m; }

  function checkTraining(golden, model) {
    const section = golden && golden.training;
    const tensors = [], failures = [], problems = [];
    const rule = 'per tensor: max |got - want| <= 1e-4 * max(max |want|, 0.1 * the largest |want| of its group)';
    if (!section || !Array.isArray(section.cases) || section.cases.length === 0) {
      problems.push('the golden file has no training cases; run `inkling golden`');
      return { pass: false, count: 0, tensors: tensors, failures: failures, problems: problems, worst: null, rule: rule };
    }
    let worst = null;
    function compare(c, name, got, want, least) {
      if (got.length !== want.length) { failures.push({ case: c, tensor: name, detail: 'expected ' + want.length + ' values, found ' + got.length }); return; }
      let d = 0;
      const scale = maxAbs(want, least || Number.MIN_VALUE);
      for (let i = 0; i < want.length; i++) { const e = Math.abs(got[i] - want[i]); if (!(e <= d)) d = e; }
      const entry = { case: c, tensor: name, worst: d, tolerance: RELATIVE * scale, ok: d <= RELATIVE * scale };
      tensors.push(entry);
      if (!worst || !(entry.worst / entry.tolerance <= worst.worst / worst.tolerance)) worst = entry;
      if (!entry.ok) failures.push({ case: c, tensor: name, detail: 'differs by ' + d.toExponential(2) + ' (tolerance ' + entry.tolerance.toExponential(2) + ')' });
    }
    function decodeGroup(c, prefix, want) {
      const out = {};
      for (const k of Object.keys(want || {})) out[k] = float32s(want[k], c + ' ' + prefix + k);
      return out;
    }
    function compareGroup(c, prefix, got, want) {
      let least = 0;
      for (const k in want) least = maxAbs(want[k], least);
      least *= FLOOR;
      for (const k of Object.keys(got)) if (!(k in want)) failures.push({ case: c, tensor: prefix + k, detail: 'missing from the golden file' });
      for (const k of Object.keys(want).sort()) {
        if (!(k in got)) failures.push({ case: c, tensor: prefix + k, detail: 'not computed by learn.js' });
        else compare(c, prefix + k, got[k], want[k], least);
      }
    }
    function gradients(net) { const g = {}; for (const p of net.parameters) g[p.name] = Float32Array.from(p.grad); return g; }
    for (const c of section.cases) {
      const labels = c.labels, bytes = decodeBase64(c.images, c.name + ' images');
      const initial = decodeGroup(c.name, 'initial ', c.initial);
      const make = function () {
        if (c.network === 'model') {
          if (!model) throw LearnError('training case ' + c.name + ' needs the model file');
          return fromModel(model);
        }
        if (c.network !== 'inkling') throw LearnError('training case ' + c.name + ': unknown network ' + JSON.stringify(c.network));
        return fromArchitecture('inkling', { dropout: c.dropout }).load(initial);
      };
      const first = make();
      const inputs = first.normalise(bytes, labels.length);
      compare(c.name, 'inputs', inputs, float32s(c.inputs, c.name + ' inputs'));
      const keep = (c.dropout_keep || []).map(function (k, i) { return decodeBase64(k, c.name + ' dropout_keep[' + i + ']'); });
      const firstGradients = decodeGroup(c.name, 'gradient ', c.gradients);
      c.runs.forEach(function (run, r) {
        const spec = run.optimizer, options = { kind: spec.kind, momentum: spec.momentum, weightDecay: spec.weight_decay };
        const net = (r === 0 ? first : make()).setOptimizer(options);
        const drop = net.layers.find(function (L) { return L.type === 'dropout'; });
        const tag = spec.kind + '[' + r + '] ', losses = [];
        const recorded = [firstGradients].concat((run.step_gradients || []).map(function (g, s) { return decodeGroup(c.name, tag + 'step ' + (s + 2) + ' gradient ', g); }));
        for (let step = 0; step < run.losses.length; step++) {
          if (drop) {
            if (!keep[step]) throw LearnError('training case ' + c.name + ': no dropout mask for step ' + step);
            const scale = f32(1 / (1 - drop.rate)), mask = new Float32Array(keep[step].length);
            for (let i = 0; i < mask.length; i++) mask[i] = keep[step][i] ? scale : 0;
            drop.useMask(mask);
          }
          const result = net.forwardBackward(inputs, labels);
          if (r === 0 && step === 0) {
            compare(c.name, 'loss', [result.loss], [c.loss]);
            compareGroup(c.name, 'gradient ', gradients(net), firstGradients);
          } else if (step > 0 && run.step_gradients) {
            compareGroup(c.name, tag + 'step ' + (step + 1) + ' gradient ', gradients(net), recorded[step] || {});
          }
          losses.push(result.loss);
          net.optimizer.step(net.parameters, spec.learning_rate);
        }
        compare(c.name, tag + 'losses', losses, run.losses);
        let stepped = net;
        if (run.step_gradients) {
          // The optimizer alone, fed Swift's gradients of each step from the initial weights.
          stepped = make().setOptimizer(options);
          for (let step = 0; step < run.losses.length; step++) {
            if (!recorded[step]) throw LearnError('training case ' + c.name + ': no gradients for step ' + (step + 1));
            for (const p of stepped.parameters) p.grad.set(recorded[step][p.name]);
            stepped.optimizer.step(stepped.parameters, spec.learning_rate);
          }
        }
        const weights = {}, running = {};
        for (const p of stepped.parameters) weights[p.name] = p.value;
        compareGroup(c.name, tag + 'weights ', weights, decodeGroup(c.name, tag + 'weights ', run.weights));
        // A running mean follows the bias before its batch norm, which AdamW moves by noise
        // (above): after AdamW only the running variances are compared.
        for (const L of net.layers) {
          if (L.type !== 'batchnorm2d') continue;
          if (!run.step_gradients) running[L.name + '.running_mean'] = L.runningMean;
          running[L.name + '.running_var'] = L.runningVar;
        }
        const wantRunning = decodeGroup(c.name, tag + 'running ', run.running);
        if (run.step_gradients) for (const k of Object.keys(wantRunning)) if (/running_mean$/.test(k)) delete wantRunning[k];
        compareGroup(c.name, tag + 'running ', running, wantRunning);
      });
    }
    return { pass: failures.length === 0 && problems.length === 0, count: section.cases.length, tensors: tensors,
             failures: failures, problems: problems, worst: worst, rule: rule };
  }

  return {
    Random: Random, shuffle: shuffle, fromArchitecture: fromArchitecture, fromModel: fromModel,
    architectures: ARCHITECTURES, floatToHalf: floatToHalf, base64: base64, checkTraining: checkTraining,
    tolerance: { relative: RELATIVE, floor: FLOOR }, precision: precision,
    layers: { Conv2D: Conv2D, BatchNorm2D: BatchNorm2D, ReLU: ReLU, MaxPool2D: MaxPool2D, Flatten: Flatten,
              Dropout: Dropout, Dense: Dense, Parameter: Parameter, softmaxCrossEntropy: softmaxCrossEntropy },
  };
});
