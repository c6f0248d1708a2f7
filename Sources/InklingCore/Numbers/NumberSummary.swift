import Foundation

/// From the search's final readings to the answer (numbers.js `textOf`, `meaningOf`,
/// `summarise`, `splitSum`, `explain`): the best text, its confidence, the doubt rule, a
/// sum's parts, and why a sum cannot be parsed.
enum NumberSummary {
    /// Readings' scores are not calibrated: a text's share uses exp(sharpen * score).
    static let sharpen = 1.5

    static func textOf(_ glyphs: [NumberSearch.Glyph]) -> String {
        glyphs.filter { $0.label.kind != .ignored }
            .map { $0.label.kind == .digit ? String($0.label.digit!) : $0.label.op! }.joined()
    }

    /// Texts that mean the same sum are one reading: x and * multiply, / and ÷ divide, and
    /// what follows = does not count.
    static func meaning(_ text: String) -> String {
        var t = text.replacingOccurrences(of: "*", with: "x").replacingOccurrences(of: "÷", with: "/")
        if let eq = t.firstIndex(of: "=") { t = String(t[..<eq]) }
        return t
    }

    static func publicGlyph(_ g: NumberSearch.Glyph) -> NumberReading.Glyph {
        let kind: NumberReading.Glyph.Kind = g.label.kind == .digit ? .digit : g.label.kind == .op ? .op : .ignored
        let r = g.run.reading
        return NumberReading.Glyph(kind: kind, digit: g.label.digit, op: g.label.op, p: g.label.p, box: g.box,
                                   probabilities: kind == .digit ? r?.probabilities : nil, input: kind == .digit ? r?.input : nil,
                                   pieces: g.run.pieces)
    }

    static func summarise(_ finals: [NumberSearch.Hypothesis], mode: NumberReading.Mode, unsureBelow: Double, H: Double) -> NumberReading {
        // Probability of each distinct text: sum of exp(sharpen * score) of its readings, normalised.
        var byText: [String: [Double]] = [:], order: [String] = []
        for h in finals {
            let t = meaning(textOf(h.glyphs))
            if byText[t] == nil { byText[t] = []; order.append(t) }
            byText[t]!.append(h.score)
        }
        let top = finals[0].score
        var total = 0.0, mass: [String: Double] = [:]
        for t in order {
            mass[t] = byText[t]!.reduce(0) { $0 + exp(sharpen * ($1 - top)) }
            total += mass[t]!
        }
        let alternatives = order.map { NumberReading.Alternative(text: $0, p: mass[$0]! / total) }.stableSorted { $0.p > $1.p }
        let bestText = textOf(finals[0].glyphs)
        let confidence = mass[meaning(bestText)]! / total
        let glyphs = finals[0].glyphs.map(publicGlyph)
        let weakDigit = glyphs.contains { $0.kind == .digit && $0.p < unsureBelow }
        var out = NumberReading()
        out.H = H
        out.text = bestText
        out.confidence = confidence
        out.unsure = confidence < unsureBelow || weakDigit
        out.alternatives = Array(alternatives.prefix(4))
        out.glyphs = glyphs
        out.ignoredRest = finals[0].rest
        if mode == .sum {
            let parts = splitSum(glyphs)
            out.left = parts.left; out.op = parts.op; out.right = parts.right
            out.expression = parts.left + (parts.op.flatMap { OperatorShapes.value[$0] } ?? "undefined") + parts.right
        }
        return out
    }

    /// Left number, operator and right number of a grammatical reading.
    static func splitSum(_ glyphs: [NumberReading.Glyph]) -> (left: String, op: String?, right: String) {
        var left = "", right = "", op: String?
        for g in glyphs {
            if g.kind == .op && g.op == "=" { break }
            if g.kind == .op { op = g.op } else if g.kind == .digit {
                if op == nil { left += String(g.digit!) } else { right += String(g.digit!) }
            }
        }
        return (left, op, right)
    }

    /// Why a sum cannot be read, and where (an index among the glyphs that are not ignored,
    /// -1 when no one glyph is at fault), from its free (ungrammatical) best reading.
    static func explain(_ glyphs: [NumberReading.Glyph]) -> (error: String, at: Int) {
        let t = glyphs.filter { $0.kind != .ignored }
        func shown(_ g: NumberReading.Glyph) -> String {
            g.kind == .digit ? String(g.digit!) : OperatorShapes.shown[g.op!] ?? g.op!
        }
        let text = t.map(shown).joined(separator: " ")
        if t.isEmpty { return ("Write a sum, like 12+7", -1) }
        let ops = t.indices.filter { t[$0].kind == .op && t[$0].op != "=" }
        if ops.isEmpty { return ("No operator between two numbers in \(text): write + − × or ÷ between them", -1) }
        if ops[0] == 0 { return ("The sum starts with \(shown(t[0])): write a number before it", 0) }
        for k in 0..<(t.count - 1) where t[k].kind == .op && t[k + 1].kind == .op && t[k + 1].op != "=" {
            return ("Two operators in a row (\(shown(t[k])) \(shown(t[k + 1]))) in \(text): write a number between them", k + 1)
        }
        if ops.count > 1 { return ("Only one operator at a time: \(text) has \(ops.count)", ops[1]) }
        let last = ops[0] == t.count - 1 || (ops[0] + 1 < t.count && t[ops[0] + 1].op == "=")
        if last { return ("Nothing after \(text): write the second number", ops[0]) }
        if let eq = t.firstIndex(where: { $0.op == "=" }), eq < ops[0] { return ("The = comes before the operator in \(text)", eq) }
        return ("Could not read \(text) as a sum", -1)
    }
}
