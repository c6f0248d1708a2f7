import Foundation

/// Accuracy, per-class accuracy, confusion matrix and a sample of misread digits for a model
/// on a labelled set. `inkling evaluate --save` writes it to weights/evaluation.json, from
/// which the site renders its model card without needing the dataset.
public struct Evaluation: Codable, Sendable, Equatable {
    public struct Misread: Codable, Sendable, Equatable {
        public var index: Int
        public var label: Int
        public var predicted: Int
        public var confidence: Float
        /// base64 of the 28x28 grey bytes (255 = ink).
        public var pixels: String
    }

    public var accuracy: Double
    public var count: Int
    public var correct: Int
    public var perClassAccuracy: [Double]
    public var perClassCount: [Int]
    /// confusion[true][predicted]
    public var confusion: [[Int]]
    public var misread: [Misread]
    public var modelSHA256: String
    public var data: String

    enum CodingKeys: String, CodingKey {
        case accuracy, count, correct, confusion, misread, data
        case perClassAccuracy = "per_class_accuracy", perClassCount = "per_class_count", modelSHA256 = "model_sha256"
    }

    /// Runs the classifier on every image; keeps the `keepMisread` most confident mistakes.
    public static func run(_ classifier: Classifier, on data: Dataset, keepMisread: Int = 24,
                           modelSHA256: String = "", dataDescription: String = "") -> Evaluation {
        let inputs = data.images.map { Float($0) / 255 }
        let predictions = classifier.predict(batch: inputs, count: data.count)
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: 10), count: 10)
        var wrong: [Misread] = []
        let pixels = data.pixelsPerImage
        for (i, p) in predictions.enumerated() {
            let label = Int(data.labels[i])
            confusion[label][p.digit] += 1
            if p.digit != label {
                let bytes = Data(data.images[(i * pixels)..<((i + 1) * pixels)])
                wrong.append(Misread(index: i, label: label, predicted: p.digit, confidence: (p.confidence * 10_000).rounded() / 10_000,
                                     pixels: bytes.base64EncodedString()))
            }
        }
        // Most confident mistakes first; index breaks ties so the order is deterministic.
        wrong.sort { ($0.confidence, -$0.index) > ($1.confidence, -$1.index) }
        let perClassCount = confusion.map { $0.reduce(0, +) }
        let correct = (0..<10).reduce(0) { $0 + confusion[$1][$1] }
        func r(_ x: Double) -> Double { (x * 1e6).rounded() / 1e6 }
        return Evaluation(
            accuracy: r(Double(correct) / Double(max(1, data.count))), count: data.count, correct: correct,
            perClassAccuracy: (0..<10).map { perClassCount[$0] == 0 ? 0 : r(Double(confusion[$0][$0]) / Double(perClassCount[$0])) },
            perClassCount: perClassCount, confusion: confusion, misread: Array(wrong.prefix(keepMisread)),
            modelSHA256: modelSHA256, data: dataDescription)
    }

    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var d = try! encoder.encode(self)
        d.append(0x0A)
        return d
    }

    public static func load(path: String) throws -> Evaluation {
        let data = try readLimitedFile(path, limit: 16 << 20, what: "evaluation file")
        do { try StrictJSON.validate(data) } catch { throw ModelFileError(file: path, "\(error)") }
        do { return try JSONDecoder().decode(Evaluation.self, from: data) }
        catch { throw ModelFileError(file: path, "not a valid evaluation file: \(error)") }
    }
}
