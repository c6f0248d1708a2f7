import Foundation

/// Reads a number or a sum from an image and/or pen strokes: the Swift twin of numbers.js
/// `read`, step for step (docs/numbers.md). In short:
///   1. Pieces: image ink split into 8-connected blobs, wide blobs sliced at candidate cuts
///      (`InkPieces`); strokes as drawn.
///   2. Pieces ordered by the centre of their x-extent; every run of up to 5 is a candidate
///      glyph, rendered black on white and read by the model (`GlyphReader`), once.
///   3. A beam search picks the segmentation and labels maximising the sum of log p(label)
///      plus shape priors (`NumberSearch`, `GlyphPriors`); operators come from stroke
///      geometry (`OperatorShapes`).
///   4. The readings left are grouped by text; the best text's share is its confidence, and
///      below `unsureBelow` (or with a weak digit) the reading is unsure (`NumberSummary`).
/// Computed in Double, as JavaScript computes, so both make the same decisions; the golden
/// values (`GoldenNumbers`) check that they do.
public struct NumberReader {
    public var mode: NumberReading.Mode
    public var glyphReader: GlyphReader
    /// Doubt threshold: the model's `calibration.unsure_below`.
    public var unsureBelow: Double
    /// Writing smaller than this (source units) is too small to read; nil: any size.
    public var minHeight: Double?

    /// Pixels per writing height when strokes are rendered for the model.
    static let readPixels = 64.0
    /// Model pen width as a fraction of the writing height.
    static let penOfH = 0.1
    static let labelsPerGlyph = 3
    /// A sum whose best parse is e^5 less likely than the free reading is an error.
    static let ungrammatical = 5.0
    /// Runs whose one-glyph prior is below this are not read at all.
    static let hopeless = -9.0

    public init(mode: NumberReading.Mode, glyphReader: GlyphReader, unsureBelow: Double, minHeight: Double? = nil) {
        self.mode = mode; self.glyphReader = glyphReader; self.unsureBelow = unsureBelow; self.minHeight = minHeight
    }

    /// Reads `image` (RGBA) and/or `strokes` (in the image's pixels when both are given).
    public func read(image: RGBAImage?, strokes allStrokes: [InkStroke] = []) throws -> NumberReading {
        let unsureBelow = self.unsureBelow != 0 ? self.unsureBelow : 0.75
        let strokes = allStrokes.filter { !$0.points.isEmpty }
        var pieces: [InkPiece] = [], H = 0.0, scale = 1.0
        if let image {
            let ip = InkPieces.imagePieces(image, prefix: "i1")
            pieces = ip.pieces; H = ip.H
        }
        if !strokes.isEmpty {
            let groups = StrokeGroups.group(strokes, width: 0)
            H = max(H, StrokeGroups.typicalHeight(groups.map(\.box)))
        }
        if pieces.isEmpty && strokes.isEmpty { return NumberReading(empty: true) }
        if let minHeight, minHeight != 0, H < minHeight { return NumberReading(tooSmall: true, H: H) }
        if !(H > 0) { return NumberReading(tooSmall: true, H: H) }
        if !strokes.isEmpty {
            if image == nil {
                // Strokes alone: render at readPixels per writing height, H rounded to quarter
                // octaves (the page's cache survives small changes of H while writing).
                let q = jsRound(log2(H) * 4) / 4
                scale = Self.readPixels / pow(2, q)
            }
            pieces += InkPieces.strokePieces(strokes, scale: scale, radius: max(0.75, Self.penOfH * H * scale / 2))
        }
        Self.deslant(&pieces, strokes: strokes)
        for k in pieces.indices { pieces[k].cx = (pieces[k].box.x0 + pieces[k].box.x1) / 2 }
        pieces = pieces.stableSorted { a, b in a.cx < b.cx || (a.cx == b.cx && a.box.y0 < b.box.y0) }

        let centre = { (p: InkPiece) in (p.box.y0 + p.box.y1) / 2 }
        let midY = NumberGeometry.median(pieces.filter { $0.box.y1 - $0.box.y0 >= 0.5 * H }.map(centre))
            ?? NumberGeometry.median(pieces.map(centre))!
        let n = pieces.count
        let mode = self.mode, reader = glyphReader

        // Candidate glyphs: runs [i, j) of up to maxRun pieces, read lazily once each.
        var runs: [Int: NumberSearch.Candidate] = [:]
        var cache: [String: GlyphReading] = [:]
        var blobLines: [String: [InkStroke]?] = [:]
        func candidate(_ i: Int, _ j: Int) throws -> NumberSearch.Candidate {
            if let c = runs[i * (n + 1) + j] { return c }
            let geo = GlyphPriors.runGeometry(pieces, i, j, H: H)
            let list = Array(pieces[i..<j])
            let c = NumberSearch.Candidate(i: i, j: j, box: geo.box, pieces: list.map(\.key), blobs: list.compactMap(\.blob))
            runs[i * (n + 1) + j] = c
            if geo.box.x1 - geo.box.x0 > 2.6 * H { return c }  // wider than any glyph
            let gapPrior = GlyphPriors.oneGlyph(geo)
            if gapPrior < Self.hopeless { return c }          // parts far apart: never one glyph, not read
            let key = list.map(\.key).sorted().joined(separator: ",")
            let r: GlyphReading
            if let hit = cache[key] { r = hit } else {
                r = try reader.read(InkPieces.render(list.map(\.patch)))
                cache[key] = r
            }
            c.reading = r
            var ops: [(op: String, score: Double)] = [], opMax = 0.0
            if mode == .sum, let ink = BlobStrokes.operatorInk(list, H: H, cache: &blobLines) {
                ops = OperatorShapes.scores(ink, H: H, midY: midY)
                for o in ops { opMax = max(opMax, o.score) }
            }
            if !r.blank, let probabilities = r.probabilities {
                let order = Array(0..<probabilities.count).stableSorted { probabilities[$0] > probabilities[$1] }
                let shape = GlyphPriors.digitShape(geo.box, H: H) + gapPrior + Self.log(1 - opMax)
                for d in order.prefix(Self.labelsPerGlyph) {
                    c.labels.append(.init(kind: .digit, digit: d, op: nil, p: probabilities[d], score: Self.log(probabilities[d]) + shape))
                }
            } else if geo.box.x1 - geo.box.x0 < 0.3 * H && geo.box.y1 - geo.box.y0 < 0.3 * H && opMax == 0 {
                c.labels.append(.init(kind: .ignored, digit: nil, op: nil, p: 1, score: Self.log(0.2)))  // a speck, not a glyph
            }
            for o in ops { c.labels.append(.init(kind: .op, digit: nil, op: o.op, p: o.score, score: Self.log(o.score) + gapPrior)) }
            return c
        }

        let best = try NumberSearch.search(n, candidate: candidate, mode: mode, free: false, H: H)
        // A sum is unreadable when no grammatical reading exists, or when the best one is far
        // less likely than the best reading without grammar (the + of "12+" read as "-" and "4").
        let free = mode == .sum ? try NumberSearch.search(n, candidate: candidate, mode: mode, free: true, H: H) : []
        if mode == .sum && (best.isEmpty || (!free.isEmpty && best[0].score < free[0].score - Self.ungrammatical)) {
            let tokens = (free.first?.glyphs ?? []).map(NumberSummary.publicGlyph)
            let why = NumberSummary.explain(tokens)
            var out = NumberReading()
            out.text = NumberSummary.textOf(free.first?.glyphs ?? [])
            out.confidence = 0
            out.unsure = true
            out.glyphs = tokens
            out.H = H
            out.error = why.error
            out.errorAt = why.at
            return out
        }
        if best.isEmpty { return NumberReading(empty: true) }
        return NumberSummary.summarise(best, mode: mode, unsureBelow: unsureBelow, H: H)
    }

    static func log(_ p: Double) -> Double { Foundation.log(max(p, 1e-9)) }

    /// Italic writing leans, so neighbours overlap in x. The lean k (dx per unit of height,
    /// positive when tops lean right) is measured on the near-vertical parts of the strokes;
    /// the x-geometry of stroke pieces (box, order) is then taken on x + (y - middle) k. The
    /// model still sees the ink as written.
    static func deslant(_ pieces: inout [InkPiece], strokes: [InkStroke]) {
        var sx = 0.0, sy = 0.0, ys: [Double] = []
        for s in strokes {
            let p = s.points
            for i in p.indices.dropFirst() {
                let dx = p[i].x - p[i - 1].x, dy = p[i].y - p[i - 1].y
                if abs(dy) > 2 * abs(dx) { sx -= dx * (dy > 0 ? 1 : -1); sy += abs(dy) }
                ys.append(p[i].y)
            }
        }
        if !(sy > 0) { return }
        let k = max(-0.6, min(0.6, sx / sy))
        if abs(k) < 0.05 { return }
        let mid = NumberGeometry.median(ys)!
        for i in pieces.indices {
            guard let stroke = pieces[i].stroke else { continue }
            pieces[i].box = NumberGeometry.bounds(stroke.points.map { InkPoint($0.x + ($0.y - mid) * k, $0.y) })
        }
    }
}

/// The digit model as numbers.js `modelReader` wraps it: preprocess (bit for bit the
/// JavaScript `Inkling.preprocess`), then the classifier's calibrated probabilities.
public struct GlyphReader {
    public let read: (RGBAImage) throws -> GlyphReading

    public init(read: @escaping (RGBAImage) throws -> GlyphReading) { self.read = read }

    /// Reads glyphs with `classifier`, personalized by `personalizer` when there is one (as
    /// the page reads numbers with its taught model); a non-finite output is an error naming `file`.
    public static func model(_ classifier: Classifier, personalizer: Personalizer? = nil, file: String) -> GlyphReader {
        GlyphReader { image in
            let pre = Preprocessor.preprocess(image)
            if pre.blank { return GlyphReading(blank: true, input: pre.input, probabilities: nil, digit: nil, confidence: 0) }
            let p = personalizer?.predict(pre.input) ?? classifier.predict(pre.input)
            guard p.logits.allSatisfy(\.isFinite), p.probabilities.allSatisfy(\.isFinite) else {
                throw PNGError(file: file, kind: .nonFiniteOutput,
                               problem: "the model gave NaN or infinite logits for a glyph of this image (are its weights extreme?)")
            }
            return GlyphReading(blank: false, input: pre.input, probabilities: p.probabilities.map(Double.init), digit: p.digit,
                                confidence: Double(p.confidence))
        }
    }
}
