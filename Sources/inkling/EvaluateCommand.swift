import ArgumentParser
import Foundation
import InklingCore

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure a model on the MNIST test set: accuracy, per-class accuracy, confusion matrix.",
        discussion: "--save writes the full evaluation (with the most confident misread digits) for the site's model card.")

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var threadOptions: ThreadOptions
    @Flag(help: "Print one JSON object (accuracy, count, correct, per_class_accuracy, confusion, ...).") var json = false
    @Option(help: "Also write the evaluation, with misread digits, to this file (e.g. weights/evaluation.json).") var save: String?

    func run() throws {
        try reportingErrors {
            let classifier = try modelOptions.load()
            classifier.threads = threadOptions.threads
            let source = try dataOptions.locate()
            let test = try source.load(split: .test)
            // An accuracy over nothing is not a measurement: refuse it rather than print 0%.
            guard test.count > 0 else { throw InputFileError(file: source.imagesFile(.test), "the test set has no images") }
            let dataNames = source.files.map { ($0 as NSString).lastPathComponent }.filter { !$0.hasPrefix("train") }
            let evaluation = Evaluation.run(classifier, on: test, keepMisread: 24,
                                            modelSHA256: try FileDigest.sha256(path: modelOptions.model),
                                            dataDescription: dataNames.joined(separator: ", "))
            if let save { try writeAtomically(evaluation.encoded(), to: save) }
            if json {
                var object = try JSONSerialization.jsonObject(with: evaluation.encoded()) as! [String: Any]
                object["misread"] = nil  // pixels are for the site; the line stays readable
                object["model"] = modelOptions.model
                print(try jsonLine(object))
                return
            }
            print("model: \(modelOptions.model)")
            print("data:  \(source)")
            print(String(format: "accuracy: %.2f%% (%d/%d)", evaluation.accuracy * 100, evaluation.correct, evaluation.count))
            print("per class: " + (0..<10).map { String(format: "%d: %.2f%%", $0, evaluation.perClassAccuracy[$0] * 100) }.joined(separator: "  "))
            print("confusion (rows: true digit, columns: predicted):")
            print("       " + (0..<10).map { String(format: "%5d", $0) }.joined())
            for (i, row) in evaluation.confusion.enumerated() {
                print(String(format: "  %d  | ", i) + row.map { String(format: "%5d", $0) }.joined())
            }
        }
    }
}
