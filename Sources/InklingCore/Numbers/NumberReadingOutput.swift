import Foundation

extension FileNumberReading {
    /// One JSON object on one line: `file`, `mode`, `status` ("read", "unsure", "error",
    /// "empty", "too-small"), `text`, `confidence`, `unsure`, `runner_up`, `alternatives`
    /// [{text, p}], `height`, `ignored_rest`, `glyphs` [{kind, digit, op, p, box [x0, y0, x1,
    /// y1], probabilities}], and in sum mode `left`, `operator`, `right`, `expression`,
    /// `value`, `value_error`, `error`, `error_at`.
    public func jsonLine() -> String {
        let r = reading
        func num(_ x: Double) -> String { x.isFinite ? (x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)") : "null" }
        func str(_ s: String?) -> String { s.map(JSONText.string) ?? "null" }
        func int(_ i: Int?) -> String { i.map(String.init) ?? "null" }
        let glyphs = r.glyphs.map { g -> String in
            let box = [g.box.x0, g.box.y0, g.box.x1, g.box.y1].map(num).joined(separator: ",")
            let probs = g.probabilities.map { "[" + $0.map(num).joined(separator: ",") + "]" } ?? "null"
            return "{\"kind\":\(str(g.kind.rawValue)),\"digit\":\(int(g.digit)),\"op\":\(str(g.op)),\"p\":\(num(g.p)),"
                + "\"box\":[\(box)],\"probabilities\":\(probs)}"
        }
        let alternatives = r.alternatives.map { "{\"text\":\(str($0.text)),\"p\":\(num($0.p))}" }
        var fields: [(String, String)] = [
            ("file", str(file)), ("mode", str(mode.rawValue)), ("status", str(status)),
            ("text", r.empty || r.tooSmall ? "null" : str(r.text)),
            ("confidence", r.empty || r.tooSmall ? "null" : num(r.confidence)),
            ("unsure", String(r.unsure)), ("runner_up", str(r.runnerUp)),
            ("alternatives", "[" + alternatives.joined(separator: ",") + "]"),
            ("height", num(r.H)), ("ignored_rest", String(r.ignoredRest)),
            ("glyphs", "[" + glyphs.joined(separator: ",") + "]"),
        ]
        if mode == .sum {
            fields += [("left", str(r.left)), ("operator", str(r.op)), ("right", str(r.right)), ("expression", str(r.expression)),
                       ("value", str(value?.value)), ("value_error", str(value?.error)),
                       ("error", str(r.error)), ("error_at", int(r.errorAt))]
        }
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    /// "read", "unsure", "error" (a sum that cannot be parsed), "empty" or "too-small".
    public var status: String {
        if reading.empty { return "empty" }
        if reading.tooSmall { return "too-small" }
        if reading.error != nil { return "error" }
        return reading.unsure ? "unsure" : "read"
    }

    /// For people: `47.png: 47 (96.2%)`, `blur.png: not sure: 47 or 4? (47: 58.0%)`,
    /// `sum.png: 12 + 7 = 19 (97.0%)`, `bad.png: cannot read the sum: <why> (glyph 3)`; then
    /// one line with each glyph and its probability.
    public var humanText: String {
        let r = reading
        let percent = { (p: Double) in String(format: "%.1f%%", p * 100) }
        if r.empty { return "\(file): blank, no ink found" }
        if r.tooSmall { return "\(file): the writing is too small to read" }
        let shownText = r.glyphs.filter { $0.kind != .ignored }
            .map { $0.kind == .digit ? String($0.digit!) : OperatorShapes.shown[$0.op!] ?? $0.op! }.joined(separator: " ")
        if let error = r.error {
            let at = (r.errorAt ?? -1) >= 0 ? " (glyph \(r.errorAt! + 1))" : ""
            return "\(file): cannot read the sum: \(error)\(at)" + (shownText.isEmpty ? "" : "\n  read: \(shownText)")
        }
        var head: String
        if mode == .sum, let left = r.left, let op = r.op, let right = r.right {
            let sum = "\(left) \(OperatorShapes.shown[op] ?? op) \(right)"
            let value = self.value.map { $0.error ?? $0.value } ?? "?"
            head = "\(sum) = \(value)"
        } else {
            head = r.text
        }
        head = r.unsure ? "not sure: \(NumberSummary.meaning(r.text)) or \(r.runnerUp ?? "?")? (\(head): \(percent(r.confidence)))"
                        : "\(head) (\(percent(r.confidence)))"
        let parts = r.glyphs.filter { $0.kind != .ignored }.map { g -> String in
            let what = g.kind == .digit ? String(g.digit!) : OperatorShapes.shown[g.op!] ?? g.op!
            return "\(what) \(percent(g.p)) at x \(Int(g.box.x0.rounded(.down)))-\(Int(g.box.x1.rounded(.up)))"
        }
        return "\(file): \(head)\n  " + parts.joined(separator: "  ")
    }
}
