/* app.js: the page glue. Pointer input, drawing, and showing results.
 *
 * It computes nothing the libraries do: Inkling (inkling.js) preprocesses images and runs
 * the network, InklingNumbers (numbers.js) groups strokes into glyphs, reads operators and
 * does the arithmetic. Here: collect strokes, render them, call those, update the DOM.
 *
 * Units: strokes are stored in pad units, the pad being 1 unit tall (x in 0..aspect), so
 * they survive resizing, zoom and devicePixelRatio changes. Points come from clientX/Y and
 * the pad's getBoundingClientRect() at each event, which stays right under page zoom and
 * CSS scaling. For the model, strokes are re-rendered black on white at READ_HEIGHT pixels
 * per unit, whatever the screen: the same drawing gives the same input on every device.
 */
(function () {
  'use strict';

  var PEN = 0.08;          // widest pen, pad units: about MNIST's stroke once a digit is scaled to 20 px
  var PEN_OF_HEIGHT = 0.14; // the pen scales with the writing: this fraction of its height, at most PEN
  var MIN_PEN = 0.015;      // thinnest pen, pad units
  var MIN_WRITING = 0.05;   // writing shorter than this (pad units) is too small to read: "Write bigger"
  var READ_PAUSE_MS = 120;  // number modes: while the pen is down, read at most this often
  var READ_HEIGHT = 280;   // pixels per pad unit when rendering for the model
  var OP_NAMES = { '+': 'plus', '-': 'minus', 'x': 'times', '*': 'times', '/': 'divided by', '÷': 'divided by', '=': 'equals' };
  var OP_SHOWN = InklingNumbers.SHOWN;
  var TAGLINES = {
    digit: 'Draw a digit. A small neural network reads it, right here in your browser: nothing is sent anywhere.',
    number: 'Write a number. Each digit is read by a small neural network, right here in your browser.',
    calc: 'Write a sum like 12+7. A small neural network reads it and works it out, right here in your browser.',
  };

  var $ = function (id) { return document.getElementById(id); };
  var app = $('app'), pad = $('pad'), ctx = pad.getContext('2d');
  var prediction = $('prediction'), status = $('status'), bars = $('bars'), preview = $('input-preview');
  var numberBox = $('number'), numberDigits = $('number-digits'), calcBox = $('calc');

  var model = null;
  var shippedModel = null; // the model file's; `model` is it, or it personalized (teach.js)
  var unsureBelow = 0.8;
  var mode = 'digit';
  var strokes = [];        // [{ points: [[x, y], ...] }] in pad units
  var drawing = null;      // { pointerId, stroke } while a pointer is down
  var picture = null;      // an opened image (canvas) shown instead of strokes
  var pictureData = null;  // its pixels (ImageData), read by Inkling.preprocess or InklingNumbers.read
  var frameRequested = false;
  var padAspect = 1;       // pad width / height
  var barItems = [];
  var nextStrokeId = 0;    // strokes carry an id: the glyph cache knows them by id and length
  var redoStack = [];      // strokes taken back by undo, for redo
  var glyphReader = null;  // InklingNumbers.modelReader around the model, made on first use
  var glyphCache = InklingNumbers.makeCache();
  var pen = PEN;           // the pen in use (scales with the writing)
  var lastRead = 0, readTimer = null;

  // ------------------------------------------------------------------ start-up

  function start() {
    var t0 = performance.now();
    try {
      // The data block holds the model file's text as a JSON string; loadModel reads it strictly.
      model = shippedModel = Inkling.loadModel(JSON.parse($('model').textContent), 'model.json');
      unsureBelow = model.calibration.unsure_below;
    } catch (e) {
      status.textContent = 'The model could not be loaded: ' + e.message;
      app.dataset.ready = 'error';
      return;
    }
    var t1 = performance.now();
    buildBars();
    resizePad();
    if (window.ResizeObserver) new ResizeObserver(resizePad).observe(pad);
    else window.addEventListener('resize', resizePad);
    bindInput();
    bindInside();
    // teach.js (loaded after this file) swaps in a personalized model and is told each reading.
    window.InklingApp = { shippedModel: function () { return shippedModel; }, useModel: useModel, say: say };
    update();
    var t2 = performance.now();
    // firstPredictionMs counts from navigation start: parsing, model load and first prediction.
    window.INKLING_TIMING = { firstPredictionMs: round1(t2), modelLoadMs: round1(t1 - t0), firstUpdateMs: round1(t2 - t1) };
    app.dataset.ready = 'true';
  }

  function round1(ms) { return Math.round(ms * 10) / 10; }

  function buildBars() {
    for (var d = 0; d < 10; d++) {
      var li = document.createElement('li');
      li.dataset.digit = String(d);
      li.dataset.p = '0';
      li.innerHTML = '<span class="digit"></span><span class="track"><span class="fill"></span></span><span class="pct">0%</span>';
      li.querySelector('.digit').textContent = String(d);
      bars.appendChild(li);
      barItems.push({ li: li, fill: li.querySelector('.fill'), pct: li.querySelector('.pct') });
    }
  }

  // ------------------------------------------------------------------ the pad

  // Backing store at devicePixelRatio, so strokes are sharp on high-DPI screens.
  function resizePad() {
    var rect = pad.getBoundingClientRect();
    var dpr = window.devicePixelRatio || 1;
    var w = Math.max(1, Math.round(rect.width * dpr)), h = Math.max(1, Math.round(rect.height * dpr));
    if (pad.width !== w || pad.height !== h) { pad.width = w; pad.height = h; }
    padAspect = rect.height > 0 ? rect.width / rect.height : 1;
    paint();
  }

  function padPoint(e, rect) {
    return [(e.clientX - rect.left) / rect.height, (e.clientY - rect.top) / rect.height];
  }

  // Smooth strokes: quadratic curves through the midpoints of successive samples.
  function traceStrokes(c, list, scale, dx, dy, width) {
    c.lineWidth = width * scale;
    c.lineCap = 'round';
    c.lineJoin = 'round';
    for (var i = 0; i < list.length; i++) {
      var p = list[i].points;
      c.beginPath();
      if (p.length === 1) {
        c.arc((p[0][0] + dx) * scale, (p[0][1] + dy) * scale, width * scale / 2, 0, 2 * Math.PI);
        c.fill();
        continue;
      }
      c.moveTo((p[0][0] + dx) * scale, (p[0][1] + dy) * scale);
      for (var k = 1; k < p.length - 1; k++) {
        var mx = (p[k][0] + p[k + 1][0]) / 2, my = (p[k][1] + p[k + 1][1]) / 2;
        c.quadraticCurveTo((p[k][0] + dx) * scale, (p[k][1] + dy) * scale, (mx + dx) * scale, (my + dy) * scale);
      }
      var last = p[p.length - 1];
      c.lineTo((last[0] + dx) * scale, (last[1] + dy) * scale);
      c.stroke();
    }
  }

  function paint() {
    var css = getComputedStyle(app);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, pad.width, pad.height);
    if (picture) {
      var s = Math.min(pad.width / picture.width, pad.height / picture.height);
      var w = picture.width * s, h = picture.height * s;
      ctx.drawImage(picture, (pad.width - w) / 2, (pad.height - h) / 2, w, h);
    }
    ctx.strokeStyle = ctx.fillStyle = css.getPropertyValue('--ink').trim() || '#000';
    traceStrokes(ctx, strokes, pad.height, 0, 0, pen);
    app.dataset.drawn = strokes.length || picture ? 'true' : 'false';
  }

  // Renders strokes black on white for the model, the window (x0, y0, w, h) in pad units.
  // The window is the whole pad (digit mode) or a pad-tall slice around one glyph (number
  // modes), never a tight crop: a lone dot must stay small so preprocessing calls it blank.
  function renderForModel(list, x0, y0, w, h) {
    var canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(w * READ_HEIGHT));
    canvas.height = Math.max(1, Math.round(h * READ_HEIGHT));
    var c = canvas.getContext('2d', { willReadFrequently: true });
    c.fillStyle = '#fff';
    c.fillRect(0, 0, canvas.width, canvas.height);
    c.strokeStyle = c.fillStyle = '#000';
    traceStrokes(c, list, READ_HEIGHT, -x0, -y0, pen);
    return c.getImageData(0, 0, canvas.width, canvas.height);
  }

  // The ink's extent in pad units: the larger of its height and 0.6 of its width.
  function inkExtent(list) {
    var pts = [];
    list.forEach(function (s) { pts = pts.concat(s.points); });
    if (!pts.length) return 0;
    var b = InklingNumbers.bounds(pts);
    return Math.max(b.y1 - b.y0, 0.6 * (b.x1 - b.x0));
  }

  // The pen scales with the writing, so small digits stay open loops, not blobs.
  function penFor(height) {
    return Math.min(PEN, Math.max(MIN_PEN, PEN_OF_HEIGHT * height));
  }

  // ------------------------------------------------------------------ input

  function bindInput() {
    pad.addEventListener('pointerdown', function (e) {
      if (drawing || (e.pointerType === 'mouse' && e.button !== 0)) return;
      e.preventDefault();
      pad.setPointerCapture(e.pointerId);
      if (picture) { picture = null; }
      redoStack = [];
      var stroke = { id: nextStrokeId++, points: [padPoint(e, pad.getBoundingClientRect())] };
      strokes.push(stroke);
      drawing = { pointerId: e.pointerId, stroke: stroke };
      schedule();
    });
    pad.addEventListener('pointermove', function (e) {
      if (!drawing || e.pointerId !== drawing.pointerId) return;
      var rect = pad.getBoundingClientRect();
      var events = e.getCoalescedEvents ? e.getCoalescedEvents() : [];
      if (!events.length) events = [e];
      for (var i = 0; i < events.length; i++) drawing.stroke.points.push(padPoint(events[i], rect));
      schedule();
    });
    var end = function (e) {
      if (!drawing || e.pointerId !== drawing.pointerId) return;
      if (pad.hasPointerCapture(e.pointerId)) pad.releasePointerCapture(e.pointerId);
      drawing = null;
      lastRead = 0;  // read at once on pen lift
      schedule();
    };
    pad.addEventListener('pointerup', end);
    pad.addEventListener('pointercancel', end);

    $('clear').addEventListener('click', clear);
    $('undo').addEventListener('click', undo);
    $('redo').addEventListener('click', redo);
    document.addEventListener('keydown', function (e) {
      if (e.key === 'Escape') { clear(); e.preventDefault(); }
      else if ((e.ctrlKey || e.metaKey) && !e.shiftKey && (e.key === 'z' || e.key === 'Z')) { undo(); e.preventDefault(); }
      else if ((e.ctrlKey || e.metaKey) && ((e.shiftKey && (e.key === 'z' || e.key === 'Z')) || e.key === 'y' || e.key === 'Y')) { redo(); e.preventDefault(); }
    });
    ['digit', 'number', 'calc'].forEach(function (m) {
      $('mode-' + m).addEventListener('click', function () { setMode(m); });
    });

    if (darkScheme.addEventListener) darkScheme.addEventListener('change', schedule);  // repaint in the new colours

    $('file-input').addEventListener('change', function (e) {
      if (e.target.files && e.target.files[0]) openImage(e.target.files[0]);
      e.target.value = '';
    });
    var zone = document.documentElement;
    zone.addEventListener('dragover', function (e) { e.preventDefault(); $('drop-zone').classList.add('dragging'); });
    zone.addEventListener('dragleave', function () { $('drop-zone').classList.remove('dragging'); });
    zone.addEventListener('drop', function (e) {
      e.preventDefault();
      $('drop-zone').classList.remove('dragging');
      var f = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
      if (f) openImage(f);
    });
    document.addEventListener('paste', function (e) {
      var items = (e.clipboardData && e.clipboardData.items) || [];
      for (var i = 0; i < items.length; i++) {
        if (items[i].kind === 'file' && /^image\//.test(items[i].type)) { openImage(items[i].getAsFile()); e.preventDefault(); return; }
      }
    });
  }

  function clear() {
    if (strokes.length) redoStack = [];
    strokes = [];
    drawing = null;
    picture = null;
    schedule();
  }

  function undo() {
    if (picture) picture = null;
    else if (strokes.length) redoStack.push(strokes.pop());
    drawing = null;
    schedule();
  }

  function redo() {
    if (!redoStack.length || drawing) return;
    picture = null;
    strokes.push(redoStack.pop());
    schedule();
  }

  function setMode(m) {
    announceReading(null, null);   // the pad is cleared: nothing to teach
    mode = m;
    app.dataset.mode = m;
    ['digit', 'number', 'calc'].forEach(function (k) { $('mode-' + k).setAttribute('aria-pressed', String(k === m)); });
    $('mode-help').textContent = {
      digit: 'One digit, large or small. You can also drop or paste an image.',
      number: 'Write several digits side by side, close together if you like.',
      calc: 'Write a number, then + − × ÷ (or x * /), then a number: 12+7, 9-4, 6x3, 8÷2. A final = is fine.',
    }[m];
    document.querySelector('.tagline').textContent = TAGLINES[m];
    // The pad changes shape between modes: start the new mode on an empty pad (an opened
    // image stays: it is read in the new mode).
    strokes = [];
    redoStack = [];
    drawing = null;
    resizePad();
    schedule();
  }

  // An image file (picker, drop or paste) goes through the same Inkling.preprocess.
  function openImage(file) {
    var name = file.name || 'the pasted image';
    var done = function (source, w, h) {
      // Large photos are scaled so the longer side is at most 1024 px: plenty for a 28x28 input.
      var s = Math.min(1, 1024 / Math.max(w, h));
      var canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.round(w * s));
      canvas.height = Math.max(1, Math.round(h * s));
      canvas.getContext('2d').drawImage(source, 0, 0, canvas.width, canvas.height);
      strokes = [];
      picture = canvas;
      pictureData = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      schedule();
    };
    var fail = function () {
      // The old drawing and answer go: the message must not sit beside a stale answer.
      strokes = [];
      picture = null;
      redoStack = [];
      update();
      if (mode !== 'digit') { showNumber([]); showCalc(null); }
      setPrediction('blank', '', 0, '–');
      say('Could not open ' + name + ': it is not an image this browser can read.', true);
    };
    if (window.createImageBitmap) {
      createImageBitmap(file).then(function (bmp) { done(bmp, bmp.width, bmp.height); }, fail);
    } else {
      var url = URL.createObjectURL(file), img = new Image();
      img.onload = function () { URL.revokeObjectURL(url); done(img, img.naturalWidth, img.naturalHeight); };
      img.onerror = function () { URL.revokeObjectURL(url); fail(); };
      img.src = url;
    }
  }

  // ------------------------------------------------------------------ reading

  // At most one paint and one prediction per animation frame, however many events arrive.
  function schedule() {
    if (frameRequested) return;
    frameRequested = true;
    requestAnimationFrame(function () { frameRequested = false; update(); });
  }

  // Each update's duration in ms (the last 1000), for scripts/bench-page.py.
  var updateTimes = window.INKLING_UPDATE_MS = [];
  function update() {
    var t0 = performance.now();
    updateNow();
    if (updateTimes.length >= 1000) updateTimes.shift();
    updateTimes.push(performance.now() - t0);
  }

  function updateNow() {
    if (mode === 'digit') {
      pen = penFor(inkExtent(strokes));
      paint();
      readDigit();
      return;
    }
    paint();
    // Reading a whole sum costs more than a frame when many glyphs change: while the pen
    // is down, read at most every READ_PAUSE_MS; on pen lift, at once.
    var now = performance.now();
    if (drawing && now - lastRead < READ_PAUSE_MS) {
      if (!readTimer) readTimer = setTimeout(function () { readTimer = null; schedule(); }, READ_PAUSE_MS);
      return;
    }
    lastRead = now;
    readGlyphs();
  }

  function readDigit() {
    var image = null;
    if (picture) image = pictureData;
    else if (strokes.length) image = renderForModel(strokes, 0, 0, padAspect, 1);
    var pre = image ? Inkling.preprocess({ data: image.data, width: image.width, height: image.height }) : null;
    if (!pre || pre.blank) {
      showBlank(pre);
      if (strokes.length && inkExtent(strokes) < 2 * MIN_WRITING) say('Write bigger: the ink is too small to read');
      return;
    }
    var out = model.predict(pre.input);
    showDigit(out);
    showDetails(pre.input, out);
    if (picture) offerNumberMode();
    announceReading(pre.input, out);
  }

  // Tells teach.js what can be taught (the digit, or a number's newest digit; null: nothing),
  // only when it changes.
  var lastReading = null;
  function announceReading(input, out) {
    var key = input ? out.digit + ':' + out.confidence : '';
    if (key === lastReading) return;
    lastReading = key;
    app.dispatchEvent(new CustomEvent('inkling-read', { detail: input ? { input: input, digit: out.digit } : null }));
  }

  // A personalized model (or the shipped one again): every reading from now on uses it.
  function useModel(m) {
    model = m;
    glyphReader = null;
    glyphCache = InklingNumbers.makeCache();
    lastReading = null;
    update();
  }

  // An opened image with several digits: say so, and what Number mode reads in it.
  function offerNumberMode() {
    if (!glyphReader) glyphReader = InklingNumbers.modelReader(Inkling, model);
    var r = InklingNumbers.read({ image: pictureData }, { read: glyphReader, mode: 'number', cache: glyphCache, unsureBelow: unsureBelow });
    var digits = (r.glyphs || []).filter(function (g) { return g.kind === 'digit'; });
    if (digits.length < 2) return;
    var said = status.textContent;
    say(said + (/[.?!]$/.test(said) ? ' ' : '. ') + 'This image seems to hold several digits (' + r.text + '): choose Number to read them all.');
  }

  // Number and calculator modes: InklingNumbers segments the strokes with the model.
  function readGlyphs() {
    if (!glyphReader) glyphReader = InklingNumbers.modelReader(Inkling, model);
    var input = picture ? { image: pictureData } : { strokes: strokes };
    var r = InklingNumbers.read(input, { read: glyphReader, mode: mode, cache: glyphCache,
                                         unsureBelow: unsureBelow, minHeight: picture ? 0 : MIN_WRITING });
    if (r.empty) { showBlank(null); return; }
    if (r.tooSmall) {
      showBlank(null);
      say('Write bigger: the writing is too small to read');
      return;
    }
    var newPen = penFor(r.H);
    if (!picture && Math.abs(newPen - pen) > 0.002) { pen = newPen; paint(); }
    showNumber(r.glyphs);
    var focus = focusGlyph(r.glyphs);
    if (focus) showDetails(focus.input, { probabilities: focus.probabilities, digit: focus.digit });
    else showDetails(null, null);
    // The newest digit can be taught (teach.js), as a single digit can.
    announceReading(focus ? focus.input : null, focus ? { digit: focus.digit, confidence: focus.p } : null);
    var state = r.unsure ? 'unsure' : 'sure';
    if (mode === 'number') {
      setPrediction(state, '', r.confidence, r.text);
      say(r.unsure ? 'Not sure: ' + r.text + ' or ' + runnerUp(r) + '?' : 'It reads ' + r.text);
      return;
    }
    if (r.error) {
      setPrediction('unsure', '', 0, r.glyphs.map(function (g) { return g.kind === 'digit' ? String(g.digit) : OP_SHOWN[g.op] || ''; }).join(''));
      showCalc(null);
      say(r.error);
      return;
    }
    var sum = sumOf(r.text);
    setPrediction(state, '', r.confidence, r.left + OP_SHOWN[r.op] + r.right);
    showCalc(r, sum);
    var other = r.unsure ? sumOf(runnerUp(r)) : null;
    say(other && other.said !== sum.said ? 'Not sure: ' + sum.said + ', or ' + other.said + '?' : r.unsure ? 'Not sure: ' + sum.said + '?' : sum.said);
  }

  // The second reading: the runner-up text, or the same text with the weakest digit's second choice.
  function runnerUp(r) {
    if (r.alternatives.length > 1) return r.alternatives[1].text;
    var weakest = -1;
    r.glyphs.forEach(function (g, k) { if (g.kind === 'digit' && (weakest < 0 || g.p < r.glyphs[weakest].p)) weakest = k; });
    if (weakest < 0) return r.text;
    return r.glyphs.map(function (g, k) {
      return g.kind !== 'digit' ? g.op || '' : String(k === weakest ? topTwo({ probabilities: g.probabilities })[1] : g.digit);
    }).join('');
  }

  // A sum's text ("12+7=") -> { shown: "12 + 7", value, error, said: "12 + 7 = 19" }.
  function sumOf(text) {
    var m = /^(\d+)([-+x*\/÷])(\d+)/.exec(text);
    if (!m) return { shown: text, value: '?', error: 'unreadable', said: text };
    var shown = m[1] + ' ' + OP_SHOWN[m[2]] + ' ' + m[3], result = InklingNumbers.evaluate(m[1], m[2], m[3]);
    return { shown: shown, value: result.value, error: result.error,
             said: result.error ? shown + ': ' + result.error.toLowerCase() + ', the result is undefined' : shown + ' = ' + result.value };
  }

  // The glyph holding the newest stroke (shown in the bars and preview), else the last digit.
  function focusGlyph(glyphs) {
    var digits = glyphs.filter(function (g) { return g.kind === 'digit' && g.input; });
    var last = strokes.length ? 's' + strokes[strokes.length - 1].id + ':' : null;
    for (var i = 0; i < digits.length; i++) {
      if (last && digits[i].pieces.some(function (k) { return k.indexOf(last) === 0; })) return digits[i];
    }
    return digits[digits.length - 1] || null;
  }

  function isUnsure(out) {
    return typeof out.unsure === 'boolean' ? out.unsure : out.confidence < unsureBelow;
  }

  function topTwo(out) {
    var order = out.probabilities.map(function (p, d) { return [p, d]; }).sort(function (a, b) { return b[0] - a[0]; });
    return [order[0][1], order[1][1]];
  }

  // ------------------------------------------------------------------ showing

  // The polite live region changes when the pen lifts, not at frame rate; `now` forces it.
  var pendingSay = null;
  function say(text, now) {
    if (drawing && !now) { pendingSay = text; return; }
    pendingSay = null;
    if (status.textContent !== text) status.textContent = text;
  }

  function article(d) { return d === 8 || d === 18 || d === 11 ? 'an' : 'a'; }

  function setPrediction(state, digit, confidence, text) {
    prediction.dataset.state = state;
    prediction.dataset.digit = digit;
    prediction.dataset.confidence = confidence.toFixed(4);
    prediction.textContent = text;
  }

  function showBlank(pre) {
    announceReading(null, null);
    setPrediction('blank', '', 0, '–');
    say(mode === 'digit' ? 'Draw a digit' : mode === 'number' ? 'Write a number' : 'Write a sum, like 12+7');
    showDetails(pre ? pre.input : null, null);
    if (mode !== 'digit') { showNumber([]); showCalc(null); }
  }

  function showDigit(out) {
    var unsure = isUnsure(out), pct = Math.round(out.confidence * 100);
    setPrediction(unsure ? 'unsure' : 'sure', String(out.digit), out.confidence, String(out.digit));
    if (unsure) {
      var two = topTwo(out);
      say('Not sure: ' + two[0] + ' or ' + two[1] + '?');
    } else {
      say('It\u2019s ' + article(out.digit) + ' ' + out.digit + ' (' + pct + '%)');
    }
  }

  function showNumber(glyphs) {
    var digits = glyphs.filter(function (g) { return g.kind === 'digit'; });
    numberBox.dataset.value = digits.map(function (g) { return String(g.digit); }).join('');
    numberDigits.textContent = '';
    glyphs.forEach(function (g) {
      if (g.kind === 'ignored') return;
      var li = document.createElement('li'), b = document.createElement('b'), small = document.createElement('small');
      if (g.kind === 'op') {
        li.dataset.op = g.op;
        b.textContent = OP_SHOWN[g.op];
        small.textContent = OP_NAMES[g.op];
      } else {
        var unsure = g.p < unsureBelow;
        li.dataset.digit = String(g.digit);
        li.dataset.confidence = g.p.toFixed(4);
        li.dataset.unsure = String(unsure);
        b.textContent = String(g.digit);
        small.textContent = unsure ? 'not sure' : Math.round(g.p * 100) + '%';
      }
      li.appendChild(b); li.appendChild(small);
      numberDigits.appendChild(li);
    });
  }

  // The sum and its value (r: a reading of InklingNumbers.read, sum: sumOf its text), or empty.
  function showCalc(r, sum) {
    if (!r) {
      calcBox.dataset.expression = '';
      calcBox.dataset.value = '';
      $('calc-expression').textContent = '–';
      $('calc-value').textContent = '?';
      return;
    }
    calcBox.dataset.expression = r.expression;
    calcBox.dataset.value = sum.value;
    $('calc-expression').textContent = sum.shown;
    $('calc-value').textContent = sum.error ? sum.value + ' (' + sum.error.toLowerCase() + ')' : sum.value;
  }

  // Bars, the 28x28 preview and the feature maps for one input (null: empty).
  function showDetails(input, out) {
    var probs = out ? out.probabilities : null;
    var top = out ? out.digit : -1;
    for (var d = 0; d < 10; d++) {
      var p = probs ? probs[d] : 0, item = barItems[d];
      item.li.dataset.p = p.toFixed(4);
      item.li.classList.toggle('best', d === top);
      item.fill.style.transform = 'scaleX(' + p.toFixed(4) + ')';
      item.pct.textContent = (p * 100).toFixed(p >= 0.995 || p < 0.005 ? 0 : 1) + '%';
      item.li.setAttribute('aria-label', d + ': ' + Math.round(p * 100) + '%');
    }
    drawPreview(input);
    drawInside(input);
  }

  // Light ink on dark in the dark scheme (as MNIST itself looks), dark ink on paper otherwise.
  var darkScheme = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : { matches: false };

  // The model's input as a picture (input 1 = ink).
  function drawPreview(input) {
    var c = preview.getContext('2d'), img = c.createImageData(28, 28), dark = darkScheme.matches;
    for (var i = 0; i < 784; i++) {
      var ink = input ? Math.round(255 * Math.min(1, Math.max(0, input[i]))) : 0;
      var v = dark ? ink : 255 - ink;
      img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = v;
      img.data[4 * i + 3] = 255;
    }
    c.putImageData(img, 0, 0);
  }

  // ------------------------------------------------------------------ look inside

  // "Look inside": one row per layer of the model, between the input (the preview) and the
  // output (the bars): maps for each channel of a 3-D output, the dense layer's contribution
  // per class and input channel. Drawn only while the panel is open, and only the rows on
  // screen (the others catch up when scrolled to). Hover or tap a map: its filter's weights.
  var insideOpen = false, insideInput = null, insideRows = null, insideActs = null;

  function bindInside() {
    var toggle = $('inside-toggle'), root = $('inside');
    toggle.addEventListener('click', function () {
      insideOpen = !insideOpen;
      toggle.setAttribute('aria-expanded', String(insideOpen));
      app.dataset.inside = insideOpen ? 'open' : 'closed';
      if (!insideRows) insideRows = buildInside();
      hideDetail();
      resizePad();
      if (insideOpen) drawInside(insideInput);
    });
    var point = function (e) { if (e.target.dataset.ch) showDetail(e.target, e); };
    root.addEventListener('pointerover', point);
    root.addEventListener('click', point);
    root.addEventListener('pointermove', function (e) { if (e.target.dataset.ch === 'dense') point(e); });
    root.addEventListener('pointerleave', function (e) { if (e.pointerType === 'mouse') hideDetail(); });
    document.addEventListener('keydown', function (e) { if (e.key === 'Escape') hideDetail(); });
  }

  function shapeText(s) { return s.join('×'); }

  function layerTitle(L) {
    if (L.type === 'conv2d') return 'convolution, ' + L.outShape[0] + ' filters ' + L.k + '×' + L.k + ' → ' + shapeText(L.outShape);
    if (L.type === 'relu') return 'ReLU: negatives set to 0';
    if (L.type === 'maxpool2d') return 'max-pooling ' + L.size + '×' + L.size + ' → ' + shapeText(L.outShape);
    if (L.type === 'flatten') return shapeText(L.inShape) + ' → ' + L.outShape[0] + ' numbers in a row';
    return 'dense ' + L.inShape[0] + ' → ' + L.outShape[0] + ': each class score is a sum of weight × input';
  }

  // The groups a dense layer's inputs are summed in: the channels of a flattened [C, H, W]
  // (the layer before the flatten), else one group per input.
  function denseGroups(l) {
    var prev = model.layers[l - 1];
    if (prev && prev.type === 'flatten' && prev.inShape.length === 3) return { n: prev.inShape[0], size: prev.inShape[1] * prev.inShape[2], h: prev.inShape[1], w: prev.inShape[2] };
    var F = model.layers[l].inShape[0];
    return { n: F, size: 1, h: 1, w: 1 };
  }

  function buildInside() {
    var root = $('inside'), rows = [];
    var summary = model.layers.map(function (L) { return L.name + ' (' + L.type + ', ' + shapeText(L.outShape) + ')'; });
    root.setAttribute('aria-label', 'The network\u2019s ' + model.layers.length + ' layers for the current input: ' + summary.join(', ') +
      '. The maps are pictures; the answer and the output probabilities are given as text.');
    model.layers.forEach(function (L, l) {
      var row = document.createElement('div'), h = document.createElement('h3'), maps = document.createElement('div');
      row.className = 'layer';
      row.dataset.layer = L.name;
      row.dataset.type = L.type;
      h.textContent = L.name + ': ' + layerTitle(L);
      maps.className = 'maps';
      var canvases = [], s = L.outShape;
      if (s.length === 3) {
        // Rows of at most 8 large or 16 small maps, shrunk to fit a narrow column.
        var n = Math.min(s[0], s[1] >= 28 ? 8 : 16);
        var width = 'min(' + Math.max(22, Math.min(52, 2 * s[1])) + 'px, calc((100% - ' + 3 * (n - 1) + 'px) / ' + n + '))';
        for (var ch = 0; ch < s[0]; ch++) {
          var c = document.createElement('canvas');
          c.width = s[2]; c.height = s[1];
          c.style.width = width;
          c.dataset.layer = String(l); c.dataset.ch = String(ch);
          maps.appendChild(c);
          canvases.push(c);
        }
      } else if (L.type === 'dense') {
        var g = denseGroups(l), c2 = document.createElement('canvas');
        c2.width = g.n; c2.height = s[0];
        c2.className = 'contrib';
        c2.dataset.layer = String(l); c2.dataset.ch = 'dense';
        maps.appendChild(c2);
        canvases.push(c2);
        var note = document.createElement('p');
        note.className = 'help';
        note.textContent = 'Rows: the ' + s[0] + ' classes; columns: ' + (g.size > 1 ? 'the ' + g.n + ' channels of ' + model.layers[l - 1].name + ', each summed over its ' + g.h + '×' + g.w + ' values' : 'its ' + g.n + ' inputs') + '.';
        maps.appendChild(note);
      }
      row.appendChild(h); row.appendChild(maps);
      root.appendChild(row);
      rows.push({ el: row, canvases: canvases, visible: true, stale: true });
    });
    if (window.IntersectionObserver) {
      var seen = new IntersectionObserver(function (entries) {
        entries.forEach(function (en) {
          var l = Number(en.target.dataset.index), r = rows[l];
          r.visible = en.isIntersecting;
          if (r.visible && r.stale && insideOpen) drawRow(r, l);
        });
      }, { rootMargin: '100px' });
      rows.forEach(function (r, l) { r.el.dataset.index = String(l); seen.observe(r.el); });
    }
    return rows;
  }

  // Orange for positive values, blue for negative ones, on paper (or glowing on black).
  function tint(x, data, k) {
    var pos = Math.max(0, x), neg = Math.max(0, -x);
    if (darkScheme.matches) {
      data[k] = Math.round(255 * Math.min(1, pos + 0.1 * neg));
      data[k + 1] = Math.round(255 * Math.min(1, 0.45 * pos + 0.45 * neg));
      data[k + 2] = Math.round(255 * Math.min(1, 0.05 * pos + 0.8 * neg));
    } else {
      data[k] = Math.round(255 * (1 - 0.15 * pos - 0.9 * neg));
      data[k + 1] = Math.round(255 * (1 - 0.55 * pos - 0.55 * neg));
      data[k + 2] = Math.round(255 * (1 - 0.95 * pos - 0.2 * neg));
    }
    data[k + 3] = 255;
  }

  function peakOf(v, from, to) {
    var peak = 1e-6;
    for (var i = from; i < to; i++) peak = Math.max(peak, Math.abs(v[i]));
    return peak;
  }

  // While the pen moves the maps follow at most every READ_PAUSE_MS (a frame stays short);
  // on pen lift, at once.
  var insideTimer = null, insideAt = 0;
  function drawInside(input) {
    insideInput = input;
    if (!insideOpen || !insideRows) return;
    var now = performance.now();
    if (drawing && now - insideAt < READ_PAUSE_MS) {
      if (!insideTimer) insideTimer = setTimeout(function () { insideTimer = null; drawInside(insideInput); }, READ_PAUSE_MS);
      return;
    }
    insideAt = now;
    insideActs = input ? model.activations(input) : null;
    insideRows.forEach(function (r, l) { r.stale = true; r.el.dataset.stale = 'true'; if (r.visible) drawRow(r, l); });
  }

  function drawRow(r, l) {
    r.stale = false;
    r.el.dataset.stale = 'false';
    var L = model.layers[l], a = insideActs ? insideActs[l].values : null;
    if (L.type === 'dense') { drawContributions(r.canvases[0], l, a); return; }
    if (!r.canvases.length) return;
    var C = L.outShape[0], H = L.outShape[1], W = L.outShape[2], HW = H * W;
    var peak = a ? peakOf(a, 0, a.length) : 1;  // one scale per layer: channels compare
    for (var ch = 0; ch < C; ch++) {
      var c = r.canvases[ch].getContext('2d'), img = c.createImageData(W, H);
      for (var k = 0; k < HW; k++) tint(a ? a[ch * HW + k] / peak : 0, img.data, 4 * k);
      c.putImageData(img, 0, 0);
    }
  }

  // contribution[class][group] = sum over the group's inputs of weight × input.
  function contributions(l, input) {
    var L = model.layers[l], g = denseGroups(l), F = L.inShape[0], out = [];
    for (var o = 0; o < L.outShape[0]; o++) {
      var row = new Float64Array(g.n);
      for (var i = 0; i < F; i++) row[Math.floor(i / g.size)] += L.weight[o * F + i] * input[i];
      out.push(row);
    }
    return out;
  }

  function drawContributions(canvas, l, a) {
    var c = canvas.getContext('2d'), img = c.createImageData(canvas.width, canvas.height);
    var rows = a ? contributions(l, insideActs[l - 1].values) : null, peak = 1e-6;
    if (rows) rows.forEach(function (row) { peak = Math.max(peak, peakOf(row, 0, row.length)); });
    for (var o = 0; o < canvas.height; o++) {
      for (var j = 0; j < canvas.width; j++) tint(rows ? rows[o][j] / peak : 0, img.data, 4 * (o * canvas.width + j));
    }
    c.putImageData(img, 0, 0);
  }

  // The weights behind a map: a convolution channel's filter (all its input channels),
  // the same channel's filter for the relu and pooling after it, or for the dense layer
  // the weights from the pointed-at channel to the pointed-at class.
  function showDetail(target, e) {
    var l = Number(target.dataset.layer), box = $('inside-detail'), title, grids = [];
    if (target.dataset.ch === 'dense') {
      var L = model.layers[l], g = denseGroups(l), rect = target.getBoundingClientRect();
      var col = Math.min(g.n - 1, Math.max(0, Math.floor((e.clientX - rect.left) / rect.width * g.n)));
      var cls = Math.min(L.outShape[0] - 1, Math.max(0, Math.floor((e.clientY - rect.top) / rect.height * L.outShape[0])));
      var F = L.inShape[0], w = L.weight.subarray(cls * F + col * g.size, cls * F + (col + 1) * g.size);
      var sum = insideActs ? contributions(l, insideActs[l - 1].values)[cls][col] : 0;
      title = L.name + ': weights from channel ' + col + ' to class ' + cls + ' (contribution ' + fmt(sum) + ')';
      grids.push({ label: 'channel ' + col + ' → ' + cls, values: w, h: g.h, w: g.w });
      box.dataset.layer = L.name; box.dataset.filter = String(col); box.dataset.cls = String(cls);
    } else {
      var ch = Number(target.dataset.ch), k = l;
      while (k >= 0 && model.layers[k].type !== 'conv2d') k--;
      if (k < 0) { hideDetail(); return; }
      var C = model.layers[k], K = C.k * C.k, Cin = C.inShape[0];
      title = C.name + ' filter ' + ch + ': ' + Cin + ' input channel' + (Cin > 1 ? 's' : '') + ' × ' + C.k + '×' + C.k + ' weights, bias ' + fmt(C.bias[ch]);
      for (var i = 0; i < Cin; i++) grids.push({ label: 'in ' + i, values: C.weight.subarray((ch * Cin + i) * K, (ch * Cin + i + 1) * K), h: C.k, w: C.k });
      box.dataset.layer = C.name; box.dataset.filter = String(ch); box.dataset.cls = '';
    }
    box.textContent = '';
    var p = document.createElement('p');
    p.textContent = title;
    box.appendChild(p);
    var peak = 1e-6;
    grids.forEach(function (gr) { peak = Math.max(peak, peakOf(gr.values, 0, gr.values.length)); });
    var all = document.createElement('div');
    all.className = 'kernels';
    grids.forEach(function (gr, n) {
      var fig = document.createElement('div'), grid = document.createElement('div');
      fig.className = 'kernel';
      fig.dataset.input = String(n);
      grid.className = 'cells';
      grid.style.gridTemplateColumns = 'repeat(' + gr.w + ', auto)';
      for (var j = 0; j < gr.values.length; j++) {
        var cell = document.createElement('span'), v = gr.values[j], x = v / peak;
        cell.textContent = fmt(v);
        cell.dataset.w = String(v);
        cell.style.backgroundColor = x >= 0 ? 'rgba(217,72,15,' + (0.85 * x).toFixed(3) + ')' : 'rgba(28,111,196,' + (-0.85 * x).toFixed(3) + ')';
        grid.appendChild(cell);
      }
      var label = document.createElement('small');
      label.textContent = gr.label;
      fig.appendChild(grid); fig.appendChild(label);
      all.appendChild(fig);
    });
    box.appendChild(all);
    box.hidden = false;
    // Below the maps' row, or above it if the screen ends first: over other rows, never
    // over the row pointed at, so nothing under the pointer moves.
    var net = box.parentNode.getBoundingClientRect(), row = target.parentNode.getBoundingClientRect();
    var below = row.bottom + box.offsetHeight + 4 <= window.innerHeight;
    box.style.top = Math.round(below ? row.bottom - net.top + 4 : row.top - net.top - box.offsetHeight - 4) + 'px';
  }

  function hideDetail() { $('inside-detail').hidden = true; }

  // Two decimals, a true minus sign: "−0.12".
  function fmt(v) { var t = Math.abs(v).toFixed(2); return (v < 0 && t !== '0.00' ? '\u2212' : '') + t; }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
