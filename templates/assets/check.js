/* check.js: the golden check in the page (check.html). Reads the weights from the inline
 * model JSON and the Swift reference values from golden.js (a classic script: file://
 * pages cannot fetch), runs Inkling.checkGolden, and shows the verdict on
 * #golden-result[data-status] = pass | fail with the worst difference found. */
(function () {
  'use strict';
  var result = document.getElementById('golden-result');
  var detail = document.getElementById('golden-detail');
  var list = document.getElementById('golden-failures');

  function finish(status, text) {
    result.dataset.status = status;
    result.textContent = text;
  }

  try {
    if (!window.INKLING_GOLDEN) throw new Error('golden.js: expected window.INKLING_GOLDEN, found nothing (is golden.js next to this page?)');
    var model = JSON.parse(document.getElementById('model').textContent);
    var t0 = performance.now();
    var report = Inkling.checkGolden(model, window.INKLING_GOLDEN);
    var ms = performance.now() - t0;
    var w = report.worst;
    var worst = w ? 'worst difference ' + w.diff.toExponential(2) + ' in ' + w.field + ' of case ' + w.case +
                    ' (tolerance ' + w.tolerance.toExponential(0) + ')' : 'no values compared';
    window.INKLING_GOLDEN_REPORT = report;
    detail.textContent = report.count + ' cases in ' + Math.round(ms) + ' ms; max differences: input ' +
      report.maxDiff.input.toExponential(2) + ', logits ' + report.maxDiff.logits.toExponential(2) +
      ', probabilities ' + report.maxDiff.probabilities.toExponential(2) + '.';
    report.failures.slice(0, 50).forEach(function (f) {
      var li = document.createElement('li');
      li.textContent = f.case + ' ' + f.field + ': ' + f.detail;
      list.appendChild(li);
    });
    if (report.count === 0) finish('fail', 'Fail: golden.js has no cases to check.');
    else if (report.pass) finish('pass', 'Pass: all ' + report.count + ' golden cases agree with Swift; ' + worst + '.');
    else finish('fail', 'Fail: ' + report.failures.length + ' mismatches in ' + report.count + ' cases; ' + worst + '.');
  } catch (e) {
    finish('fail', 'Fail: ' + e.message);
  }
})();
