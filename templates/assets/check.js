/* check.js: the golden check in the page (check.html). Loads the model from the exact text
 * of weights/model.json (the #model data block holds it as a JSON string), so its SHA-256
 * can be compared with the golden file's model_sha256; reads the Swift reference values from
 * golden.js (a classic script: file:// pages cannot fetch); runs Inkling.checkGolden with the
 * tolerances defined in inkling.js; and shows the verdict on
 * #golden-result[data-status] = pass | fail with the worst difference found. Then replays the
 * golden training cases with learn.js (InklingLearn.checkTraining) and shows that verdict on
 * #training-result[data-status], with the worst difference of every tensor. */
(function () {
  'use strict';
  var result = document.getElementById('golden-result');
  var detail = document.getElementById('golden-detail');
  var list = document.getElementById('golden-failures');

  function finish(status, text) {
    result.dataset.status = status;
    result.textContent = text;
  }

  function item(text) {
    var li = document.createElement('li');
    li.textContent = text;
    list.appendChild(li);
  }

  try {
    if (!window.INKLING_GOLDEN) throw new Error('golden.js: expected window.INKLING_GOLDEN, found nothing (is golden.js next to this page?)');
    var text = JSON.parse(document.getElementById('model').textContent);
    if (typeof text !== 'string') throw new Error('check.html: expected the model file text in #model, found ' + typeof text);
    var t0 = performance.now();
    var model = Inkling.loadModel(text, 'model.json');
    var report = Inkling.checkGolden(model, window.INKLING_GOLDEN, { goldenFile: 'golden.js' });
    var ms = performance.now() - t0;
    var w = report.worst;
    var worst = w ? 'worst difference ' + w.diff.toExponential(2) + ' in ' + w.field + ' of case ' + w.case +
                    ' (tolerance ' + w.tolerance.toExponential(0) + ')' : 'no values compared';
    window.INKLING_GOLDEN_REPORT = report;
    detail.textContent = report.count + ' cases in ' + Math.round(ms) + ' ms; model SHA-256 ' + report.modelSha256 +
      '; max differences: input ' + report.maxDiff.input.toExponential(2) + ', logits ' + report.maxDiff.logits.toExponential(2) +
      ', probabilities ' + report.maxDiff.probabilities.toExponential(2) + '.';
    report.problems.forEach(item);
    report.failures.slice(0, 50).forEach(function (f) { item(f.case + ' ' + f.field + ': ' + f.detail); });
    if (report.problems.length) finish('fail', 'Fail: ' + report.problems.join('; '));
    else if (report.pass) finish('pass', 'Pass: all ' + report.count + ' golden cases agree with Swift; ' + worst + '.');
    else finish('fail', 'Fail: ' + report.failures.length + ' mismatches in ' + report.count + ' cases; ' + worst + '.');
  } catch (e) {
    finish('fail', 'Fail: ' + e.message);
  }

  // Training: learn.js against Swift's golden training values.
  var training = document.getElementById('training-result');
  function show(id, text) {
    var li = document.createElement('li');
    li.textContent = text;
    document.getElementById(id).appendChild(li);
  }
  try {
    if (!window.InklingLearn) throw new Error('check.html: learn.js did not load');
    var modelText = JSON.parse(document.getElementById('model').textContent);
    var t1 = performance.now();
    var r = InklingLearn.checkTraining(window.INKLING_GOLDEN, Inkling.loadModel(modelText, 'model.json'));
    var seconds = (performance.now() - t1) / 1000;
    window.INKLING_TRAINING_REPORT = r;
    r.tensors.forEach(function (t) {
      show('training-tensors', (t.ok ? 'ok ' : 'FAIL ') + t.case + ' ' + t.tensor + ': worst ' + t.worst.toExponential(2) +
           ' (tolerance ' + t.tolerance.toExponential(2) + ')');
    });
    r.problems.forEach(function (p) { show('training-failures', p); });
    r.failures.slice(0, 50).forEach(function (f) { show('training-failures', f.case + ' ' + f.tensor + ': ' + f.detail); });
    var w = r.worst, worstText = w ? 'worst ' + w.tensor + ' of case ' + w.case + ' differs by ' + w.worst.toExponential(2) +
      ' (' + (100 * w.worst / w.tolerance).toFixed(1) + '% of its tolerance)' : 'no tensors compared';
    training.dataset.status = r.pass ? 'pass' : 'fail';
    training.textContent = (r.pass ? 'Pass: ' : 'Fail: ' + (r.problems.concat(r.failures.map(function (f) { return f.case + ' ' + f.tensor; })).slice(0, 3).join('; ')) + '; ') +
      r.tensors.length + ' tensors of ' + r.count + ' training cases in ' + seconds.toFixed(1) + ' s; ' + worstText + '.';
  } catch (e) {
    training.dataset.status = 'fail';
    training.textContent = 'Fail: ' + e.message;
  }
})();
