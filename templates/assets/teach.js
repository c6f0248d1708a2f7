/* teach.js: teaching the page your handwriting (docs/teach-format.md).
 *
 * After a reading, "Wrong? It's a:" offers the ten digits (for the newest digit of a number
 * or sum in the other modes). A tap keeps the
 * example (the 28x28 input, rounded to bytes as teach files store it) in localStorage,
 * personalizes the shipped model at once (Inkling.personalize: the shipped weights are never
 * changed) and reads the drawing again. "Taught" lists the examples, with remove, reset,
 * export and import of a teach file. Where the browser keeps no storage (some browsers'
 * file:// pages, private windows, a full quota) the examples last for the visit, and the page
 * says so. Needs app.js first (window.InklingApp).
 */
(function () {
  'use strict';
  var KEY = 'inkling.teach.v1';
  var $ = function (id) { return document.getElementById(id); };
  var page = null;     // window.InklingApp
  var examples = [];   // [{ label, input: Float32Array(784) }], as readTeachFile gives them
  var current = null;  // { input, digit }: the reading that can be corrected

  function message(text) { $('teach-message').textContent = text; }

  // Through a teach file's text, so stored, exported and imported examples are the same bytes.
  function normalise(list) { return Inkling.readTeachFile(Inkling.writeTeachFile(list, null), 'examples').examples; }

  function load() {
    var text = null;
    try { text = window.localStorage.getItem(KEY); } catch (e) {
      message('This browser keeps no taught examples for this page (' + e.name + '): they last until you close it.');
      return;
    }
    if (!text) return;
    try { examples = Inkling.readTeachFile(text, 'stored examples').examples; } catch (e) {
      message('The stored examples could not be read and were left out: ' + e.message);
    }
  }

  function save() {
    try {
      if (examples.length) window.localStorage.setItem(KEY, Inkling.writeTeachFile(examples, page.shippedModel().sha256));
      else window.localStorage.removeItem(KEY);
      return true;
    } catch (e) {
      message('This browser did not keep the taught examples (' + e.name + '): they last until you close the page.');
      return false;
    }
  }

  // Personalizes the shipped model with every example (or goes back to it) and re-reads.
  function apply() {
    var t0 = performance.now();
    var m = examples.length ? Inkling.personalize(page.shippedModel(), examples) : page.shippedModel();
    (window.INKLING_TEACH_MS = window.INKLING_TEACH_MS || []).push(Math.round((performance.now() - t0) * 10) / 10);
    page.useModel(m);
    list();
  }

  function teach(label) {
    if (!current) return;
    examples = normalise(examples.concat([{ label: label, input: current.input }]).slice(-Inkling.TEACH.maxExamples));
    var kept = save();
    apply();
    page.say('Taught: that drawing is ' + (label === 8 ? 'an ' : 'a ') + label + '.' + (kept ? '' : ' (kept until you close the page)'), true);
  }

  function thumbnail(input) {
    var c = document.createElement('canvas');
    c.width = c.height = 28;
    var g = c.getContext('2d'), img = g.createImageData(28, 28);
    for (var i = 0; i < 784; i++) {
      var v = 255 - Math.round(input[i] * 255);
      img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = v;
      img.data[4 * i + 3] = 255;
    }
    g.putImageData(img, 0, 0);
    c.setAttribute('aria-hidden', 'true');
    return c;
  }

  function list() {
    var ol = $('taught-list');
    ol.textContent = '';
    examples.forEach(function (e, k) {
      var li = document.createElement('li'), remove = document.createElement('button');
      li.appendChild(thumbnail(e.input));
      li.appendChild(document.createTextNode(String(e.label)));
      remove.type = 'button';
      remove.textContent = '×';
      remove.setAttribute('aria-label', 'Remove taught example ' + (k + 1) + ', a ' + e.label);
      remove.addEventListener('click', function () { examples.splice(k, 1); save(); apply(); });
      li.appendChild(remove);
      ol.appendChild(li);
    });
    $('taught-count').textContent = String(examples.length);
    $('taught').dataset.count = String(examples.length);
  }

  function download() {
    var url = URL.createObjectURL(new Blob([Inkling.writeTeachFile(examples, page.shippedModel().sha256)], { type: 'application/json' }));
    var a = document.createElement('a');
    a.href = url;
    a.download = 'inkling-taught.json';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  function importFile(file) {
    var reader = new FileReader();
    reader.onload = function () {
      try {
        var t = Inkling.readTeachFile(new Uint8Array(reader.result), file.name);
        examples = normalise(examples.concat(t.examples).slice(-Inkling.TEACH.maxExamples));
        save();
        apply();
        var other = t.modelSha256 && t.modelSha256 !== page.shippedModel().sha256;
        message('Imported ' + t.examples.length + ' examples from ' + file.name + '.' + (other ? ' They were taught to another model; they apply to this one too.' : ''));
      } catch (e) {
        message('Not imported: ' + e.message);
      }
    };
    reader.onerror = function () { message('Not imported: ' + file.name + ': the file could not be read'); };
    reader.readAsArrayBuffer(file);
  }

  function bind() {
    var row = $('teach-digits');
    for (var d = 0; d <= 9; d++) {
      var b = document.createElement('button');
      b.type = 'button';
      b.textContent = String(d);
      b.dataset.digit = String(d);
      b.setAttribute('aria-label', 'Teach: it is ' + (d === 8 ? 'an ' : 'a ') + d);
      row.appendChild(b);
    }
    row.addEventListener('click', function (e) { if (e.target.dataset.digit) teach(Number(e.target.dataset.digit)); });
    $('app').addEventListener('inkling-read', function (e) {
      current = e.detail;
      $('teach').hidden = !current;
      $('teach-label').textContent = $('app').dataset.mode === 'digit' ? 'Wrong? It\u2019s a:' : 'Newest digit wrong? It\u2019s a:';
    });
    $('teach-export').addEventListener('click', download);
    $('teach-import').addEventListener('change', function (e) { if (e.target.files[0]) importFile(e.target.files[0]); e.target.value = ''; });
    $('teach-reset').addEventListener('click', function () {
      var n = examples.length;
      examples = [];
      save();
      apply();
      message('Back to the shipped model: ' + n + ' taught examples removed.');
    });
  }

  function start() {
    page = window.InklingApp;
    if (!page) return;   // the model did not load: nothing to teach
    bind();
    load();
    if (examples.length) apply(); else list();
  }

  // After app.js has started (its DOMContentLoaded listener was added first).
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
