import Foundation

/// The personalization of docs/teach-format.md, the twin of `Inkling.personalize` in
/// templates/assets/inkling.js. Each taught example becomes a correction rule over the
/// features the dense (last) layer reads: "what looks like this, and the model reads as W,
/// is C". A rule raises C's logit by w * amount, where w ramps from 0 at cosine similarity
/// `threshold` to 1 at `full`, and amount is what the example itself needed to read as C plus
/// `margin`. The shipped weights are never changed, so inputs unlike every taught example,
/// or read differently from the example it corrected, get the shipped answer.
public struct Personalizer {
    public static let threshold = 0.65
    public static let full = 0.7
    public static let margin = 3.0
    /// Similarity from which an input counts as a copy of the example: the rule applies
    /// whatever the model reads (a taught drawing given unquantized, at a near-tie).
    public static let same = 0.999

    struct Rule {
        let label: Int
        let wrong: Int
        /// The example's features as a unit vector; nil when they are all zero (never fires).
        let unit: [Double]?
        let amount: Double
    }

    public let classifier: Classifier
    let rules: [Rule]

    /// Throws when the model does not end in a dense layer (the rules read that layer's input).
    public init(classifier: Classifier, examples: [TeachExample]) throws {
        if let last = classifier.file.layers.last, last.type != "dense" {
            throw TeachFileError(file: "personalize", "the model must end in a dense layer, its last layer is \(last.type)")
        }
        self.classifier = classifier
        rules = examples.map { e in
            let read = Self.read(classifier, e.input)
            var other = -Double.infinity
            for j in read.logits.indices where j != e.label { other = max(other, read.logits[j]) }
            return Rule(label: e.label, wrong: Self.argmax(read.logits), unit: read.norm > 0 ? read.features.map { $0 / read.norm } : nil,
                        amount: max(0, other - read.logits[e.label]) + Self.margin)
        }
    }

    /// Logits (as Double) and the dense layer's input, with its Euclidean norm.
    static func read(_ classifier: Classifier, _ input: [Float]) -> (logits: [Double], features: [Double], norm: Double) {
        let maps = classifier.activations(input)
        let features = maps.count > 1 ? maps[maps.count - 2].values.map(Double.init) : input.map {
            (Double($0) - Double(classifier.file.input.mean)) / Double(classifier.file.input.std)
        }
        var ss = 0.0
        for v in features { ss += v * v }
        return (maps[maps.count - 1].values.map(Double.init), features, ss.squareRoot())
    }

    /// First index of the largest value (as the JavaScript's strict `>` scan).
    static func argmax(_ z: [Double]) -> Int {
        var t = 0
        for j in 1..<z.count where z[j] > z[t] { t = j }
        return t
    }

    /// The personalized logits for one input (784 values, 1 = ink).
    public func logits(_ input: [Float]) -> [Float] {
        let read = Self.read(classifier, input)
        let top = Self.argmax(read.logits)
        var bonus = [Double](repeating: 0, count: read.logits.count)
        if read.norm > 0 {
            for r in rules {
                guard let unit = r.unit else { continue }
                var dot = 0.0
                for i in unit.indices { dot += read.features[i] * unit[i] }
                let similarity = dot / read.norm
                // The reading guard; a copy of the example (before quantization, say) always counts.
                guard r.wrong == top || similarity >= Self.same else { continue }
                let w = min(1, max(0, (similarity - Self.threshold) / (Self.full - Self.threshold)))
                bonus[r.label] = max(bonus[r.label], w * r.amount)
            }
        }
        return read.logits.indices.map { Float(read.logits[$0] + bonus[$0]) }
    }

    public func predict(_ input: [Float]) -> Prediction { classifier.makePrediction(logits(input)) }
}
