/*
 * trainpage.js: train.html, the recognizer's network trained from scratch in the page.
 *
 * It computes nothing the libraries do: InklingLearn (learn.js) trains, DigitPack
 * (digitpack.js) unpacks the MNIST digits of train-data.js, Inkling (inkling.js) preprocesses
 * what is drawn on the pad. This file schedules the work and shows it.
 *
 * Training starts on load, with no click. It runs on the page's own thread in slices of about
 * SLICE_MS: a slice does training steps (or a chunk of the held-out evaluation), then yields
 * through a MessageChannel message, so input, drawing and painting run between slices. (A
 * Worker is no option: Chromium refuses workers from file://, and a blob: worker would need
 * worker-src in the page's policy; slices need neither.) Every EVAL_EVERY_MS of training the
 * whole held-out set is evaluated, a few chunks per slice, with training held meanwhile, so
 * each accuracy point is one model's score on all 1,000 held-out digits.
 *
 * Hooks for tests: #accuracy[data-accuracy] (latest held-out accuracy, 0-1),
 * #speed[data-images-per-second], #train[data-state] = loading | training | paused | finished |
 * failed, and window.InklingTrainPage = { history, exportModel(), state() }.
 */
(function () {
  'use strict';

  // The recipe (docs/train-page.md). AdamW with a cosine schedule over PLAN_EPOCHS passes over
  // the training digits (the peak rate is the slider's); batch 16 learned as fast per image as
  // 32 in node trials and keeps each unit of work in a slice short. No dropout (Swift uses
  // 0.25 over 15 epochs): over 3 epochs it held back more than it helped in those trials, which
  // reached 97% held out after about 10,000 images and settled near 97.4%.
  var BATCH = 16;
  var PLAN_EPOCHS = 3;
  var DROPOUT = 0;
  var WEIGHT_DECAY = 1e-4;
  var FLOOR = 0.02;          // the schedule ends at this fraction of the peak
  var SEED = 1;
  var SLICE_MS = 30;
  var EVAL_EVERY_MS = 1500;  // of training time between held-out evaluations, at least;
  var EVAL_SHARE = 0.2;      // and at most this share of the time goes to evaluating,
  var EVAL_AT_MOST_MS = 4000; // but never less often than this (the curve needs its points)
  var EVAL_CHUNK = 50;       // held-out digits per unit of evaluation work
  var LOSS_POINT_MS = 250;   // one loss point per this much wall time
  var SHOWN_PER_DIGIT = 2;   // held-out digits shown with guesses, per class
  var PEN = 0.075;           // pad pen width, in pad heights
  var READ_SIZE = 280;       // pixels of the canvas the pad is rendered to for reading

  var $ = function (id) { return document.getElementById(id); };
  var root = $('train'), statusLine = $('train-status');
  var accuracyOut = $('accuracy'), lossOut = $('loss'), speedOut = $('speed'), seenOut = $('seen'), epochOut = $('epoch');
  var pauseButton = $('pause'), lrInput = $('lr'), lrOut = $('lr-value'), downloadButton = $('download');

  var net, train, heldout, order;
  var state = 'loading';
  var seen = 0, cursor = 0, epoch = 0, steps = 0;
  var trainMs = 0, sinceEval = 0;
  var lossSum = 0, lossCount = 0, lastLossPoint = 0, smoothLoss = NaN;
  var evaluation = null;         // { next, correct, predictions, ms } while evaluating
  var evalInterval = EVAL_EVERY_MS;
  var trainingOn = false;        // trained past the plan at the user's request
  var inputDelay = null;         // ms from the last pause click to its handler
  var predictions = null;        // Uint8Array over held-out, from the last evaluation
  var history = [];              // { t, seen, accuracy } per evaluation
  var losses = [];               // { t, loss }
  var speedWindow = [];          // [{ ms, images }] recent slices, for images/s
  var batchX, batchY;
  var shown = [];                // held-out indices in the gallery
  var dirty = { charts: true, filters: true, gallery: true, pad: false };
  var failed = null;

  function fail(e) {
    failed = e;
    state = 'failed';
    root.dataset.state = state;
    statusLine.textContent = 'Training stopped: ' + (e && e.message ? e.message : String(e));
    pauseButton.disabled = true;
  }

  // ------------------------------------------------------------------ data and network

  function load() {
    var data = window.INKLING_TRAIN_DATA;
    if (!data || data.format !== 'inkling-train-data' || data.version !== 1) {
      throw new Error('train-data.js: expected window.INKLING_TRAIN_DATA (format inkling-train-data, version 1), found ' +
                      (data ? 'format ' + data.format + ' version ' + data.version : 'nothing (is train-data.js next to this page?)'));
    }
    net = InklingLearn.fromArchitecture('inkling', { seed: SEED, dropout: DROPOUT });
    net.setOptimizer({ kind: 'adamw', weightDecay: WEIGHT_DECAY });
    // Grey bytes; learn.js normalises each training batch as it goes (the held-out set once).
    function part(p, name) {
      var bytes = DigitPack.decode(p.pixels, p.count, 'train-data.js ' + name);
      return { count: p.count, bytes: bytes,
               labels: Array.prototype.slice.call(DigitPack.labels(p.labels, p.count, 'train-data.js ' + name + ' labels')) };
    }
    train = part(data.train, 'train');
    heldout = part(data.heldout, 'heldout');
    heldout.x = net.normalise(heldout.bytes, heldout.count);
    if (typeof data.selection === 'string') $('data-selection').textContent = data.selection;
    ['train-count', 'heldout-count'].forEach(function (id, k) {
      var el = $(id);
      if (el) el.textContent = (k ? heldout : train).count.toLocaleString('en-US');
    });
    order = InklingLearn.shuffle(train.count, net.random);
    batchX = new Uint8Array(BATCH * 784);
    batchY = new Array(BATCH);
    var per = new Array(10).fill(0);
    for (var i = 0; i < heldout.count && shown.length < 10 * SHOWN_PER_DIGIT; i++) {
      if (per[heldout.labels[i]]++ < SHOWN_PER_DIGIT) shown.push(i);
    }
    shown.sort(function (a, b) { return heldout.labels[a] - heldout.labels[b] || a - b; });
    buildGallery();
  }

  // ------------------------------------------------------------------ the schedule

  function peakRate() { return Math.pow(10, Number(lrInput.value)); }

  function rate() {
    var progress = Math.min(1, seen / (PLAN_EPOCHS * train.count));
    return peakRate() * (FLOOR + (1 - FLOOR) * 0.5 * (1 + Math.cos(Math.PI * progress)));
  }

  function trainStep() {
    for (var k = 0; k < BATCH; k++) {
      if (cursor === train.count) { cursor = 0; epoch++; order = InklingLearn.shuffle(train.count, net.random); }
      var i = order[cursor++];
      batchX.set(train.bytes.subarray(i * 784, (i + 1) * 784), k * 784);
      batchY[k] = train.labels[i];
    }
    var loss = net.trainStep(batchX, batchY, rate());
    seen += BATCH;
    steps++;
    lossSum += loss; lossCount++;
    smoothLoss = isNaN(smoothLoss) ? loss : 0.95 * smoothLoss + 0.05 * loss;
  }

  function evaluateChunk() {
    var t0 = performance.now(), e = evaluation, lo = e.next, hi = Math.min(heldout.count, lo + EVAL_CHUNK);
    var z = net.logits(heldout.x.subarray(lo * 784, hi * 784));
    for (var i = lo; i < hi; i++) {
      var best = 0;
      for (var k = 1; k < 10; k++) if (z[(i - lo) * 10 + k] > z[(i - lo) * 10 + best]) best = k;
      e.predictions[i] = best;
      if (best === heldout.labels[i]) e.correct++;
    }
    e.next = hi;
    e.ms += performance.now() - t0;
    if (hi === heldout.count) {
      // A slower machine evaluates less often, so training keeps most of the time.
      evalInterval = Math.min(EVAL_AT_MOST_MS, Math.max(EVAL_EVERY_MS, e.ms * (1 - EVAL_SHARE) / EVAL_SHARE));
      predictions = e.predictions;
      var accuracy = e.correct / heldout.count;
      history.push({ t: round(performance.now() / 1000, 3), seen: seen, accuracy: accuracy });
      accuracyOut.dataset.accuracy = String(accuracy);
      accuracyOut.textContent = (100 * accuracy).toFixed(1) + '%';
      evaluation = null;
      sinceEval = 0;
      dirty.charts = dirty.gallery = true;
      if (seen >= PLAN_EPOCHS * train.count && !trainingOn) finish();
    }
  }

  function finish() {
    state = 'finished';
    root.dataset.state = state;
    pauseButton.textContent = 'Train on';
    statusLine.textContent = 'Finished the planned ' + PLAN_EPOCHS + ' epochs: ' + accuracyOut.textContent +
      ' on the held-out digits. Train on to continue at the final learning rate, or download the model.';
  }

  var channel = new MessageChannel();
  channel.port1.onmessage = slice;
  function next() { channel.port2.postMessage(0); }

  function slice() {
    if (state !== 'training') return;
    try {
      var start = performance.now(), trained = 0, trainedMs = 0, now = start;
      while (now - start < SLICE_MS && state === 'training') {
        var wasTraining = !evaluation;
        if (evaluation) evaluateChunk();
        else { trainStep(); trained += BATCH; }
        var after = performance.now();
        if (wasTraining) { trainMs += after - now; trainedMs += after - now; sinceEval += after - now; }
        now = after;
        if (!evaluation && sinceEval >= evalInterval) evaluation = { next: 0, correct: 0, predictions: new Uint8Array(heldout.count), ms: 0 };
      }
      if (trained) noteSpeed(trainedMs, trained);
      if (now - lastLossPoint >= LOSS_POINT_MS && lossCount) {
        losses.push({ t: now / 1000, loss: lossSum / lossCount });
        lossSum = 0; lossCount = 0; lastLossPoint = now;
        dirty.charts = dirty.filters = true;
      }
      if (dirty.pad) readPad();
      requestPaint();
      if (state === 'training') next();
    } catch (e) {
      fail(e);
    }
  }

  // images/s over the last few seconds of training time (evaluation excluded).
  function noteSpeed(ms, images) {
    speedWindow.push({ ms: ms, images: images });
    var total = 0, count = 0;
    for (var i = speedWindow.length - 1; i >= 0 && total < 3000; i--) { total += speedWindow[i].ms; count += speedWindow[i].images; }
    speedWindow.splice(0, i + 1);
    var rateNow = total > 0 ? count * 1000 / total : 0;
    speedOut.dataset.imagesPerSecond = String(Math.round(rateNow));
    speedOut.textContent = String(Math.round(rateNow));
  }

  function setPaused(paused) {
    if (state === 'failed' || state === 'loading') return;
    if (paused) {
      state = 'paused';
      pauseButton.textContent = 'Resume';
      statusLine.textContent = 'Paused. The pad still reads with the weights as they are.';
    } else {
      if (state === 'finished') trainingOn = true;   // past the plan: the final rate, no end
      state = 'training';
      pauseButton.textContent = 'Pause';
      statusLine.textContent = 'Training…';
      next();
    }
    root.dataset.state = state;
  }

  // ------------------------------------------------------------------ showing it

  var paintQueued = false;
  function requestPaint() {
    if (paintQueued) return;
    paintQueued = true;
    requestAnimationFrame(function () { paintQueued = false; paint(); });
  }

  function paint() {
    var epochs = seen / train.count;
    seenOut.textContent = seen.toLocaleString('en-US');
    epochOut.textContent = 'epoch ' + epochs.toFixed(2) + ' of ' + PLAN_EPOCHS;
    lossOut.textContent = isNaN(smoothLoss) ? '–' : smoothLoss.toFixed(3);
    lrOut.textContent = rate().toExponential(1) + ' (peak ' + peakRate().toExponential(1) + ')';
    if (dirty.charts) {
      var xMax = Math.max(10, performance.now() / 1000);   // both charts: seconds since the page opened
      drawChart($('accuracy-chart'), history.map(function (h) { return [h.t, h.accuracy]; }), 'accuracy', xMax);
      drawChart($('loss-chart'), losses.map(function (h) { return [h.t, h.loss]; }), 'loss', xMax);
      dirty.charts = false;
    }
    if (dirty.filters) { drawFilters(); dirty.filters = false; }
    if (dirty.gallery) { updateGallery(); dirty.gallery = false; }
  }

  function colours() {
    var css = getComputedStyle(root);
    return { fg: css.color, muted: css.getPropertyValue('--muted').trim() || '#666', grid: css.getPropertyValue('--grid').trim() || '#ddd',
             a: css.getPropertyValue('--accent').trim() || '#d9480f', b: css.getPropertyValue('--accent-2').trim() || '#1c6fc4' };
  }

  // A line chart of [x, y] points on a high-DPI canvas. Accuracy: y from the lowest point
  // (at most 0.9) to 1, with a line at 97%; loss: y from 0 to the highest point.
  function drawChart(canvas, points, kind, xMax) {
    var dpr = window.devicePixelRatio || 1, cssW = canvas.clientWidth || 440, cssH = canvas.clientHeight || 220;
    if (canvas.width !== Math.round(cssW * dpr)) { canvas.width = Math.round(cssW * dpr); canvas.height = Math.round(cssH * dpr); }
    var c = canvas.getContext('2d'), col = colours();
    c.setTransform(dpr, 0, 0, dpr, 0, 0);
    c.clearRect(0, 0, cssW, cssH);
    var left = 44, right = cssW - 10, top = 10, bottom = cssH - 26;
    var y0, y1;
    if (kind === 'accuracy') {
      y0 = Math.min(0.9, points.reduce(function (m, p) { return Math.min(m, p[1]); }, 1)); y1 = 1;
      y0 = Math.floor(y0 * 10) / 10;
    } else {
      y0 = 0; y1 = Math.max(0.5, points.reduce(function (m, p) { return Math.max(m, p[1]); }, 0));
    }
    var X = function (x) { return left + (right - left) * x / xMax; };
    var Y = function (y) { return bottom - (bottom - top) * (y - y0) / (y1 - y0); };
    c.font = '11px system-ui, sans-serif';
    c.lineWidth = 1;
    c.strokeStyle = col.grid; c.fillStyle = col.muted;
    for (var g = 0; g <= 4; g++) {
      var yv = y0 + (y1 - y0) * g / 4, yy = Math.round(Y(yv)) + 0.5;
      c.beginPath(); c.moveTo(left, yy); c.lineTo(right, yy); c.stroke();
      c.textAlign = 'right'; c.textBaseline = 'middle';
      c.fillText(kind === 'accuracy' ? Math.round(yv * 1000) / 10 + '%' : yv.toFixed(2), left - 4, yy);
    }
    var step = xMax <= 20 ? 5 : xMax <= 60 ? 10 : xMax <= 180 ? 30 : 60;
    c.textAlign = 'center'; c.textBaseline = 'top';
    for (var s = 0; s <= xMax; s += step) c.fillText(s + ' s', X(s), bottom + 6);
    if (kind === 'accuracy') {
      c.strokeStyle = col.muted; c.setLineDash([4, 4]);
      c.beginPath(); c.moveTo(left, Y(0.97)); c.lineTo(right, Y(0.97)); c.stroke();
      c.setLineDash([]);
      c.textAlign = 'left'; c.textBaseline = 'bottom';
      c.fillText('97%', left + 4, Y(0.97) - 2);
    }
    if (!points.length) return;
    c.strokeStyle = c.fillStyle = kind === 'accuracy' ? col.b : col.a;
    c.lineWidth = 2;
    c.beginPath();
    points.forEach(function (p, i) { var x = X(p[0]), y = Y(p[1]); if (i) c.lineTo(x, y); else c.moveTo(x, y); });
    c.stroke();
    if (kind === 'accuracy') points.forEach(function (p) { c.beginPath(); c.arc(X(p[0]), Y(p[1]), 2.5, 0, 2 * Math.PI); c.fill(); });
  }

  // Each 5x5 filter as a tile: orange positive, blue negative, scaled by its own largest weight.
  function drawFilters() {
    var f = net.firstLayerFilters(), canvas = $('filters'), c = canvas.getContext('2d');
    var size = f.size, cell = 12, gap = 16, tile = size * cell;   // 8 tiles of 60 px: 592 x 60
    var img = c.createImageData(canvas.width, canvas.height);
    for (var i = 3; i < img.data.length; i += 4) img.data[i] = 0;
    for (var o = 0; o < f.count; o++) {
      var base = o * f.channels * size * size, max = 1e-8;
      for (var j = 0; j < size * size; j++) max = Math.max(max, Math.abs(f.weights[base + j]));
      for (var y = 0; y < size; y++) {
        for (var x = 0; x < size; x++) {
          var v = f.weights[base + y * size + x] / max, r, g, b;
          if (v >= 0) { r = 255; g = Math.round(255 - 137 * v); b = Math.round(255 - 240 * v); }
          else { r = Math.round(255 + 227 * v); g = Math.round(255 + 144 * v); b = Math.round(255 + 59 * v); }
          for (var py = 0; py < cell; py++) {
            for (var px = 0; px < cell; px++) {
              var X = o * (tile + gap) + x * cell + px, Y = y * cell + py;
              if (X >= canvas.width || Y >= canvas.height) continue;
              var at = (Y * canvas.width + X) * 4;
              img.data[at] = r; img.data[at + 1] = g; img.data[at + 2] = b; img.data[at + 3] = 255;
            }
          }
        }
      }
    }
    c.putImageData(img, 0, 0);
  }

  function buildGallery() {
    var list = $('test-digits');
    shown.forEach(function (i) {
      var li = document.createElement('li'), canvas = document.createElement('canvas');
      canvas.width = canvas.height = 28;
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', 'A held-out ' + heldout.labels[i]);
      var img = canvas.getContext('2d').createImageData(28, 28);
      for (var p = 0; p < 784; p++) {
        var v = 255 - heldout.bytes[i * 784 + p];
        img.data[4 * p] = img.data[4 * p + 1] = img.data[4 * p + 2] = v; img.data[4 * p + 3] = 255;
      }
      canvas.getContext('2d').putImageData(img, 0, 0);
      var guess = document.createElement('span');
      guess.className = 'guess';
      guess.textContent = 'guess: –';
      li.appendChild(canvas); li.appendChild(guess);
      list.appendChild(li);
    });
  }

  function updateGallery() {
    if (!predictions) return;
    var items = $('test-digits').children;
    shown.forEach(function (i, k) {
      var p = predictions[i], right = p === heldout.labels[i];
      items[k].dataset.correct = right ? 'true' : 'false';
      items[k].lastChild.textContent = 'guess: ' + p + (right ? ' ✓' : ' ✗ (a ' + heldout.labels[i] + ')');
    });
  }

  // ------------------------------------------------------------------ the pad

  var pad = $('pad'), padCtx = pad.getContext('2d'), strokes = [], drawing = null;

  function resizePad() {
    var rect = pad.getBoundingClientRect(), dpr = window.devicePixelRatio || 1;
    var w = Math.max(1, Math.round(rect.width * dpr)), h = Math.max(1, Math.round(rect.height * dpr));
    if (pad.width !== w || pad.height !== h) { pad.width = w; pad.height = h; }
    paintPad();
  }

  function padPoint(e, rect) { return [(e.clientX - rect.left) / rect.height, (e.clientY - rect.top) / rect.height]; }

  // Quadratic curves through the midpoints of successive samples (as app.js draws).
  function trace(c, scale, width) {
    c.lineWidth = width * scale; c.lineCap = 'round'; c.lineJoin = 'round';
    strokes.forEach(function (s) {
      var p = s;
      c.beginPath();
      if (p.length === 1) { c.arc(p[0][0] * scale, p[0][1] * scale, width * scale / 2, 0, 2 * Math.PI); c.fill(); return; }
      c.moveTo(p[0][0] * scale, p[0][1] * scale);
      for (var k = 1; k < p.length - 1; k++) {
        c.quadraticCurveTo(p[k][0] * scale, p[k][1] * scale, (p[k][0] + p[k + 1][0]) / 2 * scale, (p[k][1] + p[k + 1][1]) / 2 * scale);
      }
      c.lineTo(p[p.length - 1][0] * scale, p[p.length - 1][1] * scale);
      c.stroke();
    });
  }

  function paintPad() {
    padCtx.setTransform(1, 0, 0, 1, 0, 0);
    padCtx.clearRect(0, 0, pad.width, pad.height);
    padCtx.strokeStyle = padCtx.fillStyle = getComputedStyle(root).color || '#000';
    trace(padCtx, pad.height, PEN);
  }

  // The pad as the trained network sees it: black on white, through Inkling.preprocess.
  function readPad() {
    dirty.pad = false;
    var guess = $('pad-guess'), detail = $('pad-detail');
    if (!net || !strokes.length) { guess.textContent = '–'; guess.dataset.digit = ''; detail.textContent = 'Draw a digit: the network in training reads it.'; return; }
    var canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(READ_SIZE * (pad.width / pad.height))); canvas.height = READ_SIZE;
    var c = canvas.getContext('2d', { willReadFrequently: true });
    c.fillStyle = '#fff'; c.fillRect(0, 0, canvas.width, canvas.height);
    c.strokeStyle = c.fillStyle = '#000';
    trace(c, READ_SIZE, PEN);
    var image = c.getImageData(0, 0, canvas.width, canvas.height);
    var pre = Inkling.preprocess({ data: image.data, width: image.width, height: image.height });
    if (pre.blank) { guess.textContent = '–'; guess.dataset.digit = ''; detail.textContent = 'Write bigger.'; return; }
    var x = new Float32Array(784), mean = net.input.mean, std = net.input.std;
    for (var i = 0; i < 784; i++) x[i] = (pre.input[i] - mean) / std;
    var z = net.logits(x), best = 0, total = 0, max = -Infinity;
    for (var k = 0; k < 10; k++) max = Math.max(max, z[k]);
    for (k = 0; k < 10; k++) { total += Math.exp(z[k] - max); if (z[k] > z[best]) best = k; }
    guess.textContent = String(best);
    guess.dataset.digit = String(best);
    detail.textContent = 'Confidence ' + Math.round(100 * Math.exp(z[best] - max) / total) + '% with the weights as they are now.';
  }

  function bindPad() {
    pad.addEventListener('pointerdown', function (e) {
      if (drawing || (e.pointerType === 'mouse' && e.button !== 0)) return;
      e.preventDefault();
      pad.setPointerCapture(e.pointerId);
      var stroke = [padPoint(e, pad.getBoundingClientRect())];
      strokes.push(stroke);
      drawing = { pointerId: e.pointerId, stroke: stroke };
      paintPad();
    });
    pad.addEventListener('pointermove', function (e) {
      if (!drawing || e.pointerId !== drawing.pointerId) return;
      var rect = pad.getBoundingClientRect(), events = e.getCoalescedEvents ? e.getCoalescedEvents() : [];
      if (!events.length) events = [e];
      for (var i = 0; i < events.length; i++) drawing.stroke.push(padPoint(events[i], rect));
      paintPad();
    });
    var end = function (e) {
      if (!drawing || e.pointerId !== drawing.pointerId) return;
      if (pad.hasPointerCapture(e.pointerId)) pad.releasePointerCapture(e.pointerId);
      drawing = null;
      dirty.pad = true;
      if (state !== 'training') readPad();   // while training, the next slice reads it
    };
    pad.addEventListener('pointerup', end);
    pad.addEventListener('pointercancel', end);
    $('pad-clear').addEventListener('click', function () { strokes = []; paintPad(); readPad(); });
    window.addEventListener('resize', resizePad);
    resizePad();
  }

  // ------------------------------------------------------------------ download

  function round(v, digits) { var m = Math.pow(10, digits); return Math.round(v * m) / m; }

  // SHA-256 of the training digits as the page trains on them (784 grey bytes each, then the
  // labels as ASCII digits), for the model file's provenance.
  var digest = null;
  function trainDigest() {
    if (digest) return digest;
    var bytes = new Uint8Array(train.bytes.length + train.count);
    bytes.set(train.bytes);
    for (var i = 0; i < train.count; i++) bytes[train.bytes.length + i] = 48 + train.labels[i];
    digest = Inkling.sha256(bytes);
    return digest;
  }

  function exportModel() {
    var last = history[history.length - 1];
    return net.exportModel({ training: {
      architecture: 'inkling', batch_size: BATCH, seed: SEED, epochs: Math.ceil(seen / train.count),
      data: [{ file: 'train-data.js (' + train.count + ' training digits)', sha256: trainDigest() }],
      command: 'train.html (in-browser training, learn.js, on train-data.js)',
      learning_rate_schedule: 'cosine(peak: ' + peakRate().toExponential(2) + ', floor: ' + FLOOR + ', epochs: ' + PLAN_EPOCHS + ')',
      optimizer: 'adamw(beta1: 0.9, beta2: 0.999, weight_decay: ' + WEIGHT_DECAY + ')',
      test_accuracy: last ? round(last.accuracy, 4) : 0, test_count: heldout.count, train_count: train.count,
    } });
  }

  function download() {
    var text = exportModel();
    var url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    var a = document.createElement('a');
    a.href = url;
    a.download = 'inkling-trained-in-browser.json';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  // ------------------------------------------------------------------ start

  window.InklingTrainPage = {
    history: history, losses: losses,
    exportModel: function () { return exportModel(); },
    state: function () {
      return { state: state, seen: seen, steps: steps, trainMs: trainMs, inputDelay: inputDelay, evalInterval: evalInterval,
               error: failed ? String(failed.message || failed) : null };
    },
  };

  pauseButton.addEventListener('click', function (e) {
    inputDelay = Math.max(0, performance.now() - e.timeStamp);
    setPaused(state === 'training');
  });
  lrInput.addEventListener('input', function () { requestPaint(); });
  downloadButton.addEventListener('click', download);
  bindPad();
  try {
    load();
    state = 'training';
    root.dataset.state = state;
    pauseButton.disabled = false;
    downloadButton.disabled = false;
    statusLine.textContent = 'Training…';
    lastLossPoint = performance.now();
    requestPaint();
    next();
  } catch (e) {
    fail(e);
  }
})();
