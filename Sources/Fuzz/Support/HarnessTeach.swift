import Foundation
import InklingCore

/// FuzzTeach: the bytes as a teach file (docs/teach-format.md): decode; what decodes must
/// write back to a file that decodes to the same examples, and personalizing the shipped model
/// with (the first few of) them must give well-formed predictions. A taught example's own
/// rule lifts its label above every class no rule lifts, so it reads as some taught label
/// (its own unless a near-identical example says otherwise).
public enum HarnessTeach {
    public static func run(_ bytes: [UInt8]) {
        guard let file = try? TeachFile.decode(Data(bytes), name: "fuzz-teach.json") else { return }
        guard file.examples.count <= TeachFile.maxExamples else { finding("teach file with \(file.examples.count) examples decoded") }
        guard let again = try? TeachFile.decode(file.encoded(), name: "fuzz-teach.json"), again == file else {
            finding("teach file does not survive encode -> decode")
        }
        let examples = Array(file.examples.prefix(4))
        guard let personalizer = try? Personalizer(classifier: Shipped.classifier, examples: examples) else {
            finding("the shipped model refused personalization")
        }
        for e in examples {
            let p = personalizer.predict(e.input)
            checkPrediction(p, "personalized prediction")
            guard examples.contains(where: { $0.label == p.digit }) else {
                finding("taught example (label \(e.label)) read as \(p.digit), which no example teaches")
            }
        }
    }
}
