/// The beam search over piece positions (numbers.js `nextState`, `search`, `prune`): dynamic
/// programming keeping the best `beam` partial readings per grammar state, scoring each glyph
/// with its label's log-probability plus the priors between neighbours.
enum NumberSearch {
    /// Most pieces in one glyph (a traced 8, a '*', a '÷').
    static let maxRun = 5
    /// Partial readings kept per position and grammar state.
    static let beam = 8

    struct Label {
        enum Kind { case digit, op, ignored }
        var kind: Kind
        var digit: Int?
        var op: String?
        var p: Double
        var score: Double
    }

    /// A candidate glyph: the run of pieces [i, j), read at most once.
    final class Candidate {
        let i: Int, j: Int
        let box: InkBox
        let pieces: [String]
        let blobs: [String]
        var labels: [Label] = []
        var reading: GlyphReading?
        init(i: Int, j: Int, box: InkBox, pieces: [String], blobs: [String]) {
            self.i = i; self.j = j; self.box = box; self.pieces = pieces; self.blobs = blobs
        }
    }

    struct Glyph {
        var label: Label
        var box: InkBox
        var run: Candidate
    }

    struct Hypothesis {
        var score: Double
        var state: Int
        var glyphs: [Glyph]
        var last: InkBox?
        var lastBlobs: [String]?
        var rest = false
    }

    /// Grammar states in sum mode: 0 start, 1 in the left number, 2 after the operator,
    /// 3 in the right number, 4 after '='. Number mode uses state 1 only (any digits).
    /// `free`: any sequence (to find what an unparseable sum says). -1: not allowed.
    static func nextState(_ state: Int, _ label: Label, mode: NumberReading.Mode, free: Bool) -> Int {
        if label.kind == .ignored { return state }
        if mode != .sum { return label.kind == .digit ? 1 : -1 }
        if free { return 1 }
        if state == 4 { return -1 }
        if label.kind == .digit {
            return state == 0 ? 1 : state == 1 ? 1 : state == 2 ? 3 : state == 3 ? 3 : -1
        }
        if label.op == "=" { return state == 3 ? 4 : -1 }
        return state == 1 ? 2 : -1
    }

    /// The final readings over `n` pieces, best first.
    static func search(_ n: Int, candidate: (Int, Int) throws -> Candidate, mode: NumberReading.Mode, free: Bool,
                       H: Double) rethrows -> [Hypothesis] {
        var beams = [[Hypothesis]](repeating: [], count: n + 1)
        beams[0].append(Hypothesis(score: 0, state: 0, glyphs: [], last: nil, lastBlobs: nil))
        for i in 0..<n {
            let here = prune(beams[i])
            if here.isEmpty { continue }
            for j in (i + 1)...min(n, i + maxRun) {
                let c = try candidate(i, j)
                for label in c.labels {
                    for hyp in here {
                        let state = nextState(hyp.state, label, mode: mode, free: free)
                        if state < 0 { continue }
                        let glyph = Glyph(label: label, box: c.box, run: c)
                        let ignored = label.kind == .ignored
                        let move = ignored ? 0 : GlyphPriors.overlap(hyp.last, c.box, H: H) + GlyphPriors.cut(hyp.lastBlobs, c.blobs)
                        beams[j].append(Hypothesis(score: hyp.score + label.score + move, state: state, glyphs: hyp.glyphs + [glyph],
                                                   last: ignored ? hyp.last : c.box, lastBlobs: ignored ? hyp.lastBlobs : c.blobs))
                    }
                }
            }
            // After '=' the rest of the ink (the answer someone wrote) is ignored.
            for hyp in here where hyp.state == 4 && i < n {
                beams[n].append(Hypothesis(score: hyp.score, state: 4, glyphs: hyp.glyphs, last: hyp.last, lastBlobs: nil, rest: true))
            }
        }
        let finals = prune(beams[n]).filter { h in
            mode != .sum || free ? h.state != 0 : h.state == 3 || h.state == 4
        }
        return finals.stableSorted { $0.score > $1.score }
    }

    /// The best `beam` hypotheses of each state, states in ascending order (the order in
    /// which JavaScript enumerates an object's integer keys).
    static func prune(_ list: [Hypothesis]) -> [Hypothesis] {
        var byState: [Int: [Hypothesis]] = [:]
        for h in list { byState[h.state, default: []].append(h) }
        var out: [Hypothesis] = []
        for s in byState.keys.sorted() {
            out += byState[s]!.stableSorted { $0.score > $1.score }.prefix(beam)
        }
        return out
    }
}
