/// Charts for the model card as inline SVG, drawn at build time (no charting library).
///
/// Colours come from CSS classes defined by the page (`.cm-cell`, `.curve-a` ...), so
/// the charts follow the light and dark schemes; the SVG itself carries only geometry and
/// opacities. Every text is escaped; numbers use fixed formatting for byte-identical output.
enum SVGCharts {
    /// A 10x10 confusion matrix as a heat map. `confusion[t][p]` counts images of true
    /// label t predicted as p. Diagonal cells are shaded by row accuracy, off-diagonal cells
    /// by a square-root scale of their count relative to the largest error, so that rare
    /// mistakes stay visible next to thousands of correct answers.
    static func confusionHeatMap(_ confusion: [[Int]]) -> String {
        let n = confusion.count
        let cell = 34, left = 46, top = 40
        let size = left + n * cell + 8
        let maxError = max(1, confusion.enumerated().flatMap { t, row in row.enumerated().filter { $0.offset != t }.map(\.element) }.max() ?? 1)
        var s = "<svg class=\"chart\" viewBox=\"0 0 \(size) \(top + n * cell + 8)\" width=\"\(size)\" height=\"\(top + n * cell + 8)\" role=\"img\" aria-labelledby=\"cm-title\">"
        s += "<title id=\"cm-title\">Confusion matrix: rows are true labels, columns are predicted labels</title>"
        s += "<text class=\"axis-label\" x=\"\(left + n * cell / 2)\" y=\"12\" text-anchor=\"middle\">predicted</text>"
        s += "<text class=\"axis-label\" x=\"12\" y=\"\(top + n * cell / 2)\" text-anchor=\"middle\" transform=\"rotate(-90 12 \(top + n * cell / 2))\">true</text>"
        for i in 0..<n {
            s += "<text class=\"tick\" x=\"\(left + i * cell + cell / 2)\" y=\"\(top - 8)\" text-anchor=\"middle\">\(i)</text>"
            s += "<text class=\"tick\" x=\"\(left - 8)\" y=\"\(top + i * cell + cell / 2 + 4)\" text-anchor=\"end\">\(i)</text>"
        }
        for (t, row) in confusion.enumerated() {
            let rowTotal = max(1, row.reduce(0, +))
            for (p, count) in row.enumerated() {
                let diagonal = t == p
                let shade = diagonal ? Double(count) / Double(rowTotal) : (Double(count) / Double(maxError)).squareRoot()
                let x = left + p * cell, y = top + t * cell
                let cls = diagonal ? "cm-cell cm-diag" : "cm-cell cm-error"
                s += "<rect class=\"\(cls)\" x=\"\(x)\" y=\"\(y)\" width=\"\(cell - 2)\" height=\"\(cell - 2)\" fill-opacity=\"\(Fmt.fixed(count == 0 ? 0.04 : 0.12 + 0.88 * shade, 3))\">"
                s += "<title>true \(t), predicted \(p): \(count)</title></rect>"
                if count > 0 {
                    let strong = shade > 0.55 ? " strong" : ""
                    s += "<text class=\"cm-count\(strong)\" x=\"\(x + cell / 2 - 1)\" y=\"\(y + cell / 2 + 3)\" text-anchor=\"middle\">\(count)</text>"
                }
            }
        }
        return s + "</svg>"
    }

    /// One line per series over epochs 1...n, with y ticks. `series` are (css class, label,
    /// values); all share the y range [yMin, yMax].
    static func lineChart(title: String, id: String, series: [(cls: String, label: String, values: [Double])],
                          yMin: Double, yMax: Double, yFormat: (Double) -> String) -> String {
        let width = 340, height = 212, left = 52, right = 12, top = 30, bottom = 34
        let plotW = Double(width - left - right), plotH = Double(height - top - bottom)
        let epochs = series.map(\.values.count).max() ?? 0
        let span = yMax > yMin ? yMax - yMin : 1
        func px(_ i: Int) -> Double { Double(left) + (epochs <= 1 ? plotW / 2 : plotW * Double(i) / Double(epochs - 1)) }
        func py(_ v: Double) -> Double { Double(top) + plotH * (1 - (min(max(v, yMin), yMax) - yMin) / span) }

        var s = "<svg class=\"chart\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-labelledby=\"\(id)-title\">"
        s += "<title id=\"\(id)-title\">\(HTML.escape(title))</title>"
        for k in 0...4 {
            let v = yMin + span * Double(k) / 4
            let y = Fmt.fixed(py(v), 1)
            s += "<line class=\"grid\" x1=\"\(left)\" x2=\"\(width - right)\" y1=\"\(y)\" y2=\"\(y)\"/>"
            s += "<text class=\"tick\" x=\"\(left - 6)\" y=\"\(y)\" dy=\"4\" text-anchor=\"end\">\(HTML.escape(yFormat(v)))</text>"
        }
        for i in 0..<epochs where epochs <= 12 || i % ((epochs + 9) / 10) == 0 || i == epochs - 1 {
            s += "<text class=\"tick\" x=\"\(Fmt.fixed(px(i), 1))\" y=\"\(height - bottom + 16)\" text-anchor=\"middle\">\(i + 1)</text>"
        }
        s += "<text class=\"axis-label\" x=\"\(left + Int(plotW) / 2)\" y=\"\(height - 4)\" text-anchor=\"middle\">epoch</text>"
        for (k, line) in series.enumerated() where !line.values.isEmpty {
            let points = line.values.enumerated().map { "\(Fmt.fixed(px($0.offset), 1)),\(Fmt.fixed(py($0.element), 1))" }
            s += "<polyline class=\"curve \(line.cls)\" fill=\"none\" points=\"\(points.joined(separator: " "))\"/>"
            for p in points {
                let xy = p.split(separator: ",")
                s += "<circle class=\"dot \(line.cls)\" cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"2.5\"/>"
            }
            // Legend above the plot, left to right, so it never covers a curve.
            let lx = left + 90 * k
            s += "<line class=\"curve \(line.cls)\" x1=\"\(lx)\" x2=\"\(lx + 16)\" y1=\"10\" y2=\"10\"/>"
            s += "<text class=\"legend\" x=\"\(lx + 20)\" y=\"14\">\(HTML.escape(line.label))</text>"
        }
        return s + "</svg>"
    }
}
