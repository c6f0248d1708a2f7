import Foundation

/// Making and checking golden values (`inkling golden [--check]`). The Swift reference is
/// `Preprocessor` + `Classifier`; this file only runs them and compares.
public enum Golden {
    /// The model input for a case: MNIST bytes / 255 (as `Evaluation` feeds the model) or the
    /// preprocessed image.
    public static func modelInput(image: RGBAImage, preprocess: Bool) -> (input: [Float], blank: Bool) {
        if preprocess {
            let p = Preprocessor.preprocess(image)
            return (p.input, p.blank)
        }
        var x = [Float](repeating: 0, count: image.width * image.height)
        for i in 0..<x.count { x[i] = Float(image.pixels[4 * i]) / 255 }
        return (x, false)
    }

    /// Runs every case through the reference and records the answers.
    public static func make(_ inputs: [GoldenInput], classifier: Classifier, model: String, modelSHA256: String,
                            data: String, teach: GoldenTeach? = nil) -> GoldenFile {
        let cases = inputs.map { g -> GoldenFile.Case in
            let (input, blank) = modelInput(image: g.image, preprocess: g.preprocess)
            let p = classifier.predict(input)
            let enc = g.encoding
            let bytes = enc == .rgba ? g.image.pixels : stride(from: 0, to: g.image.pixels.count, by: 4).map { g.image.pixels[$0] }
            return GoldenFile.Case(
                name: g.name, kind: g.kind, label: g.label,
                raw: .init(encoding: enc, width: g.image.width, height: g.image.height, data: Data(bytes).base64EncodedString()),
                preprocess: g.preprocess, blank: blank, digit: p.digit, unsure: p.unsure,
                input: input.map(Double.init), logits: p.logits.map(Double.init), probabilities: p.probabilities.map(Double.init))
        }
        return GoldenFile(format: GoldenFile.formatName, version: GoldenFile.version, model: model, modelSHA256: modelSHA256,
                          tolerances: GoldenFile.defaultTolerances, data: data, mnistTestIndices: GoldenCases.mnistIndices,
                          cases: cases, teach: teach)
    }

    /// Recomputes every case of `file` (read from `path`) and compares within
    /// `GoldenFile.defaultTolerances`.
    public static func check(_ file: GoldenFile, path: String, classifier: Classifier, modelSHA256: String) throws -> GoldenReport {
        var report = GoldenReport(count: file.cases.count)
        if file.cases.isEmpty {
            report.failures.append(.init(caseName: "(file)", field: "cases", detail: "the file has no cases; a check of nothing proves nothing"))
        }
        if file.modelSHA256 != modelSHA256 {
            report.failures.append(.init(caseName: "(file)", field: "model_sha256",
                detail: "golden values were made for model sha256 \(file.modelSHA256), the model file has \(modelSHA256); run `inkling golden`"))
        }
        // The tolerances are the code's, never the checked file's own.
        let tol = GoldenFile.defaultTolerances
        for c in file.cases {
            // Without preprocessing the raw bytes are the model input: they must be 28x28.
            guard c.preprocess || (c.raw.width == 28 && c.raw.height == 28) else {
                throw GoldenError(file: path, "case \(c.name): expected a 28x28 raw image (preprocess is false), found \(c.raw.width)x\(c.raw.height)")
            }
            let (input, blank) = modelInput(image: try GoldenFile.image(of: c, file: path), preprocess: c.preprocess)
            let p = classifier.predict(input)
            report.compare(c.name, "input", input.map(Double.init), c.input, tol.input)
            report.compare(c.name, "logits", p.logits.map(Double.init), c.logits, tol.logits)
            report.compare(c.name, "probabilities", p.probabilities.map(Double.init), c.probabilities, tol.probabilities)
            report.same(c.name, "blank", blank, c.blank)
            report.same(c.name, "digit", p.digit, c.digit)
            report.same(c.name, "unsure", p.unsure, c.unsure)
        }
        try file.teach?.check(path: path, classifier: classifier, into: &report)
        return report
    }
}

/// The outcome of `Golden.check`: every failure, and the worst difference relative to its
/// tolerance (reported even when everything passes, as the margin left).
public struct GoldenReport: Sendable, CustomStringConvertible {
    public struct Failure: Sendable, CustomStringConvertible {
        public var caseName: String, field: String, detail: String
        public var description: String { "\(caseName): \(field) \(detail)" }
    }
    public struct Worst: Sendable {
        public var caseName: String, field: String, index: Int, difference: Double, tolerance: Double
    }
    public var count: Int
    public var failures: [Failure] = []
    public var worst: Worst?
    public var maxDifference: [String: Double] = ["input": 0, "logits": 0, "probabilities": 0]

    public var passed: Bool { failures.isEmpty }

    mutating func compare(_ name: String, _ field: String, _ got: [Double], _ want: [Double], _ tolerance: Double) {
        guard got.count == want.count else {
            failures.append(.init(caseName: name, field: field, detail: "expected \(want.count) values, found \(got.count)"))
            return
        }
        var d = 0.0, at = 0
        for i in 0..<got.count where !(abs(got[i] - want[i]) <= d) { d = abs(got[i] - want[i]); at = i }
        maxDifference[field] = max(maxDifference[field] ?? 0, d)
        if worst == nil || d / tolerance > worst!.difference / worst!.tolerance {
            worst = Worst(caseName: name, field: field, index: at, difference: d, tolerance: tolerance)
        }
        if !(d <= tolerance) {
            failures.append(.init(caseName: name, field: field, detail: "differs by \(d) at [\(at)] (tolerance \(tolerance))"))
        }
    }

    mutating func same<T: Equatable>(_ name: String, _ field: String, _ got: T, _ want: T) {
        if got != want { failures.append(.init(caseName: name, field: field, detail: "expected \(want), found \(got)")) }
    }

    public var worstLine: String {
        guard let w = worst else { return "no cases" }
        return "worst: \(w.caseName) \(w.field)[\(w.index)] differs by \(String(format: "%.3g", w.difference)) (tolerance \(w.tolerance))"
    }

    public var description: String {
        if passed { return "golden check passed: \(count) cases; \(worstLine)" }
        var lines = ["golden check FAILED: \(failures.count) problem(s) in \(count) cases; \(worstLine)"]
        lines += failures.prefix(20).map { "  \($0)" }
        if failures.count > 20 { lines.append("  ... and \(failures.count - 20) more") }
        return lines.joined(separator: "\n")
    }
}
