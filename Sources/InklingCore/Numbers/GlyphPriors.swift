import Foundation

/// Shape priors of the segmentation (numbers.js `runGeometry`, `digitShapePrior`,
/// `linkStrength`, `oneGlyphPrior`, `overlapPenalty`, `cutPenalty`): log-priors added to the
/// model's log-probabilities when runs of pieces are scored as glyphs.
enum GlyphPriors {
    /// log-prior of cutting through one connected blob of image ink.
    static let cutPenalty = -0.7

    struct RunGeometry {
        var box: InkBox
        /// The weakest link between the run's parts (see `linkStrength`); +infinity for one part.
        var weakest: Double
        var parts: Int
        /// Parts that are each as tall and wide as a digit.
        var full: Int
    }

    /// Geometry of the run of pieces [i, j): its box, and how weakly its parts hold together
    /// in x. Slices of one image blob are one part (their ink is connected). Sweeping the parts
    /// left to right, each link is the overlap between the parts so far and the next one.
    static func runGeometry(_ pieces: [InkPiece], _ i: Int, _ j: Int, H: Double) -> RunGeometry {
        var box = pieces[i].box
        var index: [String: Int] = [:], list: [InkBox] = []
        for k in i..<j {
            let p = pieces[k], id = p.blob ?? p.key
            box = box.union(p.box)
            if let at = index[id] { list[at] = list[at].union(p.box) } else { index[id] = list.count; list.append(p.box) }
        }
        list = list.stableSorted { $0.x0 < $1.x0 }
        let lo = list[0].x0
        var reach = list[0].x1, weakest = Double.infinity
        for b in list.dropFirst() {
            weakest = min(weakest, linkStrength(InkBox(x0: lo, y0: 0, x1: reach, y1: 0), b, H: H))
            reach = max(reach, b.x1)
        }
        let full = list.filter { $0.y1 - $0.y0 >= 0.55 * H && $0.x1 - $0.x0 >= 0.35 * H }.count
        return RunGeometry(box: box, weakest: weakest, parts: list.count, full: full)
    }

    /// log-prior of a digit's shape: not much wider than tall, not much shorter than the writing.
    static func digitShape(_ box: InkBox, H: Double) -> Double {
        let a = (box.x1 - box.x0) / H, hh = (box.y1 - box.y0) / H
        var s = 0.0
        if a > 0.95 { let e = (a - 0.95) / 0.2; s -= e * e }  // Math.pow(e, 2) is e * e
        if hh < 0.55 { let e = (0.55 - hh) / 0.15; s -= e * e }
        return s
    }

    /// How strongly two x-extents belong to one glyph: the larger of their overlap relative to
    /// the narrower (at least 0.2 H wide), over 0.5, and how deep the narrower's centre lies
    /// inside the wider, relative to its width, over 0.2. 1 or more: pieces of one glyph;
    /// 0: side by side; negative: a gap.
    static func linkStrength(_ a: InkBox, _ b: InkBox, H: Double) -> Double {
        let wa = a.x1 - a.x0, wb = b.x1 - b.x0
        let narrow = wa <= wb ? a : b, wide = wa <= wb ? b : a
        let overlap = min(a.x1, b.x1) - max(a.x0, b.x0)
        let rel = overlap / max(min(wa, wb), 0.2 * H)
        let c = (narrow.x0 + narrow.x1) / 2
        let depth = min(c - wide.x0, wide.x1 - c) / max(wide.x1 - wide.x0, 1e-9)
        return max(rel / 0.5, depth / 0.2)
    }

    /// log-prior that a run of parts is one glyph: parts side by side (a weak link) are two.
    /// Two parts that are each as tall and wide as a digit are two digits written into each
    /// other more often than one digit.
    static func oneGlyph(_ geo: RunGeometry) -> Double {
        let full = geo.full > 1 ? -1.5 * Double(geo.full - 1) : 0
        if geo.parts < 2 || geo.weakest >= 1 { return full }
        let z = 1 - max(geo.weakest, -6)
        return full - z * z
    }

    /// log-penalty for splitting two neighbouring glyphs that hold together in x: none for
    /// writing a little into each other, strong when one sits inside the other.
    static func overlap(_ a: InkBox?, _ b: InkBox, H: Double) -> Double {
        guard let a else { return 0 }
        let s = linkStrength(a, b, H: H)
        return s <= 0.3 ? 0 : -3 * (s - 0.3) * (s - 0.3)
    }

    /// A glyph boundary through one image blob costs `cutPenalty`.
    static func cut(_ a: [String]?, _ b: [String]) -> Double {
        guard let a, !a.isEmpty, !b.isEmpty else { return 0 }
        for x in b where a.contains(x) { return cutPenalty }
        return 0
    }
}
