/* numbers.js: reading numbers and sums from pen strokes or images, and the calculator.
 *
 * Zero dependencies, classic script (UMD): in the page it is window.InklingNumbers, under
 * node require('./numbers.js'). The digit model is passed in (Inkling.preprocess and
 * model.predict, the public API of inkling.js), so page and node run the same code.
 *
 * Shapes and units
 *   stroke = { points: [[x, y], ...], id? }  source units (the page: pad units, 1 = pad height)
 *   image  = { data: RGBA bytes, width, height }   source units = pixels
 *   piece  = the atom of segmentation: one stroke, or one connected blob of image ink (or a
 *            slice of one, cut at a candidate column). A glyph is a run of pieces.
 *   H      = writing height: the typical height of the tall glyphs, in source units.
 *
 * How a reading is made (read)
 *   1. Pieces. Strokes are pieces as drawn (people lift the pen between digits). Image ink is
 *      split into 8-connected blobs; a blob wider than a digit is sliced at candidate cuts:
 *      column-projection minima (where touching digits meet, the ink is thinnest) and, when it
 *      is much wider than a digit and has no clear minimum, evenly spaced columns.
 *   2. Pieces are ordered by the centre of their x-extent. Every run of up to MAX_RUN
 *      consecutive pieces is a candidate glyph. Each candidate is rendered black on white
 *      (strokes with a pen of 0.1 H, so thick ink on small writing still reads) and read by
 *      the model; results are cached by the pieces they contain.
 *   3. A beam search (dynamic programming over piece positions, keeping the best BEAM
 *      partial readings per grammar state) picks the segmentation and labels that maximise
 *        sum over glyphs of  log p(label | glyph)  + shape priors,
 *      where p is the model's calibrated probability for digits and a geometric score for
 *      operators, and the priors say: a digit is at most about as wide as it is tall and not
 *      much shorter than H; a glyph has no wide empty column inside it; neighbouring glyphs
 *      overlap little in x (so the two strokes of a 4, or the bar of a 5, stay together);
 *      cutting through one connected blob of image ink costs a little. Runs whose parts are
 *      far apart are never read. Italic writing is deslanted for this x-geometry.
 *   4. Calculator grammar: number, operator, number, then optionally "=" (anything after it
 *      is ignored, so "12+7=19" reads 12+7). Operators: + - x * / and ÷.
 *   5. Confidence: the readings left at the end are grouped by their text; the best text's
 *      share of the total probability is its confidence. Below `unsureBelow`, or with any
 *      digit below it, the reading is unsure and names the runner-up ("47 or 4?").
 *
 * Operators are read from stroke geometry (the model only knows digits); in an image, a whole
 * blob of ink is first turned into straight strokes (blobStrokes). A stroke is
 * "straight" when its chord is at least 0.8 of its path; angles are 0..180 degrees, screen up.
 *   '-'  one straight stroke within 25 degrees of horizontal, 0.1 to 2.5 H long, near the
 *        middle of the writing
 *   '/'  one straight stroke at 22..88 degrees (rising to the right), at least 0.3 H tall;
 *        the score falls from 75 degrees towards vertical, where a 1 is more likely
 *   '+'  two straight strokes crossing near their middles at 50 degrees or more, one of them
 *        within 25 degrees of horizontal or vertical;  'x'  the same, both diagonal
 *   '*'  three or four straight strokes all crossing near their middles
 *   '÷'  a '-' with one dot above and one below;  '='  two stacked near-horizontal strokes
 */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.InklingNumbers = factory();
}(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  var MAX_RUN = 5;        // most pieces in one glyph (a traced 8, a '*', a '÷')
  var BEAM = 8;           // partial readings kept per position and grammar state
  var READ_PX = 64;       // pixels per writing height when strokes are rendered for the model
  var PEN_OF_H = 0.1;     // model pen width as a fraction of the writing height
  var LABELS_PER_GLYPH = 3;
  var UNGRAMMATICAL = 5;   // a sum whose best parse is e^5 less likely than the free reading is an error
  var CUT_PENALTY = -0.7;  // log-prior of cutting through one connected blob of image ink
  var HOPELESS = -9;      // runs whose one-glyph prior is below this are not read at all
  var SHARPEN = 1.5;      // readings' scores are not calibrated: a text's share uses exp(1.5 score)
  var OPS = ['+', '-', 'x', '/', '*', '÷', '='];
  var OP_VALUE = { '+': '+', '-': '-', 'x': 'x', '*': 'x', '/': '/', '÷': '/' };   // for evaluate

  // ------------------------------------------------------------------ geometry

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

  // Distance between the centre lines of two strokes (0 when they cross).
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

  function pathLength(points) {
    var s = 0;
    for (var i = 1; i < points.length; i++) s += Math.hypot(points[i][0] - points[i - 1][0], points[i][1] - points[i - 1][1]);
    return s;
  }

  /** Shape of one stroke: ends, chord, path length, straightness (chord / path), angle 0..180. */
  function strokeShape(stroke) {
    var p = stroke.points, a = p[0], b = p[p.length - 1];
    var chord = Math.hypot(b[0] - a[0], b[1] - a[1]);
    var length = pathLength(p);
    var angle = Math.atan2(-(b[1] - a[1]), b[0] - a[0]) * 180 / Math.PI;  // screen y grows down
    if (angle < 0) angle += 180;
    if (angle >= 180) angle -= 180;
    return { a: a, b: b, chord: chord, length: length, straightness: length > 0 ? chord / length : 0,
             angle: angle, box: bounds(p) };
  }

  // Angular distance between two undirected angles, 0..90.
  function angleGap(a, b) {
    var d = Math.abs(a - b) % 180;
    return Math.min(d, 180 - d);
  }

  /**
   * Groups strokes into glyphs by gaps alone: strokes whose ink touches (centre lines within
   * `width`), or whose x-extents overlap by half the narrower, are one group. Used only to
   * estimate the writing height; the reading itself segments with the model.
   */
  function groupStrokes(strokes, width) {
    var n = strokes.length, parent = [], boxes = [];
    for (var i = 0; i < n; i++) { parent.push(i); boxes.push(bounds(strokes[i].points)); }
    function find(i) { while (parent[i] !== i) { parent[i] = parent[parent[i]]; i = parent[i]; } return i; }
    function join(i, j) { i = find(i); j = find(j); if (i !== j) parent[j] = i; }
    for (i = 0; i < n; i++) {
      for (var j = i + 1; j < n; j++) {
        var a = boxes[i], b = boxes[j];
        if (a.x0 - width > b.x1 || b.x0 - width > a.x1 || a.y0 - width > b.y1 || b.y0 - width > a.y1) continue;
        if (strokeDistance(strokes[i], strokes[j]) <= width) join(i, j);
      }
    }
    var groups;
    for (;;) {
      groups = collect();
      var merged = false;
      for (i = 0; i < groups.length && !merged; i++) {
        for (j = i + 1; j < groups.length && !merged; j++) {
          var g = groups[i].box, h = groups[j].box;
          var overlap = Math.min(g.x1, h.x1) - Math.max(g.x0, h.x0);
          if (overlap >= 0.5 * Math.max(Math.min(g.x1 - g.x0, h.x1 - h.x0), width)) {
            join(groups[i].strokes[0], groups[j].strokes[0]);
            merged = true;
          }
        }
      }
      if (!merged) break;
    }
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

  // The typical height of the tall boxes: the median of those at least half the tallest.
  function typicalHeight(boxes) {
    var hs = boxes.map(function (b) { return b.y1 - b.y0; }).sort(function (a, b) { return b - a; });
    if (!hs.length) return 0;
    var tall = hs.filter(function (h) { return h >= 0.5 * hs[0]; });
    return tall[Math.floor(tall.length / 2)];
  }

  // ------------------------------------------------------------------ operators

  /**
   * Operator scores for the strokes of one candidate glyph: { op: score in (0, 1) } (empty
   * when it looks like no operator). H is the writing height, midY the middle of the writing.
   */
  function operatorScores(strokes, H, midY) {
    var out = {};
    if (!strokes.length || strokes.length > 4 || !(H > 0)) return out;
    var shapes = strokes.map(strokeShape);
    var dots = [], lines = [];
    shapes.forEach(function (s) {
      if (s.length < 0.12 * H && s.chord < 0.1 * H) dots.push(s);
      else lines.push(s);
    });
    var straight = lines.every(function (s) { return s.straightness >= 0.8; });
    if (!straight) return out;
    var centreY = function (s) { return (s.box.y0 + s.box.y1) / 2; };
    var middle = function (y) {  // 1 near the middle of the writing, falling off towards its edges
      var d = Math.abs(y - midY) / H;
      return d <= 0.25 ? 1 : d >= 0.45 ? 0.02 : 1 - 4.9 * (d - 0.25);
    };
    var horizontal = function (s) { return angleGap(s.angle, 0) <= 25 && s.chord >= 0.1 * H && s.chord <= 2.5 * H; };

    if (lines.length === 1 && dots.length === 0) {
      var one = lines[0];
      if (horizontal(one)) out['-'] = 0.9 * middle(centreY(one));
      var tall = one.box.y1 - one.box.y0;
      if (one.angle >= 22 && one.angle <= 88 && tall >= 0.3 * H) {
        out['/'] = one.angle <= 75 ? 0.9 : 0.9 - 0.6 * (one.angle - 75) / 13;
      }
    } else if (lines.length === 1 && dots.length === 2) {
      var bar = lines[0], y = centreY(bar);
      var inside = dots.every(function (d) { var x = (d.box.x0 + d.box.x1) / 2; return x >= bar.box.x0 - 0.1 * H && x <= bar.box.x1 + 0.1 * H; });
      var above = dots.filter(function (d) { return centreY(d) < y; }).length;
      if (horizontal(bar) && inside && above === 1) out['÷'] = 0.95 * middle(y);
    } else if (lines.length === 2 && dots.length === 0) {
      var p = lines[0], q = lines[1];
      var cross = crossing(p.a, p.b, q.a, q.b);
      if (cross && cross.t >= 0.1 && cross.t <= 0.9 && cross.u >= 0.1 && cross.u <= 0.9 && angleGap(p.angle, q.angle) >= 50) {
        var axis = Math.min(angleGap(p.angle, 0), angleGap(q.angle, 0), angleGap(p.angle, 90), angleGap(q.angle, 90));
        if (axis <= 25) out['+'] = 0.95;
        else if (axis >= 20) out['x'] = 0.95;
      } else if (!cross && horizontal(p) && horizontal(q)) {
        var top = centreY(p) < centreY(q) ? p : q, bottom = top === p ? q : p;
        var gap = centreY(bottom) - centreY(top);
        var overlap = Math.min(p.box.x1, q.box.x1) - Math.max(p.box.x0, q.box.x0);
        if (gap >= 0.08 * H && gap <= 0.8 * H && overlap >= 0.5 * Math.min(p.chord, q.chord)) out['='] = 0.95;
      }
    } else if (lines.length >= 3 && dots.length === 0) {
      var all = true;
      for (var i = 0; i < lines.length && all; i++) {
        for (var j = i + 1; j < lines.length && all; j++) {
          var c = crossing(lines[i].a, lines[i].b, lines[j].a, lines[j].b);
          all = !!c && c.t >= 0.1 && c.t <= 0.9 && c.u >= 0.1 && c.u <= 0.9;
        }
      }
      if (all) out['*'] = 0.9;
    }
    return out;
  }

  /**
   * Image ink as pen strokes, so opened images get the operator rules above: a blob is
   * explained by up to four straight bands twice the ink's width (a Hough search, angles 4
   * degrees apart, taking the fullest band first, each at least 0.25 H long), each a
   * two-point stroke from end to end; a roundish blob under 0.3 H across is a dot. Null when over 12%
   * of the ink lies farther than 1.2 stroke widths from every band's centre line (a curve: a
   * digit), or two bands cross away from their middles (a 4 or a t).
   */
  function blobStrokes(pixels, w, H) {
    var n = pixels.length, xs = new Float64Array(n), ys = new Float64Array(n), i, k;
    var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity, ink = new Set(pixels), edges = 0;
    for (i = 0; i < n; i++) {
      k = pixels[i];
      xs[i] = k % w + 0.5; ys[i] = Math.floor(k / w) + 0.5;
      x0 = Math.min(x0, xs[i]); x1 = Math.max(x1, xs[i]); y0 = Math.min(y0, ys[i]); y1 = Math.max(y1, ys[i]);
      if (!ink.has(k - 1)) edges++;
      if (!ink.has(k + 1)) edges++;
      if (!ink.has(k - w)) edges++;
      if (!ink.has(k + w)) edges++;
    }
    var bw = x1 - x0 + 1, bh = y1 - y0 + 1;
    if (bw < 0.3 * H && bh < 0.3 * H && Math.max(bw, bh) < 2.2 * Math.min(bw, bh)) return [{ points: [[(x0 + x1) / 2, (y0 + y1) / 2]] }];
    // A band t wide and L long has about 2L edge pixels: t is about 2 * ink / edges.
    var half = Math.max(1, 2 * n / edges), used = new Uint8Array(n), left = n, lines = [];
    while (lines.length < 4 && left > 0.12 * n) {
      var best = null;
      for (var deg = 0; deg < 180; deg += 4) {
        var th = deg * Math.PI / 180, nx = Math.sin(th), ny = Math.cos(th), lo = Infinity;
        for (i = 0; i < n; i++) lo = Math.min(lo, xs[i] * nx + ys[i] * ny);
        var bins = new Float64Array(Math.ceil(x1 - x0 + y1 - y0) + 3);
        for (i = 0; i < n; i++) if (!used[i]) bins[Math.floor(xs[i] * nx + ys[i] * ny - lo)]++;
        var span = Math.max(1, Math.round(2 * half)), sum = 0;
        for (k = 0; k < bins.length; k++) {
          sum += bins[k] - (k >= span ? bins[k - span] : 0);
          if (!best || sum > best.count) best = { deg: deg, r: lo + k + 1 - span / 2, count: sum };
        }
      }
      th = best.deg * Math.PI / 180; nx = Math.sin(th); ny = Math.cos(th);
      var dx = Math.cos(th), dy = -Math.sin(th), s0 = Infinity, s1 = -Infinity, taken = 0;
      for (i = 0; i < n; i++) {
        if (used[i] || Math.abs(xs[i] * nx + ys[i] * ny - best.r) > half) continue;
        var along = xs[i] * dx + ys[i] * dy;
        s0 = Math.min(s0, along); s1 = Math.max(s1, along);
        used[i] = 1; taken++;
      }
      if (!taken || s1 - s0 < 0.25 * H) break;
      left -= taken;
      lines.push({ points: [[best.r * nx + s0 * dx, best.r * ny + s0 * dy], [best.r * nx + s1 * dx, best.r * ny + s1 * dy]] });
    }
    // Explained: ink within a stroke width of some band's centre line.
    var near = 0;
    for (i = 0; i < n && lines.length; i++) {
      for (k = 0; k < lines.length; k++) {
        if (pointSegment2([xs[i], ys[i]], lines[k].points[0], lines[k].points[1]) <= 1.5 * half * half) { near++; break; }
      }
    }
    if (near < 0.88 * n) return null;
    if (lines.length === 2) {
      var c = crossing(lines[0].points[0], lines[0].points[1], lines[1].points[0], lines[1].points[1]);
      if (c && (c.t < 0.2 || c.t > 0.8 || c.u < 0.2 || c.u > 0.8)) return null;
    }
    return lines;
  }

  // The strokes an operator would be read from: drawn strokes as they are, whole blobs of
  // image ink as blobStrokes gives them (cached on the piece); null if some part has none.
  function operatorInk(list, H) {
    var out = [];
    for (var i = 0; i < list.length; i++) {
      var p = list[i];
      if (p.stroke) { out.push(p.stroke); continue; }
      if (!p.whole) return null;
      if (p.lines === undefined) p.lines = blobStrokes(p.pixels, p.w, H);
      if (!p.lines) return null;
      out = out.concat(p.lines);
    }
    return out;
  }

  /** The most likely operator of a glyph's strokes ('+', '-', 'x', '/', '*', '÷', '='), or null. */
  function classifyOperator(strokes, H, midY) {
    if (H === undefined) {
      var box = strokes.map(function (s) { return bounds(s.points); }).reduce(union);
      H = Math.max(box.y1 - box.y0, box.x1 - box.x0) * 2;
      midY = (box.y0 + box.y1) / 2;
    }
    var scores = operatorScores(strokes, H, midY), best = null;
    for (var op in scores) if (best === null || scores[op] > scores[best]) best = op;
    return best !== null && scores[best] >= 0.5 ? best : null;
  }

  // ------------------------------------------------------------------ pieces and rendering

  // A patch of ink in reading pixels: { x0, y0, w, h, v: Float32Array(w*h) of coverage 0..1 }.
  function strokePatch(stroke, scale, radius) {
    var pts = stroke.points.map(function (p) { return [p[0] * scale, p[1] * scale]; });
    var b = bounds(pts), pad = Math.ceil(radius) + 2;
    var x0 = Math.floor(b.x0) - pad, y0 = Math.floor(b.y0) - pad;
    var w = Math.ceil(b.x1) + pad - x0 + 1, h = Math.ceil(b.y1) + pad - y0 + 1;
    var v = new Float32Array(w * h);
    var n = Math.max(pts.length - 1, 1);
    for (var k = 0; k < n; k++) {
      var a = pts[k], c = pts[Math.min(k + 1, pts.length - 1)];
      var sx0 = Math.max(0, Math.floor(Math.min(a[0], c[0]) - radius - 1) - x0);
      var sx1 = Math.min(w - 1, Math.ceil(Math.max(a[0], c[0]) + radius + 1) - x0);
      var sy0 = Math.max(0, Math.floor(Math.min(a[1], c[1]) - radius - 1) - y0);
      var sy1 = Math.min(h - 1, Math.ceil(Math.max(a[1], c[1]) + radius + 1) - y0);
      for (var y = sy0; y <= sy1; y++) {
        for (var x = sx0; x <= sx1; x++) {
          var d = Math.sqrt(pointSegment2([x + x0 + 0.5, y + y0 + 0.5], a, c));
          var cov = radius + 0.5 - d;
          if (cov <= 0) continue;
          if (cov > 1) cov = 1;
          if (cov > v[y * w + x]) v[y * w + x] = cov;
        }
      }
    }
    return { x0: x0, y0: y0, w: w, h: h, v: v };
  }

  // Black-on-white RGBA image of the patches' union, with a white margin.
  function renderPatches(patches) {
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity, i;
    for (i = 0; i < patches.length; i++) {
      var p = patches[i];
      x0 = Math.min(x0, p.x0); y0 = Math.min(y0, p.y0);
      x1 = Math.max(x1, p.x0 + p.w); y1 = Math.max(y1, p.y0 + p.h);
    }
    var m = 4;
    x0 -= m; y0 -= m; x1 += m; y1 += m;
    var w = x1 - x0, h = y1 - y0, cov = new Float32Array(w * h);
    for (i = 0; i < patches.length; i++) {
      var q = patches[i];
      for (var y = 0; y < q.h; y++) {
        var row = (q.y0 - y0 + y) * w + (q.x0 - x0);
        for (var x = 0; x < q.w; x++) {
          var c = q.v[y * q.w + x];
          if (c > cov[row + x]) cov[row + x] = c;
        }
      }
    }
    var data = new Uint8ClampedArray(w * h * 4);
    for (i = 0; i < w * h; i++) {
      var g = Math.round(255 * (1 - cov[i]));
      data[4 * i] = data[4 * i + 1] = data[4 * i + 2] = g;
      data[4 * i + 3] = 255;
    }
    return { data: data, width: w, height: h };
  }

  // Pieces from strokes: one per stroke that has a point. `scale` = reading pixels per unit.
  function strokePieces(strokes, scale, radius) {
    var pieces = [];
    for (var i = 0; i < strokes.length; i++) {
      var s = strokes[i];
      if (!s || !s.points || !s.points.length) continue;
      pieces.push({ key: 's' + (s.id !== undefined ? s.id : i) + ':' + s.points.length, stroke: s,
                    box: bounds(s.points), patch: strokePatch(s, scale, radius) });
    }
    return pieces;
  }

  // Ink signal of an image, 0..255, with its polarity found from the border (as preprocessing
  // does, simplified): transparent border -> alpha; else the largest channel difference from
  // the border's median colour, dark or light ink by which carries more energy.
  function inkSignal(image) {
    var w = image.width, h = image.height, d = image.data, n = w * h;
    var border = [];
    for (var x = 0; x < w; x++) { border.push(x); border.push((h - 1) * w + x); }
    for (var y = 1; y < h - 1; y++) { border.push(y * w); border.push(y * w + w - 1); }
    var median = function (ch) {
      var vals = border.map(function (i) { return d[4 * i + ch]; }).sort(function (a, b) { return a - b; });
      return vals[vals.length >> 1];
    };
    var s = new Float32Array(n), i;
    if (median(3) < 128) {
      for (i = 0; i < n; i++) s[i] = d[4 * i + 3];
      return s;
    }
    var bg = [median(0), median(1), median(2)], dark = new Float32Array(n), light = new Float32Array(n);
    var eDark = 0, eLight = 0;
    for (i = 0; i < n; i++) {
      var a = d[4 * i + 3] / 255, dk = 0, lt = 0;
      for (var c = 0; c < 3; c++) {
        var v = d[4 * i + c] * a + bg[c] * (1 - a);
        dk = Math.max(dk, bg[c] - v); lt = Math.max(lt, v - bg[c]);
      }
      dark[i] = dk; light[i] = lt;
      eDark += Math.max(0, dk - 32); eLight += Math.max(0, lt - 32);
    }
    return eLight > eDark ? light : dark;
  }

  /**
   * Pieces from an image: 8-connected blobs of ink, blobs wider than a digit sliced at
   * candidate cuts. Returns { pieces, H } (H in pixels, 0 without ink).
   */
  function imagePieces(image, prefix) {
    var w = image.width, h = image.height, s = inkSignal(image), n = w * h, i;
    var hist = new Array(256).fill(0), count = 0;
    for (i = 0; i < n; i++) if (s[i] >= 24) { hist[Math.min(255, Math.round(s[i]))]++; count++; }
    if (!count) return { pieces: [], H: 0 };
    var rank = Math.floor((count - 1) * 0.95), level = 24;
    while (rank >= hist[level]) { rank -= hist[level]; level++; }
    var t = Math.max(24, 0.3 * level);
    var label = new Int32Array(n).fill(-1), blobs = [], stack = [];
    for (i = 0; i < n; i++) {
      if (s[i] < t || label[i] >= 0) continue;
      var blob = { pixels: [], box: { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity } };
      label[i] = blobs.length;
      stack.push(i);
      while (stack.length) {
        var k = stack.pop(), kx = k % w, ky = (k - kx) / w;
        blob.pixels.push(k);
        var b = blob.box;
        if (kx < b.x0) b.x0 = kx; if (kx > b.x1) b.x1 = kx;
        if (ky < b.y0) b.y0 = ky; if (ky > b.y1) b.y1 = ky;
        for (var dy = -1; dy <= 1; dy++) {
          for (var dx = -1; dx <= 1; dx++) {
            var nx = kx + dx, ny = ky + dy;
            if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
            var j = ny * w + nx;
            if (s[j] >= t && label[j] < 0) { label[j] = blobs.length; stack.push(j); }
          }
        }
      }
      blobs.push(blob);
    }
    var H = typicalHeight(blobs.map(function (b) { return { y0: b.box.y0, y1: b.box.y1 + 1 }; }));
    var pieces = [];
    blobs.forEach(function (blob, bi) {
      var cuts = blob.box.x1 - blob.box.x0 + 1 > 0.8 * H ? candidateCuts(blob, w, H) : [];
      var edges = [blob.box.x0].concat(cuts, [blob.box.x1 + 1]);
      for (var e = 0; e + 1 < edges.length; e++) {
        var px = blob.pixels.filter(function (k) { var x = k % w; return x >= edges[e] && x < edges[e + 1]; });
        if (px.length) {
          var piece = pixelPiece((prefix || 'i') + 'b' + bi + '.' + e, px, w, s, level);
          piece.blob = (prefix || 'i') + 'b' + bi;
          piece.whole = edges.length === 2;  // not cut: it may be an operator (operatorInk)
          piece.pixels = px;
          piece.w = w;
          pieces.push(piece);
        }
      }
    });
    return { pieces: pieces, H: H };
  }

  // Columns where a wide blob may be cut: local minima of its column projection (ink pixels
  // per column), the thinner the better, at least 0.2 H from its ends and from each other;
  // in a blob much wider than a digit with no minimum, evenly spaced columns.
  function candidateCuts(blob, w, H) {
    var x0 = blob.box.x0, x1 = blob.box.x1, proj = new Array(x1 - x0 + 1).fill(0);
    blob.pixels.forEach(function (k) { proj[k % w - x0]++; });
    var margin = Math.max(2, Math.round(0.2 * H)), minima = [];
    var peak = Math.max.apply(null, proj);
    for (var x = margin; x < proj.length - margin; x++) {
      var lo = Math.max(0, x - 2), hi = Math.min(proj.length - 1, x + 2), isMin = true;
      for (var k = lo; k <= hi; k++) if (proj[k] < proj[x]) isMin = false;
      if (isMin && proj[x] <= 0.6 * peak) minima.push({ x: x, v: proj[x] });
    }
    minima.sort(function (a, b) { return a.v - b.v || a.x - b.x; });
    var cuts = [];
    minima.forEach(function (m) {
      if (cuts.length < 8 && cuts.every(function (c) { return Math.abs(c - m.x) >= margin; })) cuts.push(m.x);
    });
    if (!cuts.length && proj.length > 1.3 * H) {
      for (x = Math.round(0.4 * H); x < proj.length - margin; x += Math.max(2, Math.round(0.25 * H))) cuts.push(x);
    }
    return cuts.sort(function (a, b) { return a - b; }).map(function (c) { return c + x0; });
  }

  function pixelPiece(key, pixels, w, s, level) {
    var b = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
    pixels.forEach(function (k) {
      var x = k % w, y = (k - x) / w;
      if (x < b.x0) b.x0 = x; if (x > b.x1) b.x1 = x;
      if (y < b.y0) b.y0 = y; if (y > b.y1) b.y1 = y;
    });
    var pw = b.x1 - b.x0 + 1, ph = b.y1 - b.y0 + 1, v = new Float32Array(pw * ph);
    pixels.forEach(function (k) {
      var x = k % w, y = (k - x) / w;
      v[(y - b.y0) * pw + (x - b.x0)] = Math.min(1, s[k] / level);
    });
    return { key: key, stroke: null, box: { x0: b.x0, y0: b.y0, x1: b.x1 + 1, y1: b.y1 + 1 },
             patch: { x0: b.x0, y0: b.y0, w: pw, h: ph, v: v } };
  }

  // ------------------------------------------------------------------ the model

  /**
   * A glyph reader around the digit model: read(image) -> { blank, probabilities, digit,
   * confidence, input }. `Inkling` is the library (preprocess), `model` a loaded model.
   */
  function modelReader(Inkling, model) {
    return function (image) {
      var pre = Inkling.preprocess(image);
      if (pre.blank) return { blank: true, input: pre.input, probabilities: null, digit: null, confidence: 0 };
      var out = model.predict(pre.input);
      return { blank: false, input: pre.input, probabilities: out.probabilities, digit: out.digit,
               confidence: out.confidence, out: out };
    };
  }

  /** A cache of glyph readings by the pieces they hold (and the reading scale). */
  function makeCache(limit) {
    var map = new Map(), max = limit || 4000;
    return {
      get: function (k) { return map.get(k); },
      set: function (k, v) { if (map.size >= max) map.clear(); map.set(k, v); },
      size: function () { return map.size; },
    };
  }

  // ------------------------------------------------------------------ reading

  // Cache keys of image pieces name their image: a serial number per image object.
  var imageIds = typeof WeakMap === 'function' ? new WeakMap() : null, imageCount = 0;
  function imageSerial(image) {
    if (!imageIds) return 'i' + (++imageCount);
    if (!imageIds.has(image)) imageIds.set(image, 'i' + (++imageCount));
    return imageIds.get(image);
  }

  function log(p) { return Math.log(Math.max(p, 1e-9)); }

  // Geometry of a run of pieces: its box, and how weakly its parts hold together in x.
  // Parts are the run's pieces, slices of one image blob counting as one part (their ink
  // is connected). Sweeping the parts left to right, each link is the overlap between the
  // parts so far and the next one, relative to the narrower of the two (1: one inside the
  // other, 0: side by side, negative: a gap). The weakest link says how likely the run is
  // two glyphs written next to each other.
  function runGeometry(pieces, i, j, H) {
    var box = pieces[i].box, parts = {}, list = [];
    for (var k = i; k < j; k++) {
      var p = pieces[k], id = p.blob || p.key;
      box = union(box, p.box);
      if (parts[id]) parts[id].box = union(parts[id].box, p.box);
      else { parts[id] = { box: p.box }; list.push(parts[id]); }
    }
    list.sort(function (a, b) { return a.box.x0 - b.box.x0; });
    var lo = list[0].box.x0, reach = list[0].box.x1, weakest = Infinity;
    for (k = 1; k < list.length; k++) {
      var b = list[k].box;
      weakest = Math.min(weakest, linkStrength({ x0: lo, x1: reach }, b, H));
      reach = Math.max(reach, b.x1);
    }
    var full = list.filter(function (p) { return p.box.y1 - p.box.y0 >= 0.55 * H && p.box.x1 - p.box.x0 >= 0.35 * H; }).length;
    return { box: box, weakest: weakest, parts: list.length, full: full };
  }

  // log-prior of a digit's shape: not much wider than tall, not much shorter than the writing.
  function digitShapePrior(box, H) {
    var a = (box.x1 - box.x0) / H, hh = (box.y1 - box.y0) / H, s = 0;
    if (a > 0.95) s -= Math.pow((a - 0.95) / 0.2, 2);
    if (hh < 0.55) s -= Math.pow((0.55 - hh) / 0.15, 2);
    return s;
  }

  // How strongly two x-extents belong to one glyph: the larger of their overlap relative to
  // the narrower (at least 0.2 H wide), over 0.5, and how deep the narrower's centre lies
  // inside the wider, relative to its width, over 0.2. 1 or more: pieces of one glyph (the
  // stem of a 4 inside its corner, the bar of a 5 over its body); 0: side by side; negative:
  // a gap. A 1 written into the edge of a 4's corner stays weak.
  function linkStrength(a, b, H) {
    var wa = a.x1 - a.x0, wb = b.x1 - b.x0, narrow = wa <= wb ? a : b, wide = narrow === a ? b : a;
    var overlap = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
    var rel = overlap / Math.max(Math.min(wa, wb), 0.2 * H);
    var c = (narrow.x0 + narrow.x1) / 2;
    var depth = Math.min(c - wide.x0, wide.x1 - c) / Math.max(wide.x1 - wide.x0, 1e-9);
    return Math.max(rel / 0.5, depth / 0.2);
  }

  // log-prior that a run of parts is one glyph: parts side by side (a weak link) are two.
  // Two parts that are each as tall and wide as a digit are two digits written into each
  // other more often than one digit.
  function oneGlyphPrior(geo) {
    var full = geo.full > 1 ? -1.5 * (geo.full - 1) : 0;
    if (geo.parts < 2 || geo.weakest >= 1) return full;
    var z = 1 - Math.max(geo.weakest, -6);
    return full - z * z;
  }

  // log-penalty for splitting two neighbouring glyphs that hold together in x: none for
  // writing a little into each other, strong when one sits inside the other.
  function overlapPenalty(a, b, H) {
    if (!a) return 0;
    var s = linkStrength(a, b, H);
    return s <= 0.3 ? 0 : -3 * (s - 0.3) * (s - 0.3);
  }

  /**
   * Reads a number (mode 'number') or a sum (mode 'calc') from strokes and/or an image.
   *   input:   { strokes?: [stroke], image?: { data, width, height } } (strokes in the image's
   *            pixels when both are given)
   *   options: { read: modelReader(...), mode, cache?: makeCache(), unsureBelow? (0.75),
   *              minHeight?: writing smaller than this (source units) is too small to read }
   * Returns { empty } | { tooSmall, H } | { text, confidence, unsure, alternatives: [{ text, p }],
   *   glyphs: [{ kind: 'digit'|'op'|'ignored', digit?, op?, p, probabilities?, input?, box, pieces }],
   *   H, and in calc mode: left, op, right, expression (evaluate's operator) or error, where }.
   */
  function read(input, options) {
    var mode = options.mode || 'number', readGlyph = options.read, cache = options.cache || makeCache();
    var unsureBelow = options.unsureBelow || 0.75;
    var strokes = (input.strokes || []).filter(function (s) { return s && s.points && s.points.length; });
    var pieces = [], H = 0, scale = 1;
    if (input.image) {
      var ip = imagePieces(input.image, imageSerial(input.image));
      pieces = ip.pieces; H = ip.H;
    }
    if (strokes.length) {
      var groups = groupStrokes(strokes, 0);
      var hs = typicalHeight(groups.map(function (g) { return g.box; }));
      H = Math.max(H, hs);
    }
    if (!pieces.length && !strokes.length) return { empty: true };
    if (options.minHeight && H < options.minHeight) return { tooSmall: true, H: H };
    if (!(H > 0)) return { tooSmall: true, H: H };
    var level = '';
    if (strokes.length) {
      if (!input.image) {
        // Strokes alone: render at READ_PX per writing height, H rounded to quarter octaves
        // so the cache survives small changes of H while writing.
        var q = Math.round(Math.log2(H) * 4) / 4;
        scale = READ_PX / Math.pow(2, q);
        level = 'q' + q;
      }
      pieces = pieces.concat(strokePieces(strokes, scale, Math.max(0.75, PEN_OF_H * H * scale / 2)));
    }
    deslant(pieces, strokes);
    pieces.forEach(function (p) { p.cx = (p.box.x0 + p.box.x1) / 2; });
    pieces.sort(function (a, b) { return a.cx - b.cx || a.box.y0 - b.box.y0; });

    var midY = median(pieces.filter(function (p) { return p.box.y1 - p.box.y0 >= 0.5 * H; })
                            .map(function (p) { return (p.box.y0 + p.box.y1) / 2; }));
    if (midY === null) midY = median(pieces.map(function (p) { return (p.box.y0 + p.box.y1) / 2; }));
    var n = pieces.length;

    // Candidate glyphs: runs [i, j) of up to MAX_RUN pieces, read lazily once each.
    var runs = {};
    function candidate(i, j) {
      var key = i + ',' + j;
      if (runs[key]) return runs[key];
      var geo = runGeometry(pieces, i, j, H), list = pieces.slice(i, j);
      var c = { i: i, j: j, box: geo.box, pieces: list, labels: [],
                blobs: list.filter(function (p) { return p.blob; }).map(function (p) { return p.blob; }) };
      runs[key] = c;
      if (geo.box.x1 - geo.box.x0 > 2.6 * H) return c;   // wider than any glyph
      var gapPrior = oneGlyphPrior(geo);
      if (gapPrior < HOPELESS) return c;                  // parts far apart: never one glyph, not read
      var ck = level + '|' + list.map(function (p) { return p.key; }).sort().join(',');
      var r = cache.get(ck);
      if (!r) { r = readGlyph(renderPatches(list.map(function (p) { return p.patch; }))); cache.set(ck, r); }
      c.reading = r;
      var ops = {}, opMax = 0;
      var opInk = mode === 'calc' ? operatorInk(list, H) : null;
      if (opInk) {
        ops = operatorScores(opInk, H, midY);
        for (var o in ops) opMax = Math.max(opMax, ops[o]);
      }
      if (!r.blank) {
        var order = r.probabilities.map(function (p, d) { return d; })
          .sort(function (a, b) { return r.probabilities[b] - r.probabilities[a]; });
        var shape = digitShapePrior(geo.box, H) + gapPrior + log(1 - opMax);
        for (var k = 0; k < LABELS_PER_GLYPH; k++) {
          var d = order[k];
          c.labels.push({ kind: 'digit', digit: d, p: r.probabilities[d], score: log(r.probabilities[d]) + shape });
        }
      } else if (geo.box.x1 - geo.box.x0 < 0.3 * H && geo.box.y1 - geo.box.y0 < 0.3 * H && !opMax) {
        c.labels.push({ kind: 'ignored', p: 1, score: log(0.2) });   // a speck, not a glyph
      }
      for (o in ops) c.labels.push({ kind: 'op', op: o, p: ops[o], score: log(ops[o]) + gapPrior });
      return c;
    }

    var best = search(n, candidate, mode, false, H);
    // A sum is unreadable when no grammatical reading exists, or when the best one is far less
    // likely than the best reading without grammar (the + of "12+" read as "-" and "4").
    var free = mode === 'calc' ? search(n, candidate, mode, true, H) : [];
    if (mode === 'calc' && (!best.length || (free.length && best[0].score < free[0].score - UNGRAMMATICAL))) {
      var tokens = free.length ? free[0].glyphs : [];
      var why = explain(tokens);
      return { text: textOf(tokens), confidence: 0, unsure: true, alternatives: [], glyphs: tokens, H: H,
               error: why.error, where: why.where };
    }
    if (!best.length) return { empty: true };
    return summarise(best, mode, unsureBelow, H);
  }

  // Italic writing leans, so neighbours overlap in x. The lean k (dx per unit of height,
  // positive when tops lean right) is measured on the near-vertical parts of the strokes;
  // the x-geometry of stroke pieces (box, order) is then taken on x + (y - middle) k. The
  // model still sees the ink as written.
  function deslant(pieces, strokes) {
    var sx = 0, sy = 0, ys = [];
    strokes.forEach(function (s) {
      var p = s.points;
      for (var i = 1; i < p.length; i++) {
        var dx = p[i][0] - p[i - 1][0], dy = p[i][1] - p[i - 1][1];
        if (Math.abs(dy) > 2 * Math.abs(dx)) { sx -= dx * (dy > 0 ? 1 : -1); sy += Math.abs(dy); }
        ys.push(p[i][1]);
      }
    });
    if (!(sy > 0)) return;
    var k = Math.max(-0.6, Math.min(0.6, sx / sy));
    if (Math.abs(k) < 0.05) return;
    var mid = median(ys);
    pieces.forEach(function (piece) {
      if (!piece.stroke) return;
      var pts = piece.stroke.points.map(function (q) { return [q[0] + (q[1] - mid) * k, q[1]]; });
      piece.box = bounds(pts);
    });
  }

  function median(values) {
    if (!values.length) return null;
    var v = values.slice().sort(function (a, b) { return a - b; });
    return v[v.length >> 1];
  }

  // Grammar states in calc mode: 0 start, 1 in the left number, 2 after the operator,
  // 3 in the right number, 4 after '='. Number mode uses state 1 only (any digits).
  function nextState(state, label, mode, free) {
    if (label.kind === 'ignored') return state;
    if (mode !== 'calc') return label.kind === 'digit' ? 1 : -1;
    if (free) return 1;
    if (state === 4) return -1;
    if (label.kind === 'digit') return state === 0 ? 1 : state === 1 ? 1 : state === 2 ? 3 : state === 3 ? 3 : -1;
    if (label.op === '=') return state === 3 ? 4 : -1;
    return state === 1 ? 2 : -1;
  }

  // Beam search over piece positions. Returns the final readings, best first.
  function search(n, candidate, mode, free, H) {
    var beams = [];
    for (var i = 0; i <= n; i++) beams.push([]);
    beams[0].push({ score: 0, state: 0, glyphs: [], last: null });
    for (i = 0; i < n; i++) {
      var here = prune(beams[i]);
      if (!here.length) continue;
      for (var j = i + 1; j <= Math.min(n, i + MAX_RUN); j++) {
        var c = candidate(i, j);
        for (var l = 0; l < c.labels.length; l++) {
          var label = c.labels[l];
          for (var h = 0; h < here.length; h++) {
            var hyp = here[h], state = nextState(hyp.state, label, mode, free);
            if (state < 0) continue;
            var glyph = { kind: label.kind, digit: label.digit, op: label.op, p: label.p, box: c.box, run: c };
            var move = label.kind === 'ignored' ? 0 : overlapPenalty(hyp.last, c.box, H) + cutPenalty(hyp.lastBlobs, c.blobs);
            beams[j].push({ score: hyp.score + label.score + move, state: state, glyphs: hyp.glyphs.concat([glyph]),
                            last: label.kind === 'ignored' ? hyp.last : c.box,
                            lastBlobs: label.kind === 'ignored' ? hyp.lastBlobs : c.blobs });
          }
        }
      }
      // After '=' the rest of the ink (the answer someone wrote) is ignored.
      here.forEach(function (hyp) {
        if (hyp.state === 4 && i < n) beams[n].push({ score: hyp.score, state: 4, glyphs: hyp.glyphs, last: hyp.last, rest: true });
      });
    }
    var finals = prune(beams[n]).filter(function (h) {
      return mode !== 'calc' || free ? h.state !== 0 : h.state === 3 || h.state === 4;
    });
    return finals.sort(function (a, b) { return b.score - a.score; });
  }

  // Cutting connected ink needs evidence: a glyph boundary through one image blob costs
  // CUT_PENALTY, so a wide digit is not split into two confident halves.
  function cutPenalty(a, b) {
    if (!a || !a.length || !b.length) return 0;
    for (var i = 0; i < b.length; i++) if (a.indexOf(b[i]) >= 0) return CUT_PENALTY;
    return 0;
  }

  function prune(list) {
    var byState = {};
    list.forEach(function (h) { (byState[h.state] = byState[h.state] || []).push(h); });
    var out = [];
    for (var s in byState) {
      var l = byState[s].sort(function (a, b) { return b.score - a.score; });
      out = out.concat(l.slice(0, BEAM));
    }
    return out;
  }

  function textOf(glyphs) {
    return glyphs.filter(function (g) { return g.kind !== 'ignored'; })
      .map(function (g) { return g.kind === 'digit' ? String(g.digit) : g.op; }).join('');
  }

  // Texts that mean the same sum are one reading: x and * multiply, / and ÷ divide, and what
  // follows = does not count.
  function meaningOf(text) {
    return text.replace(/\*/g, 'x').replace(/÷/g, '/').replace(/=.*$/, '');
  }

  function publicGlyph(g) {
    var r = g.run.reading || {};
    return { kind: g.kind, digit: g.digit, op: g.op, p: g.p, box: g.box,
             probabilities: g.kind === 'digit' ? r.probabilities : null, input: g.kind === 'digit' ? r.input : null,
             pieces: g.run.pieces.map(function (p) { return p.key; }) };
  }

  function summarise(finals, mode, unsureBelow, H) {
    // Probability of each distinct text: log-sum-exp of its readings, normalised.
    var byText = {}, order = [];
    finals.forEach(function (h) {
      var t = meaningOf(textOf(h.glyphs));
      if (!(t in byText)) { byText[t] = []; order.push(t); }
      byText[t].push(h.score);
    });
    var top = finals[0].score, total = 0, mass = {};
    order.forEach(function (t) {
      mass[t] = byText[t].reduce(function (a, s) { return a + Math.exp(SHARPEN * (s - top)); }, 0);
      total += mass[t];
    });
    var alternatives = order.map(function (t) { return { text: t, p: mass[t] / total }; })
      .sort(function (a, b) { return b.p - a.p; });
    var bestText = textOf(finals[0].glyphs);
    var confidence = mass[meaningOf(bestText)] / total;
    var glyphs = finals[0].glyphs.map(publicGlyph);
    var weakDigit = glyphs.some(function (g) { return g.kind === 'digit' && g.p < unsureBelow; });
    var out = { text: bestText, confidence: confidence, unsure: confidence < unsureBelow || weakDigit,
                alternatives: alternatives.slice(0, 4), glyphs: glyphs, H: H, ignoredRest: !!finals[0].rest };
    if (mode === 'calc') {
      var parts = splitSum(glyphs);
      out.left = parts.left; out.op = parts.op; out.right = parts.right;
      out.expression = parts.left + OP_VALUE[parts.op] + parts.right;
      out.operator = parts.opGlyph;
    }
    return out;
  }

  // Left number, operator and right number of a grammatical reading.
  function splitSum(glyphs) {
    var left = '', right = '', op = null, opGlyph = null;
    for (var i = 0; i < glyphs.length; i++) {
      var g = glyphs[i];
      if (g.kind === 'op' && g.op === '=') break;
      if (g.kind === 'op') { op = g.op; opGlyph = g; }
      else if (g.kind === 'digit') { if (op === null) left += g.digit; else right += g.digit; }
    }
    return { left: left, op: op, right: right, opGlyph: opGlyph };
  }

  // Why a sum cannot be read, and where, from its free (ungrammatical) best reading.
  function explain(glyphs) {
    var t = glyphs.filter(function (g) { return g.kind !== 'ignored'; });
    var shown = function (g) { return g.kind === 'digit' ? String(g.digit) : SHOWN[g.op] || g.op; };
    var text = t.map(shown).join(' ');
    if (!t.length) return { error: 'Write a sum, like 12+7', where: -1 };
    var ops = [];
    t.forEach(function (g, i) { if (g.kind === 'op' && g.op !== '=') ops.push(i); });
    if (!ops.length) return { error: 'No operator between two numbers in ' + text + ': write + − × or ÷ between them', where: -1 };
    if (ops[0] === 0) return { error: 'The sum starts with ' + shown(t[0]) + ': write a number before it', where: 0 };
    for (var k = 0; k + 1 < t.length; k++) {
      if (t[k].kind === 'op' && t[k + 1].kind === 'op' && t[k + 1].op !== '=') {
        return { error: 'Two operators in a row (' + shown(t[k]) + ' ' + shown(t[k + 1]) + ') in ' + text + ': write a number between them', where: k + 1 };
      }
    }
    if (ops.length > 1) return { error: 'Only one operator at a time: ' + text + ' has ' + ops.length, where: ops[1] };
    var last = ops[0] === t.length - 1 || (t[ops[0] + 1] && t[ops[0] + 1].op === '=');
    if (last) return { error: 'Nothing after ' + text + ': write the second number', where: ops[0] };
    var eq = t.findIndex(function (g) { return g.op === '='; });
    if (eq >= 0 && eq < ops[0]) return { error: 'The = comes before the operator in ' + text, where: eq };
    return { error: 'Could not read ' + text + ' as a sum', where: -1 };
  }

  var SHOWN = { '+': '+', '-': '−', 'x': '×', '*': '×', '/': '÷', '÷': '÷', '=': '=' };

  // ------------------------------------------------------------------ arithmetic

  /**
   * Exact integer arithmetic on digit strings (BigInt, so long numbers stay exact).
   * Division gives up to `decimals` (default 6) decimals, rounded half away from zero, with
   * trailing zeros removed. Returns { value, error }: value is a string, or "undefined"
   * with an error text for division by zero.
   */
  function evaluate(left, op, right, decimals) {
    if (!/^\d+$/.test(left) || !/^\d+$/.test(right)) return { value: 'undefined', error: 'Not a number' };
    op = OP_VALUE[op] || op;
    if (['+', '-', 'x', '/'].indexOf(op) < 0) return { value: 'undefined', error: 'Unknown operator ' + op };
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
    OPERATORS: OPS,
    SHOWN: SHOWN,
    bounds: bounds,
    strokeDistance: strokeDistance,
    groupStrokes: groupStrokes,
    strokeShape: strokeShape,
    operatorScores: operatorScores,
    classifyOperator: classifyOperator,
    strokePatch: strokePatch,
    renderPatches: renderPatches,
    imagePieces: imagePieces,
    modelReader: modelReader,
    makeCache: makeCache,
    read: read,
    explain: explain,
    evaluate: evaluate,
  };
}));
