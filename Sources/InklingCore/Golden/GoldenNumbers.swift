import Foundation

/// The number-reading golden values: `"numbers"` in weights/golden.json. Each case is a raw
/// image (and/or pen strokes), a mode (number or sum) and what the Swift reader
/// (`NumberReader`) made of it: status, text, doubt, alternatives, each glyph's kind, digit
/// or operator, probability and box, and for a sum its expression or the error and where.
/// `inkling golden --check` re-reads them in Swift; Tests/js/numbers-golden.test.js runs
/// numbers.js on the same pixels and strokes and must agree: identical text, doubt, glyphs,
/// boxes and errors, probabilities within `tolerances` (docs/numbers.md).
public struct GoldenNumbers: Codable, Sendable {
    public struct Tolerances: Codable, Sendable, Equatable {
        /// A glyph's probability or operator score; the reading's confidence and alternatives.
        public var p: Double, confidence: Double, box: Double
    }
    /// Max absolute differences; everything else must be identical.
    public static let defaultTolerances = Tolerances(p: 1e-5, confidence: 1e-4, box: 1e-9)

    public struct Glyph: Codable, Sendable {
        public var kind: String
        public var digit: Int?
        public var op: String?
        public var p: Double
        /// [x0, y0, x1, y1] in source units.
        public var box: [Double]
    }
    public struct Alternative: Codable, Sendable { public var text: String; public var p: Double }

    public struct Result: Codable, Sendable {
        /// "read", "unsure", "error", "empty" or "too-small".
        public var status: String
        public var text: String
        public var confidence: Double
        public var unsure: Bool
        public var height: Double
        public var alternatives: [Alternative]
        public var glyphs: [Glyph]
        public var expression: String?
        public var error: String?
        public var errorAt: Int?
        enum CodingKeys: String, CodingKey { case status, text, confidence, unsure, height, alternatives, glyphs, expression, error, errorAt = "error_at" }
    }

    public struct Case: Codable, Sendable {
        public var name: String
        /// "number" or "sum".
        public var mode: String
        /// What was written (informational, not checked): "47", "12+7".
        public var written: String
        public var raw: GoldenFile.Raw?
        /// Pen strokes in the image's pixels (or pad units without an image): [[x, y], ...] each.
        public var strokes: [[[Double]]]
        public var result: Result
    }

    /// The model's unsure_below, which the readers are given.
    public var unsureBelow: Double
    public var tolerances: Tolerances
    public var cases: [Case]

    enum CodingKeys: String, CodingKey { case unsureBelow = "unsure_below", tolerances, cases }

    // MARK: - The inputs

    struct Input {
        var name: String, mode: NumberReading.Mode, written: String
        var image: RGBAImage?
        var strokes: [InkStroke]
    }

    /// The cases: composites of real MNIST test digits (apart, touching, overlapping, mixed
    /// sizes, long), sums with stroke operators in every form, a sum with its operator inked
    /// into the image (operators are read from strokes only: it cannot be parsed), pen-drawn
    /// numbers and sums (straight and slanted, an unparseable one, an answered one), doubt,
    /// blank paper.
    static func inputs(test: Dataset) -> [Input] {
        var out: [Input] = []
        func composite(_ name: String, _ mode: NumberReading.Mode, _ text: String, gap: Int, seed: UInt32, sizes: [Double] = [1],
                       operators: NumberComposer.Operators = .strokes) {
            let c = NumberComposer.compose(text, test: test, gap: gap, seed: seed, sizes: sizes, operators: operators)
            out.append(Input(name: name, mode: mode, written: text, image: c.image, strokes: c.strokes))
        }
        composite("mnist-47-apart", .number, "47", gap: 4, seed: 1)
        composite("mnist-12-touching", .number, "12", gap: 0, seed: 2)
        composite("mnist-2026-touching", .number, "2026", gap: 0, seed: 3)
        composite("mnist-390-tight", .number, "390", gap: 1, seed: 4)
        composite("mnist-58-overlapping-1", .number, "58", gap: -1, seed: 5)
        composite("mnist-731-overlapping-2", .number, "731", gap: -2, seed: 6)
        composite("mnist-8642-overlapping-3", .number, "8642", gap: -3, seed: 7)
        composite("mnist-1111-ones", .number, "1111", gap: 2, seed: 8)
        composite("mnist-905-sizes-small-large", .number, "905", gap: 1, seed: 9, sizes: [0.7, 1.4, 1])
        composite("mnist-63-sizes-large-small", .number, "63", gap: 0, seed: 10, sizes: [1.5, 0.8])
        composite("mnist-4759-sizes-mixed-touching", .number, "4759", gap: 0, seed: 11, sizes: [1.2, 0.9, 1.1, 0.8])
        composite("mnist-31415926-long", .number, "31415926", gap: 1, seed: 12)
        composite("mnist-7-single", .number, "7", gap: 0, seed: 13)
        composite("mnist-44-overlapping-6-doubt", .number, "44", gap: -6, seed: 14)
        composite("mnist-sum-12+7", .sum, "12+7", gap: 2, seed: 20)
        composite("mnist-sum-9-3-touching", .sum, "9-3", gap: 0, seed: 21)
        composite("mnist-sum-8/2", .sum, "8/2", gap: 2, seed: 22)
        composite("mnist-sum-6x4", .sum, "6x4", gap: 2, seed: 23)
        composite("mnist-sum-3*5", .sum, "3*5", gap: 2, seed: 24)
        composite("mnist-sum-84÷2", .sum, "84÷2", gap: 2, seed: 25)
        composite("mnist-sum-12+75=", .sum, "12+75=", gap: 2, seed: 26)
        composite("mnist-sum-5+", .sum, "5+", gap: 2, seed: 27)
        composite("mnist-sum-47-no-operator", .sum, "47", gap: 3, seed: 28)
        composite("mnist-sum-12+7-operator-inked", .sum, "12+7", gap: 2, seed: 29, operators: .inked)
        // Opened images: every operator inked into the picture (BlobStrokes reads it back).
        composite("mnist-sum-82-4-inked", .sum, "82-4", gap: 3, seed: 30, operators: .inked)
        composite("mnist-sum-6x4-inked", .sum, "6x4", gap: 3, seed: 31, operators: .inked)
        composite("mnist-sum-8/2-inked", .sum, "8/2", gap: 3, seed: 32, operators: .inked)
        composite("mnist-sum-84÷2-inked", .sum, "84÷2", gap: 3, seed: 33, operators: .inked)
        composite("mnist-sum-3*5-inked", .sum, "3*5", gap: 3, seed: 34, operators: .inked)
        composite("mnist-sum-12+75=-inked", .sum, "12+75=", gap: 3, seed: 35, operators: .inked)
        func hand(_ name: String, _ mode: NumberReading.Mode, _ text: String, gap: Double = 0.03, slant: Double = 0) {
            out.append(Input(name: name, mode: mode, written: text, image: nil, strokes: NumberComposer.handwrite(text, gap: gap, slant: slant)))
        }
        hand("pen-2026", .number, "2026")
        hand("pen-47-touching", .number, "47", gap: -0.01)
        hand("pen-3815-slanted", .number, "3815", gap: 0.01, slant: 15)
        hand("pen-sum-12+7", .sum, "12+7")
        hand("pen-sum-9-3", .sum, "9-3")
        hand("pen-sum-12+7=19", .sum, "12+7=19")
        hand("pen-sum-12+", .sum, "12+")
        hand("pen-sum-6x+2", .sum, "6x+2")
        out.append(Input(name: "blank-paper", mode: .number, written: "", image: RGBAImage(width: 60, height: 40, grey: [UInt8](repeating: 255, count: 2400)), strokes: []))
        return out
    }

    // MARK: - Making and checking

    static func reader(_ mode: NumberReading.Mode, classifier: Classifier, unsureBelow: Double) -> NumberReader {
        NumberReader(mode: mode, glyphReader: .model(classifier, file: "golden number case"), unsureBelow: unsureBelow)
    }

    static func result(_ r: NumberReading) -> Result {
        let status = r.empty ? "empty" : r.tooSmall ? "too-small" : r.error != nil ? "error" : r.unsure ? "unsure" : "read"
        return Result(status: status, text: r.text, confidence: r.confidence, unsure: r.unsure, height: r.H,
                      alternatives: r.alternatives.map { Alternative(text: $0.text, p: $0.p) },
                      glyphs: r.glyphs.map { Glyph(kind: $0.kind.rawValue, digit: $0.digit, op: $0.op, p: $0.p,
                                                   box: [$0.box.x0, $0.box.y0, $0.box.x1, $0.box.y1]) },
                      expression: r.expression, error: r.error, errorAt: r.errorAt)
    }

    /// Reads every case with the Swift reader and records the answers.
    public static func make(test: Dataset, classifier: Classifier) throws -> GoldenNumbers {
        let unsureBelow = Double(classifier.file.calibration.unsureBelow)
        let cases = try inputs(test: test).map { input -> Case in
            let r = try reader(input.mode, classifier: classifier, unsureBelow: unsureBelow).read(image: input.image, strokes: input.strokes)
            let raw = input.image.map { image -> GoldenFile.Raw in
                let g = GoldenInput(name: input.name, kind: "number", label: nil, image: image, preprocess: true)
                let bytes = g.encoding == .rgba ? image.pixels : stride(from: 0, to: image.pixels.count, by: 4).map { image.pixels[$0] }
                return GoldenFile.Raw(encoding: g.encoding, width: image.width, height: image.height, data: Data(bytes).base64EncodedString())
            }
            return Case(name: input.name, mode: input.mode.rawValue, written: input.written, raw: raw,
                        strokes: input.strokes.map { $0.points.map { [$0.x, $0.y] } }, result: result(r))
        }
        return GoldenNumbers(unsureBelow: unsureBelow, tolerances: defaultTolerances, cases: cases)
    }

    /// Re-reads every case in Swift: a report of the number cases alone.
    public static func check(_ section: GoldenNumbers, path: String, classifier: Classifier) throws -> GoldenReport {
        var report = GoldenReport(count: 0)
        try check(section, path: path, classifier: classifier, into: &report)
        return report
    }

    /// Re-reads every case in Swift and adds any difference to `report` (tolerances are the
    /// code's, never the file's).
    public static func check(_ section: GoldenNumbers, path: String, classifier: Classifier, into report: inout GoldenReport) throws {
        report.count += section.cases.count
        if section.cases.isEmpty {
            report.failures.append(.init(caseName: "(numbers)", field: "cases", detail: "the numbers section has no cases"))
        }
        let tol = defaultTolerances
        for c in section.cases {
            guard let mode = NumberReading.Mode(rawValue: c.mode) else {
                throw GoldenError(file: path, "numbers case \(c.name.prefix(64)): mode must be \"number\" or \"sum\", found \"\(c.mode.prefix(20))\"")
            }
            let image = try c.raw.map { try GoldenFile.image(name: c.name, raw: $0, file: path) }
            let strokes = try c.strokes.enumerated().map { k, s -> InkStroke in
                guard s.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isFinite) }) else {
                    throw GoldenError(file: path, "numbers case \(c.name.prefix(64)): stroke \(k) must be a list of [x, y] finite numbers")
                }
                return InkStroke(points: s.map { InkPoint($0[0], $0[1]) })
            }
            try checkLimits(c.name, strokes: strokes, image: image, path: path)
            let got = result(try reader(mode, classifier: classifier, unsureBelow: section.unsureBelow).read(image: image, strokes: strokes))
            compare(c.name, got, c.result, tol, &report)
        }
    }

    /// Most strokes, points per stroke, and reading pixels per side a case may ask for: the
    /// reader renders every stroke, so a crafted file could otherwise ask for gigabytes.
    public static let maxStrokes = 64, maxPoints = 2000, maxReadingSide = 8192.0

    static func checkLimits(_ name: String, strokes: [InkStroke], image: RGBAImage?, path: String) throws {
        func fail(_ problem: String) -> GoldenError { GoldenError(file: path, "numbers case \(name.prefix(64)): \(problem)") }
        guard strokes.count <= maxStrokes, strokes.allSatisfy({ $0.points.count <= maxPoints }) else {
            throw fail("at most \(maxStrokes) strokes of at most \(maxPoints) points, found \(strokes.count) strokes of up to \(strokes.map(\.points.count).max() ?? 0)")
        }
        let points = strokes.flatMap(\.points)
        guard !points.isEmpty else { return }
        let box = NumberGeometry.bounds(points)
        // With an image strokes are in its pixels (scale 1); alone they are drawn at 64 reading
        // pixels per writing height (NumberReader).
        var scale = 1.0
        if image == nil {
            let H = StrokeGroups.typicalHeight(StrokeGroups.group(strokes.filter { !$0.points.isEmpty }, width: 0).map(\.box))
            if !(H > 0) { return }  // read as too small, nothing rendered
            scale = NumberReader.readPixels / H * 2
        }
        let side = max(box.x1 - box.x0, box.y1 - box.y0, abs(box.x0), abs(box.x1), abs(box.y0), abs(box.y1)) * scale
        guard side <= maxReadingSide else {
            throw fail("strokes span \(Int(min(side, 1e12))) reading pixels, the limit is \(Int(maxReadingSide))")
        }
    }

    static func compare(_ name: String, _ got: Result, _ want: Result, _ tol: Tolerances, _ report: inout GoldenReport) {
        let n = "numbers " + name
        report.same(n, "status", got.status, want.status)
        report.same(n, "text", got.text, want.text)
        report.same(n, "unsure", got.unsure, want.unsure)
        report.same(n, "expression", got.expression ?? "-", want.expression ?? "-")
        report.same(n, "error", got.error ?? "-", want.error ?? "-")
        report.same(n, "error_at", got.errorAt ?? -99, want.errorAt ?? -99)
        report.same(n, "height", got.height, want.height)
        report.same(n, "alternatives", got.alternatives.map(\.text), want.alternatives.map(\.text))
        report.compare(n, "confidence", [got.confidence] + got.alternatives.map(\.p), [want.confidence] + want.alternatives.map(\.p), tol.confidence)
        report.same(n, "glyphs", got.glyphs.map(describe), want.glyphs.map(describe))
        if got.glyphs.count == want.glyphs.count {
            report.compare(n, "glyph p", got.glyphs.map(\.p), want.glyphs.map(\.p), tol.p)
            report.compare(n, "glyph box", got.glyphs.flatMap(\.box), want.glyphs.flatMap(\.box), tol.box)
        }
    }

    /// "digit 4", "op +", "ignored".
    static func describe(_ g: Glyph) -> String { g.kind + (g.digit.map { " \($0)" } ?? "") + (g.op.map { " \($0)" } ?? "") }

    // MARK: - Writing

    /// One block per case; numbers in Swift's shortest round-trip form, so JavaScript reads
    /// back the very same doubles (stroke points above all).
    func encoded(indent: String) -> String {
        func num(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : "\(v)" }
        func str(_ s: String?) -> String {
            guard let s else { return "null" }
            let data = try! JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes])
            return String(String(data: data, encoding: .utf8)!.dropFirst().dropLast())
        }
        let i1 = indent + "  ", i2 = i1 + "  ", i3 = i2 + "  "
        var o = "{\n\(i1)\"unsure_below\": \(num(unsureBelow)),\n"
        o += "\(i1)\"tolerances\": {\"p\": \(tolerances.p), \"confidence\": \(tolerances.confidence), \"box\": \(tolerances.box)},\n"
        o += "\(i1)\"cases\": [\n"
        for (k, c) in cases.enumerated() {
            let r = c.result
            o += "\(i2){\n\(i3)\"name\": \(str(c.name)), \"mode\": \(str(c.mode)), \"written\": \(str(c.written)),\n"
            o += "\(i3)\"result\": {\"status\": \(str(r.status)), \"text\": \(str(r.text)), \"confidence\": \(num(r.confidence)), "
            o += "\"unsure\": \(r.unsure), \"height\": \(num(r.height)), \"expression\": \(str(r.expression)), "
            o += "\"error\": \(str(r.error)), \"error_at\": \(r.errorAt.map(String.init) ?? "null"),\n"
            o += "\(i3)  \"alternatives\": [" + r.alternatives.map { "{\"text\": \(str($0.text)), \"p\": \(num($0.p))}" }.joined(separator: ", ") + "],\n"
            o += "\(i3)  \"glyphs\": [" + r.glyphs.map { g in
                "{\"kind\": \(str(g.kind)), \"digit\": \(g.digit.map(String.init) ?? "null"), \"op\": \(str(g.op)), \"p\": \(num(g.p)), "
                    + "\"box\": [\(g.box.map(num).joined(separator: ", "))]}"
            }.joined(separator: ",\n\(i3)    ") + "]},\n"
            o += "\(i3)\"strokes\": [" + c.strokes.map { s in "[" + s.map { "[\(num($0[0])), \(num($0[1]))]" }.joined(separator: ", ") + "]" }
                .joined(separator: ",\n\(i3)  ") + "],\n"
            if let raw = c.raw {
                o += "\(i3)\"raw\": {\"encoding\": \(str(raw.encoding.rawValue)), \"width\": \(raw.width), \"height\": \(raw.height),\n"
                o += "\(i3)        \"data\": \(str(raw.data))}\n"
            } else {
                o += "\(i3)\"raw\": null\n"
            }
            o += "\(i2)}\(k < cases.count - 1 ? "," : "")\n"
        }
        o += "\(i1)]\n\(indent)}"
        return o
    }
}
