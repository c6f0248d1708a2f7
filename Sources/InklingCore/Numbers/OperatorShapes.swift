/// Operators read from stroke geometry (numbers.js `operatorScores`, `classifyOperator`): the
/// model only knows digits. A stroke is "straight" when its chord is at least 0.8 of its path;
/// angles are 0..180 degrees, screen up.
///   '-'  one straight stroke within 25 degrees of horizontal, 0.1 to 2.5 H long, near the
///        middle of the writing
///   '/'  one straight stroke at 22..88 degrees, at least 0.3 H tall; the score falls from 75
///        degrees towards vertical, where a 1 is more likely
///   '+'  two straight strokes crossing near their middles at 50 degrees or more, one of them
///        within 25 degrees of horizontal or vertical;  'x'  the same, both diagonal
///   '*'  three or four straight strokes all crossing near their middles
///   '÷'  a '-' with one dot above and one below;  '='  two stacked near-horizontal strokes
public enum OperatorShapes {
    /// Every operator, as numbers.js `OPERATORS` lists them.
    public static let all = ["+", "-", "x", "/", "*", "÷", "="]
    /// How the page shows each operator.
    public static let shown: [String: String] = ["+": "+", "-": "−", "x": "×", "*": "×", "/": "÷", "÷": "÷", "=": "="]
    /// The operator `evaluate` applies: x and * multiply, / and ÷ divide.
    public static let value: [String: String] = ["+": "+", "-": "-", "x": "x", "*": "x", "/": "/", "÷": "/"]

    /// Operator scores for the strokes of one candidate glyph, in (0, 1), in the order
    /// numbers.js inserts them (empty when it looks like no operator). H is the writing
    /// height, midY the middle of the writing.
    public static func scores(_ strokes: [InkStroke], H: Double, midY: Double) -> [(op: String, score: Double)] {
        var out: [(op: String, score: Double)] = []
        if strokes.isEmpty || strokes.count > 4 || !(H > 0) { return out }
        let shapes = strokes.map(StrokeShape.init)
        var dots: [StrokeShape] = [], lines: [StrokeShape] = []
        for s in shapes {
            if s.length < 0.12 * H && s.chord < 0.1 * H { dots.append(s) } else { lines.append(s) }
        }
        if !lines.allSatisfy({ $0.straightness >= 0.8 }) { return out }
        func centreY(_ s: StrokeShape) -> Double { (s.box.y0 + s.box.y1) / 2 }
        func middle(_ y: Double) -> Double {  // 1 near the middle of the writing, falling off towards its edges
            let d = abs(y - midY) / H
            return d <= 0.25 ? 1 : d >= 0.45 ? 0.02 : 1 - 4.9 * (d - 0.25)
        }
        func horizontal(_ s: StrokeShape) -> Bool {
            NumberGeometry.angleGap(s.angle, 0) <= 25 && s.chord >= 0.1 * H && s.chord <= 2.5 * H
        }
        let gap = NumberGeometry.angleGap
        if lines.count == 1 && dots.isEmpty {
            let one = lines[0]
            if horizontal(one) { out.append(("-", 0.9 * middle(centreY(one)))) }
            let tall = one.box.y1 - one.box.y0
            if one.angle >= 22 && one.angle <= 88 && tall >= 0.3 * H {
                out.append(("/", one.angle <= 75 ? 0.9 : 0.9 - 0.6 * (one.angle - 75) / 13))
            }
        } else if lines.count == 1 && dots.count == 2 {
            let bar = lines[0], y = centreY(bar)
            let inside = dots.allSatisfy { d in
                let x = (d.box.x0 + d.box.x1) / 2
                return x >= bar.box.x0 - 0.1 * H && x <= bar.box.x1 + 0.1 * H
            }
            let above = dots.filter { centreY($0) < y }.count
            if horizontal(bar) && inside && above == 1 { out.append(("÷", 0.95 * middle(y))) }
        } else if lines.count == 2 && dots.isEmpty {
            let p = lines[0], q = lines[1]
            let cross = NumberGeometry.crossing(p.a, p.b, q.a, q.b)
            if let c = cross, c.t >= 0.1, c.t <= 0.9, c.u >= 0.1, c.u <= 0.9, gap(p.angle, q.angle) >= 50 {
                let axis = min(gap(p.angle, 0), gap(q.angle, 0), gap(p.angle, 90), gap(q.angle, 90))
                if axis <= 25 { out.append(("+", 0.95)) } else if axis >= 20 { out.append(("x", 0.95)) }
            } else if cross == nil && horizontal(p) && horizontal(q) {
                let top = centreY(p) < centreY(q) ? p : q, bottom = centreY(p) < centreY(q) ? q : p
                let g = centreY(bottom) - centreY(top)
                let overlap = min(p.box.x1, q.box.x1) - max(p.box.x0, q.box.x0)
                if g >= 0.08 * H && g <= 0.8 * H && overlap >= 0.5 * min(p.chord, q.chord) { out.append(("=", 0.95)) }
            }
        } else if lines.count >= 3 && dots.isEmpty {
            var all = true
            var i = 0
            while i < lines.count && all {
                var j = i + 1
                while j < lines.count && all {
                    if let c = NumberGeometry.crossing(lines[i].a, lines[i].b, lines[j].a, lines[j].b) {
                        all = c.t >= 0.1 && c.t <= 0.9 && c.u >= 0.1 && c.u <= 0.9
                    } else {
                        all = false
                    }
                    j += 1
                }
                i += 1
            }
            if all { out.append(("*", 0.9)) }
        }
        return out
    }

    /// The most likely operator of a glyph's strokes, or nil. Without H the glyph is taken
    /// alone: H twice its larger side, the middle its own.
    public static func classify(_ strokes: [InkStroke], H givenH: Double? = nil, midY givenMid: Double? = nil) -> String? {
        var H = givenH ?? 0, midY = givenMid ?? 0
        if givenH == nil, !strokes.isEmpty, !strokes.contains(where: { $0.points.isEmpty }) {
            let box = strokes.map { NumberGeometry.bounds($0.points) }.reduce(InkBox.empty) { $0.union($1) }
            H = max(box.y1 - box.y0, box.x1 - box.x0) * 2
            midY = (box.y0 + box.y1) / 2
        }
        var best: (op: String, score: Double)?
        for s in scores(strokes, H: H, midY: midY) where best == nil || s.score > best!.score { best = s }
        return best.flatMap { $0.score >= 0.5 ? $0.op : nil }
    }
}
