import Foundation

/// The "teach" section of weights/golden.json: taught examples, probe inputs and Swift's
/// predictions after personalization (`Personalizer`), which `Inkling.personalize` must
/// reproduce (Tests/js/teach.test.js) and `inkling golden --check` recomputes.
public struct GoldenTeach: Codable, Sendable {
    public struct Example: Codable, Sendable {
        public var label: Int
        /// base64 of the 784 bytes, as in a teach file.
        public var input: String
    }
    public struct Probe: Codable, Sendable {
        public var name: String
        /// base64 of 784 bytes; the model input is byte / 255.
        public var input: String
        public var digit: Int
        public var logits: [Double]
        public var probabilities: [Double]
    }
    public var examples: [Example]
    public var probes: [Probe]

    /// Drawing styles the shipped model misreads (a 1 with a long flag, a slashed 0, a square
    /// 6, a closed 4, a narrow 0), strokes in a unit box.
    static let styles: [(name: String, label: Int, strokes: [[(Double, Double)]])] = [
        ("flagged-1", 1, [[(0.2, 0.35), (0.6, 0.05), (0.6, 0.95)]]),
        ("slashed-0", 0, [[(0.5, 0.05), (0.15, 0.5), (0.5, 0.95), (0.85, 0.5), (0.5, 0.05)], [(0.8, 0.1), (0.2, 0.9)]]),
        ("square-6", 6, [[(0.8, 0.1), (0.2, 0.1), (0.2, 0.9), (0.8, 0.9), (0.8, 0.5), (0.2, 0.5)]]),
        ("closed-4", 4, [[(0.2, 0.05), (0.2, 0.55), (0.85, 0.55)], [(0.2, 0.05), (0.7, 0.05), (0.7, 0.95)]]),
        ("narrow-0", 0, [[(0.5, 0.05), (0.35, 0.5), (0.5, 0.95), (0.65, 0.5), (0.5, 0.05)]]),
    ]
    /// Variants of each style: (slant, x scale, y scale). The first two are taught.
    static let variants: [(Double, Double, Double)] = [(0, 1, 1), (0.15, 0.9, 1.05), (-0.12, 1.1, 0.95), (0.08, 0.85, 1.1)]

    /// A style drawn 100 px tall on a 140 px white page, dark ink, preprocessed, as teach bytes.
    static func drawn(_ strokes: [[(Double, Double)]], _ v: (Double, Double, Double)) -> [UInt8] {
        let (slant, sx, sy) = v
        let lines = strokes.map { line in
            Drawing.Stroke(points: line.map { (u, w) in
                let x = (u - 0.5) * sx - slant * (w - 0.5) * sy, y = (w - 0.5) * sy
                return (70 + 100 * x, 70 + 100 * y)
            }, width: 9)
        }
        let image = Drawing(width: 140, height: 140, background: { _, _ in .white }, ink: .black, strokes: lines).render()
        return TeachExample(label: 0, input: Preprocessor.preprocess(image).input).bytes
    }

    /// MNIST test digits the model misreads (at most `count`), as (index, label).
    static func misread(_ classifier: Classifier, _ test: Dataset, count: Int) -> [Int] {
        var found: [Int] = []
        for i in 0..<test.count where found.count < count {
            let x = test.images[(i * 784)..<((i + 1) * 784)].map { Float($0) / 255 }
            if classifier.predict(Array(x)).digit != Int(test.labels[i]) { found.append(i) }
        }
        return found
    }

    public static func make(classifier: Classifier, test: Dataset) throws -> GoldenTeach {
        var examples: [TeachExample] = [], probes: [(String, [UInt8])] = []
        for s in styles {
            for (k, v) in variants.enumerated() {
                let bytes = drawn(s.strokes, v)
                if k < 2 { examples.append(TeachExample(label: s.label, bytes: bytes)) }
                probes.append(("\(s.name)-\(k)\(k < 2 ? "-taught" : "")", bytes))
            }
        }
        for i in misread(classifier, test, count: 4) {
            let bytes = Array(test.images[(i * 784)..<((i + 1) * 784)])
            examples.append(TeachExample(label: Int(test.labels[i]), bytes: bytes))
            probes.append(("mnist-test-\(i)-taught", bytes))
            // The same digit one pixel to the right: similar, not identical.
            probes.append(("mnist-test-\(i)-shifted", (0..<784).map { $0 % 28 == 0 ? 0 : bytes[$0 - 1] }))
        }
        for i in 0..<min(10, test.count) { probes.append(("mnist-test-\(i)", Array(test.images[(i * 784)..<((i + 1) * 784)]))) }
        let personalizer = try Personalizer(classifier: classifier, examples: examples)
        return GoldenTeach(
            examples: examples.map { Example(label: $0.label, input: Data($0.bytes).base64EncodedString()) },
            probes: probes.map { name, bytes in
                let p = personalizer.predict(TeachExample(label: 0, bytes: bytes).input)
                return Probe(name: name, input: Data(bytes).base64EncodedString(), digit: p.digit,
                             logits: p.logits.map(Double.init), probabilities: p.probabilities.map(Double.init))
            })
    }

    /// Recomputes every probe into `report`; a malformed section throws naming `path`.
    public func check(path: String, classifier: Classifier, into report: inout GoldenReport) throws {
        func bytes(_ s: String, _ what: String) throws -> [UInt8] {
            guard let b = Data(base64Encoded: s).map({ [UInt8]($0) }), b.count == 784 else {
                throw GoldenError(file: path, "teach: \(what): input must be base64 of 784 bytes")
            }
            return b
        }
        guard !examples.isEmpty, examples.count <= TeachFile.maxExamples, !probes.isEmpty, probes.count <= GoldenFile.maxCases else {
            throw GoldenError(file: path, "teach: expected 1 to \(TeachFile.maxExamples) examples and 1 to \(GoldenFile.maxCases) probes, found \(examples.count) and \(probes.count)")
        }
        let taught = try examples.enumerated().map { k, e in
            guard (0...9).contains(e.label) else { throw GoldenError(file: path, "teach: example \(k): label must be 0 to 9") }
            return TeachExample(label: e.label, bytes: try bytes(e.input, "example \(k)"))
        }
        let personalizer = try Personalizer(classifier: classifier, examples: taught)
        let tol = GoldenFile.defaultTolerances
        for probe in probes {
            let name = "teach " + probe.name.prefix(64)
            guard probe.logits.count == 10, probe.probabilities.count == 10, (probe.logits + probe.probabilities).allSatisfy(\.isFinite) else {
                throw GoldenError(file: path, "\(name): expected 10 finite logits and probabilities")
            }
            let p = personalizer.predict(TeachExample(label: 0, bytes: try bytes(probe.input, String(name))).input)
            report.count += 1
            report.compare(name, "logits", p.logits.map(Double.init), probe.logits, tol.logits)
            report.compare(name, "probabilities", p.probabilities.map(Double.init), probe.probabilities, tol.probabilities)
            report.same(name, "digit", p.digit, probe.digit)
        }
    }

    /// The section as golden.json writes it (one line per example and probe).
    public func encoded() -> String {
        func list(_ vs: [Double], _ places: Int) -> String { "[" + vs.map { String(format: "%.\(places)f", $0) }.joined(separator: ", ") + "]" }
        var o = "  \"teach\": {\n    \"examples\": [\n"
        o += examples.map { "      {\"label\": \($0.label), \"input\": \"\($0.input)\"}" }.joined(separator: ",\n")
        o += "\n    ],\n    \"probes\": [\n"
        o += probes.map {
            "      {\"name\": \"\($0.name)\", \"digit\": \($0.digit), \"logits\": \(list($0.logits, 6)), "
                + "\"probabilities\": \(list($0.probabilities, 7)),\n       \"input\": \"\($0.input)\"}"
        }.joined(separator: ",\n")
        return o + "\n    ]\n  }"
    }
}
