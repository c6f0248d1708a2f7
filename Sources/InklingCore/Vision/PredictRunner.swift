import Foundation

/// What `inkling predict` reports for one image file.
///
/// When the preprocessing finds no digit (`blank`), the model is not consulted: `digit`,
/// `confidence`, `probabilities` and `logits` are nil (JSON `null`) and `unsure` is false,
/// so nothing downstream can mistake a guess on an empty page for a reading. `input` is
/// still the 28x28 the model would have seen (all zeros).
public struct FilePrediction: Sendable, Equatable {
    public let file: String
    public let digit: Int?
    /// Calibrated top probability.
    public let confidence: Float?
    /// The top probability is below the model's `calibration.unsure_below`.
    public let unsure: Bool
    public let blank: Bool
    /// Why the image is blank (`empty`, `no-ink`, `low-contrast`, `dot`), nil otherwise.
    public let blankReason: String?
    /// softmax(logits / temperature), 10 values.
    public let probabilities: [Float]?
    public let logits: [Float]?
    /// The preprocessed 28x28 input, 784 values in [0, 1], 1 = ink.
    public let input: [Float]
}

/// PNG file -> `PNGDecoder` -> `Preprocessor.preprocess` -> `Classifier.predict`, one file at
/// a time, a bad file giving its own error so the others are still read.
public struct PredictRunner {
    public let classifier: Classifier
    /// Taught examples applied on top of the model (`inkling predict --teach`), or nil.
    public let personalizer: Personalizer?

    public init(classifier: Classifier, personalizer: Personalizer? = nil) {
        self.classifier = classifier
        self.personalizer = personalizer
    }

    /// Reads and predicts one file; throws `PNGError` naming `path`.
    public func predict(path: String) throws -> FilePrediction {
        try predict(image: try PNGDecoder.decode(path: path), file: path)
    }

    /// Predicts an already decoded image; `file` names it in the result and in errors.
    public func predict(image: RGBAImage, file: String) throws -> FilePrediction {
        let pre = Preprocessor.preprocess(image)
        if pre.blank {
            return FilePrediction(file: file, digit: nil, confidence: nil, unsure: false, blank: true,
                                  blankReason: pre.info.blankReason?.rawValue, probabilities: nil, logits: nil,
                                  input: pre.input)
        }
        let p = personalizer?.predict(pre.input) ?? classifier.predict(pre.input)
        guard p.logits.allSatisfy(\.isFinite), p.probabilities.allSatisfy(\.isFinite) else {
            throw PNGError(file: file, kind: .nonFiniteOutput,
                           problem: "the model gave NaN or infinite logits for this image (are its weights extreme?)")
        }
        return FilePrediction(file: file, digit: p.digit, confidence: p.confidence, unsure: p.unsure, blank: false,
                              blankReason: nil, probabilities: p.probabilities, logits: p.logits, input: pre.input)
    }

    /// Every file in order; `each` sees each outcome as soon as it is known (the CLI prints
    /// as it goes). Returns all outcomes.
    @discardableResult
    public func run(files: [String], each: (Result<FilePrediction, PNGError>) -> Void = { _ in })
        -> [Result<FilePrediction, PNGError>] {
        eachFile(files, { try predict(path: $0) }, each: each)
    }
}

// MARK: - Output

extension FilePrediction {
    /// One JSON object on one line, keys in this order: `file`, `digit`, `confidence`,
    /// `unsure`, `blank`, `probabilities`, `logits`, then `input` with `includeInput`.
    /// Numbers are Swift's shortest round-trip form of the Float32 value (`0.98123`,
    /// `1e-05`), which is the same on every machine and reads back to the same bits.
    public func jsonLine(includeInput: Bool = false) -> String {
        var fields: [(String, String)] = [
            ("file", JSONText.string(file)),
            ("digit", digit.map(String.init) ?? "null"),
            ("confidence", confidence.map(JSONText.number) ?? "null"),
            ("unsure", String(unsure)),
            ("blank", String(blank)),
            ("probabilities", probabilities.map(JSONText.array) ?? "null"),
            ("logits", logits.map(JSONText.array) ?? "null"),
        ]
        if includeInput { fields.append(("input", JSONText.array(input))) }
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    /// For people: `seven.png: 7 (98.1%)`, `scrawl.png: unsure: 4 (52.3%) or 9 (40.1%)`,
    /// `empty.png: blank, no digit found (no-ink)`; then the ten probabilities.
    public var humanText: String {
        guard let digit, let confidence, let probabilities else {
            return "\(file): blank, no digit found" + (blankReason.map { " (\($0))" } ?? "")
        }
        let percent = { (p: Float) in String(format: "%.1f%%", Double(p) * 100) }
        var head = "\(file): \(digit) (\(percent(confidence)))"
        if unsure {
            let runnerUp = probabilities.indices.filter { $0 != digit }.max { probabilities[$0] < probabilities[$1] }!
            head = "\(file): unsure: \(digit) (\(percent(confidence))) or \(runnerUp) (\(percent(probabilities[runnerUp])))"
        }
        let bars = probabilities.enumerated().map { "\($0.offset) \(percent($0.element))" }.joined(separator: "  ")
        return head + "\n  " + bars
    }
}

/// The few JSON pieces the prediction lines need, written by hand so that the key order
/// and number format are fixed.
enum JSONText {
    static func number(_ x: Float) -> String {
        precondition(x.isFinite, "JSON has no NaN or infinity")
        return x.description
    }

    static func array(_ xs: [Float]) -> String { "[" + xs.map(number).joined(separator: ",") + "]" }

    static func string(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
