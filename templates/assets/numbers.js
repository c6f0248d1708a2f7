/* numbers.js: reading several handwritten glyphs from pen strokes, and the calculator.
 *
 * Zero dependencies, classic script (UMD): in the page it is window.InklingNumbers, under
 * node require('./numbers.js'). It never looks at pixels: the digit model reads each group
 * through Inkling.preprocess/predict in the page; this file decides which strokes form one
 * glyph, which glyphs are operators, and what the expression is worth.
 *
 * Shapes and units
 *   stroke = { points: [[x, y], ...] }   pad units: the pad is 1 unit tall, y grows down
 *   width  = the pen width in pad units (the page uses 0.08)
 *   group  = { strokes: [index, ...], box: { x0, y0, x1, y1 } }   strokes of one glyph
 *
 * Segmentation (groupStrokes)
 *   1. Connected components: two strokes belong together when their ink touches, i.e. the
 *      distance between their centre lines is at most one pen width.
 *   2. Pieces of one digit that do not touch (the bar of a 5, the two strokes of a 4) are
 *      merged when their x-extents overlap by at least half of the narrower one: digits are
 *      written side by side, so ink stacked in one column is one digit.
 *   3. Groups are ordered left to right by the left edge of their box.
 *
 * Operator rules (classifyOperator): the model only knows digits, so operators are read
 * from stroke geometry. A stroke is "straight" when its end-to-end distance is at least
 * 0.85 of its path length; its angle is measured from the horizontal, 0..180 degrees,
 * counter-clockwise as seen on screen.
 *   '-'  one straight stroke within 20 degrees of horizontal, at least 1.5 pen widths long
 *   '/'  one straight stroke at 25..70 degrees (rising to the right)
 *   '+'  two straight strokes that cross near their middles (each crossing point within the
 *        middle 70% of both strokes), one within 25 degrees of horizontal, the other within
 *        25 degrees of vertical
 *   'x'  two straight strokes that cross near their middles, one at 20..70 degrees and the
 *        other at 110..160 degrees
 * Anything else is a digit. In calculator mode an operator can only stand between two
 * numbers: the first and last glyphs are always digits (so a slanted '1' at the start is
 * never taken for '/'), and of several operator-looking glyphs inside, the most specific
 * wins ('+' and 'x' before '-' before '/'), then the leftmost.
 */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.InklingNumbers = factory();
}(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  var OPERATORS = ['+', '-', 'x', '/'];
  var PRIORITY = { '+': 0, 'x': 0, '-': 1, '/': 2 };

  function bounds(points) {
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (var i = 0; i < points.length; i++) {
      var p = points[i];
      if (p[0] < x0) x0 = p[0];
      if (p[0] > x1) x1 = p[0];
      if (p[1] < y0) y0 = p[1];
      if (p[1] > y1) y1 = p[1];
    }
    return { x0: x0, y0: y0, x1: x1, y1: y1 };
  }

  function union(a, b) {
    return { x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) };
  }

  // Squared distance from point p to segment ab.
  function pointSegment2(p, a, b) {
    var dx = b[0] - a[0], dy = b[1] - a[1];
    var len2 = dx * dx + dy * dy;
    var t = len2 > 0 ? ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    var ex = a[0] + t * dx - p[0], ey = a[1] + t * dy - p[1];
    return ex * ex + ey * ey;
  }

  // Where segments ab and cd cross: { t, u } along each (0..1), or null when they do not.
  function crossing(a, b, c, d) {
    var rx = b[0] - a[0], ry = b[1] - a[1], sx = d[0] - c[0], sy = d[1] - c[1];
    var den = rx * sy - ry * sx;
    if (Math.abs(den) < 1e-12) return null;
    var qx = c[0] - a[0], qy = c[1] - a[1];
    var t = (qx * sy - qy * sx) / den, u = (qx * ry - qy * rx) / den;
    return t >= 0 && t <= 1 && u >= 0 && u <= 1 ? { t: t, u: u } : null;
  }

  // Distance between the centre lines of two strokes (0 when they cross). A single-point
  // stroke (a dot) counts as a segment of length zero.
  function strokeDistance(a, b) {
    var pa = a.points, pb = b.points, best = Infinity;
    var na = Math.max(pa.length - 1, 1), nb = Math.max(pb.length - 1, 1);
    for (var i = 0; i < na; i++) {
      var a0 = pa[i], a1 = pa[Math.min(i + 1, pa.length - 1)];
      for (var j = 0; j < nb; j++) {
        var b0 = pb[j], b1 = pb[Math.min(j + 1, pb.length - 1)];
        if (crossing(a0, a1, b0, b1)) return 0;
        var d = Math.min(pointSegment2(a0, b0, b1), pointSegment2(a1, b0, b1),
                         pointSegment2(b0, a0, a1), pointSegment2(b1, a0, a1));
        if (d < best) best = d;
      }
    }
    return Math.sqrt(best);
  }

  function xOverlapMerges(a, b, width) {
    var overlap = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
    var narrower = Math.max(Math.min(a.x1 - a.x0, b.x1 - b.x0), width);
    return overlap >= 0.5 * narrower;
  }

  /** Groups strokes into glyphs, ordered left to right (see the header for the rules). */
  function groupStrokes(strokes, width) {
    var n = strokes.length, parent = [], boxes = [];
    for (var i = 0; i < n; i++) { parent.push(i); boxes.push(bounds(strokes[i].points)); }
    function find(i) { while (parent[i] !== i) { parent[i] = parent[parent[i]]; i = parent[i]; } return i; }
    function join(i, j) { i = find(i); j = find(j); if (i !== j) parent[j] = i; }

    // 1. Touching ink. Boxes farther apart than one pen width cannot touch: skip them.
    for (i = 0; i < n; i++) {
      for (var j = i + 1; j < n; j++) {
        var a = boxes[i], b = boxes[j];
        if (a.x0 - width > b.x1 || b.x0 - width > a.x1 || a.y0 - width > b.y1 || b.y0 - width > a.y1) continue;
        if (strokeDistance(strokes[i], strokes[j]) <= width) join(i, j);
      }
    }
    // 2. Pieces in one column, repeated until no group grows (a merge widens a box).
    var groups;
    for (;;) {
      groups = collect();
      var merged = false;
      for (i = 0; i < groups.length && !merged; i++) {
        for (j = i + 1; j < groups.length && !merged; j++) {
          if (xOverlapMerges(groups[i].box, groups[j].box, width)) {
            join(groups[i].strokes[0], groups[j].strokes[0]);
            merged = true;
          }
        }
      }
      if (!merged) break;
    }
    // 3. Left to right.
    groups.sort(function (g, h) { return g.box.x0 - h.box.x0 || g.box.y0 - h.box.y0; });
    return groups;

    function collect() {
      var byRoot = {}, list = [];
      for (var k = 0; k < n; k++) {
        var r = find(k);
        if (!byRoot[r]) { byRoot[r] = { strokes: [], box: boxes[k] }; list.push(byRoot[r]); }
        else byRoot[r].box = union(byRoot[r].box, boxes[k]);
        byRoot[r].strokes.push(k);
      }
      return list;
    }
  }

  function pathLength(points) {
    var s = 0;
    for (var i = 1; i < points.length; i++) s += Math.hypot(points[i][0] - points[i - 1][0], points[i][1] - points[i - 1][1]);
    return s;
  }

  /** Shape of one stroke: its chord, straightness (chord / path) and angle in degrees 0..180. */
  function strokeShape(stroke) {
    var p = stroke.points, a = p[0], b = p[p.length - 1];
    var chord = Math.hypot(b[0] - a[0], b[1] - a[1]);
    var length = pathLength(p);
    var angle = Math.atan2(-(b[1] - a[1]), b[0] - a[0]) * 180 / Math.PI;  // screen y grows down
    if (angle < 0) angle += 180;
    if (angle >= 180) angle -= 180;
    return { a: a, b: b, chord: chord, straightness: length > 0 ? chord / length : 0, angle: angle };
  }

  function near(angle, target, tolerance) {
    var d = Math.abs(angle - target) % 180;
    return Math.min(d, 180 - d) <= tolerance;
  }

  /** '+', '-', 'x', '/' when the strokes of one glyph draw that operator, else null. */
  function classifyOperator(strokes, width) {
    var s = strokes.map(strokeShape);
    if (s.length === 1) {
      var one = s[0];
      if (one.straightness < 0.85) return null;
      if (near(one.angle, 0, 20) && one.chord >= 1.5 * width) return '-';
      if (one.angle >= 25 && one.angle <= 70 && one.chord >= 1.5 * width) return '/';
      return null;
    }
    if (s.length === 2) {
      var p = s[0], q = s[1];
      if (p.straightness < 0.85 || q.straightness < 0.85) return null;
      var cross = crossing(p.a, p.b, q.a, q.b);
      if (!cross || cross.t < 0.15 || cross.t > 0.85 || cross.u < 0.15 || cross.u > 0.85) return null;
      var hv = (near(p.angle, 0, 25) && near(q.angle, 90, 25)) || (near(q.angle, 0, 25) && near(p.angle, 90, 25));
      if (hv) return '+';
      var inRising = function (x) { return x.angle >= 20 && x.angle <= 70; };
      var inFalling = function (x) { return x.angle >= 110 && x.angle <= 160; };
      if ((inRising(p) && inFalling(q)) || (inRising(q) && inFalling(p))) return 'x';
    }
    return null;
  }

  /** The number that digit readings spell, left to right: [{digit: 4}, {digit: 2}] -> "42". */
  function numberString(readings) {
    return readings.map(function (r) { return String(r.digit); }).join('');
  }

  /**
   * Splits glyphs into left number, operator, right number. `glyphs` are in reading order,
   * each { op: '+'|'-'|'x'|'/'|null, digit: 0..9 }. Returns { left, op, right, expression,
   * operatorIndex } or { error } when there is no operator between two numbers.
   */
  function parseExpression(glyphs) {
    if (glyphs.length < 3) return { error: 'Write a number, an operator (+ - x /) and a number' };
    var best = -1;
    for (var i = 1; i < glyphs.length - 1; i++) {
      var op = glyphs[i].op;
      if (op && (best < 0 || PRIORITY[op] < PRIORITY[glyphs[best].op])) best = i;
    }
    if (best < 0) return { error: 'No operator found between two numbers: write + - x or /' };
    for (i = 0; i < glyphs.length; i++) {
      var d = glyphs[i].digit;
      if (i !== best && !(typeof d === 'number' && d >= 0 && d <= 9)) return { error: 'Could not read every digit' };
    }
    var left = numberString(glyphs.slice(0, best)), right = numberString(glyphs.slice(best + 1));
    var opChar = glyphs[best].op;
    return { left: left, op: opChar, right: right, expression: left + opChar + right, operatorIndex: best };
  }

  /**
   * Exact integer arithmetic on digit strings (BigInt, so long numbers stay exact).
   * Division gives up to `decimals` (default 6) decimals, rounded half away from zero, with
   * trailing zeros removed. Returns { value, error }: value is a string, or "undefined"
   * with an error text for division by zero.
   */
  function evaluate(left, op, right, decimals) {
    if (!/^\d+$/.test(left) || !/^\d+$/.test(right)) return { value: 'undefined', error: 'Not a number' };
    if (OPERATORS.indexOf(op) < 0) return { value: 'undefined', error: 'Unknown operator ' + op };
    var a = BigInt(left), b = BigInt(right);
    if (op === '+') return { value: String(a + b), error: null };
    if (op === '-') return { value: String(a - b), error: null };
    if (op === 'x') return { value: String(a * b), error: null };
    if (b === 0n) return { value: 'undefined', error: 'Cannot divide by zero' };
    var places = decimals === undefined ? 6 : decimals;
    var scale = 10n ** BigInt(places);
    var scaled = (a * scale * 2n + b) / (2n * b);  // a*scale/b rounded half up (a, b >= 0)
    var whole = scaled / scale, frac = String(scaled % scale).padStart(places, '0').replace(/0+$/, '');
    return { value: frac ? whole + '.' + frac : String(whole), error: null };
  }

  return {
    bounds: bounds,
    strokeDistance: strokeDistance,
    groupStrokes: groupStrokes,
    strokeShape: strokeShape,
    classifyOperator: classifyOperator,
    numberString: numberString,
    parseExpression: parseExpression,
    evaluate: evaluate,
  };
}));
