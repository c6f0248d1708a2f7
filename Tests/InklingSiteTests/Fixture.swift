import Foundation
import InklingCore
import InklingSite

/// Inputs for site builds in tests: a small random model in the documented format (v1),
/// its evaluation on random images, and a golden file, written to a temporary folder. The
/// real templates/ of the repository are used, so the tests render the pages people see.
struct Fixture {
    let dir: URL
    let model: String
    let evaluation: String
    let golden: String
    let templates: String
    let modelBytes: Data
    let evaluationValue: Evaluation
    /// A drawn-set evaluation of the fixture model (weights/drawn-evaluation.json's format).
    let drawn: String
    let drawnValue: DrawnEvaluation

    /// The repository root (this file is Tests/InklingSiteTests/Fixture.swift).
    static let repo = repositoryRoot

    static func tempDir(_ name: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("inkling-site-\(name)-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// `text` is put into every free-text field of the model and evaluation (command,
    /// augmentation, calibration split, data names ...), to check that it is escaped.
    static func make(text: String = "fixture", seed: UInt64 = 1, recordsData: Bool = true) throws -> Fixture {
        let dir = tempDir("fixture")
        let modelBytes = try modelJSON(text: text, seed: seed, recordsData: recordsData)
        let file = try ModelFile.decode(modelBytes, name: "fixture model")
        let canonical = file.encoded()  // the bytes a real trainer writes
        let modelPath = dir.appendingPathComponent("model.json").path
        try canonical.write(to: URL(fileURLWithPath: modelPath))

        // 60 random "digits": enough for a confusion matrix with mistakes and some hits.
        var rng = seed &* 0x9E3779B97F4A7C15 | 1
        func next() -> UInt64 { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng }
        let count = 60
        let images = (0..<(count * 784)).map { _ in UInt8(truncatingIfNeeded: next() % 7 == 0 ? 255 : 0) }
        let labels = (0..<count).map { UInt8($0 % 10) }
        let data = Dataset(images: images, labels: labels, rows: 28, cols: 28, source: text)
        let evaluation = Evaluation.run(Classifier(file), on: data, keepMisread: 12,
                                        modelSHA256: FileDigest.sha256(data: canonical), dataDescription: text)
        let evaluationPath = dir.appendingPathComponent("evaluation.json").path
        try evaluation.encoded().write(to: URL(fileURLWithPath: evaluationPath))

        let goldenPath = dir.appendingPathComponent("golden.json").path
        // Real golden values of the fixture model (synthetic drawings), `text` in its free-text fields.
        let golden = Golden.make(Array(GoldenCases.synthetic().prefix(4)), classifier: Classifier(file), model: text,
                                 modelSHA256: FileDigest.sha256(data: canonical), data: text)
        try golden.encoded().write(to: URL(fileURLWithPath: goldenPath))

        let drawnPath = dir.appendingPathComponent("drawn-evaluation.json").path
        let drawnJSON = drawnEvaluationJSON(sha256: FileDigest.sha256(data: canonical), text: text)
        try drawnJSON.write(to: URL(fileURLWithPath: drawnPath))
        return Fixture(dir: dir, model: modelPath, evaluation: evaluationPath, golden: goldenPath,
                       templates: repo.appendingPathComponent("templates").path, modelBytes: canonical,
                       evaluationValue: evaluation, drawn: drawnPath,
                       drawnValue: try JSONDecoder().decode(DrawnEvaluation.self, from: drawnJSON))
    }

    /// Two digit sets, one number set and two sum sets, `text` in the free-text fields.
    static func drawnEvaluationJSON(sha256: String, text: String = "fixture",
                                    sets: String = #"[{"kind": "digit", "name": "traced, mouse", "right": 27, "total": 30},"# +
                                        #"{"kind": "digit", "name": "pen", "right": 9, "total": 10},"# +
                                        #"{"kind": "number", "name": "tight", "right": 8, "total": 10},"# +
                                        #"{"kind": "sum", "name": "plus", "right": 5, "total": 6},"# +
                                        #"{"kind": "sum", "name": "dotted ÷", "right": 3, "total": 5}]"#) -> Data {
        let t = jsonString(text)
        return Data("""
        {"format": "inkling-drawn-evaluation", "version": 1, "model_sha256": "\(sha256)", "how": \(t), "command": \(t),
         "sets": \(sets.replacingOccurrences(of: "\"tight\"", with: t))}
        """.utf8)
    }

    /// A JSON string literal for `s`.
    static func jsonString(_ s: String) -> String {
        String(data: try! JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes]), encoding: .utf8)!
            .dropFirst().dropLast().description
    }

    /// conv 3x3 (4 filters, pad 1) -> relu -> maxpool 2 -> flatten -> dense 784 -> 10, float16.
    static func modelJSON(text: String, seed: UInt64, recordsData: Bool = true) throws -> Data {
        var state = seed
        func weights(_ n: Int, scale: Float) -> String {
            var bytes = [UInt8]()
            for _ in 0..<n {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let u = Float(state >> 40) / Float(1 << 24) * 2 - 1
                let h = Float16(u * scale).bitPattern
                bytes.append(UInt8(h & 0xFF)); bytes.append(UInt8(h >> 8))
            }
            return Data(bytes).base64EncodedString()
        }
        let t = jsonString(text)
        let json = """
        {
          "format": "inkling-model", "version": 1,
          "input": {"height": 28, "width": 28, "channels": 1, "mean": 0.1307, "std": 0.3081},
          "layers": [
            {"type": "conv2d", "name": "conv1", "input_shape": [1, 28, 28], "output_shape": [4, 28, 28],
             "in_channels": 1, "out_channels": 4, "kernel": 3, "stride": 1, "padding": 1, "weight": "conv1.weight", "bias": "conv1.bias"},
            {"type": "relu", "name": "relu1", "input_shape": [4, 28, 28], "output_shape": [4, 28, 28]},
            {"type": "maxpool2d", "name": "pool1", "input_shape": [4, 28, 28], "output_shape": [4, 14, 14], "size": 2, "stride": 2},
            {"type": "flatten", "name": "flatten", "input_shape": [4, 14, 14], "output_shape": [784]},
            {"type": "dense", "name": "fc", "input_shape": [784], "output_shape": [10], "in_features": 784, "out_features": 10,
             "weight": "fc.weight", "bias": "fc.bias"}
          ],
          "tensors": {
            "conv1.weight": {"dtype": "float16", "shape": [4, 1, 3, 3], "data": "\(weights(36, scale: 0.5))"},
            "conv1.bias": {"dtype": "float16", "shape": [4], "data": "\(weights(4, scale: 0.1))"},
            "fc.weight": {"dtype": "float16", "shape": [10, 784], "data": "\(weights(7840, scale: 0.05))"},
            "fc.bias": {"dtype": "float16", "shape": [10], "data": "\(weights(10, scale: 0.1))"}
          },
          "calibration": {"temperature": 1.25, "unsure_below": 0.8, "fitted_on": \(t), "ece_before": 0.031, "ece_after": 0.012,
                          "nll_before": 0.4, "nll_after": 0.35},
          "training": {"command": \(t), "architecture": \(t), "seed": 42, "epochs": 3, "batch_size": 64, "optimizer": \(t),
                       "learning_rate_schedule": \(t), "weight_decay": 0.0005, "dropout": 0.1, "augmentation": \(t),
                       "data": \(recordsData ? "[{\"file\": \(t), \"sha256\": \"00ff\"}]" : "[]"), "train_count": 600, "threads": 2,
                       "test_accuracy": 0.5, "test_count": 60,
                       "history": [
                         {"epoch": 1, "loss": 1.9, "train_accuracy": 0.41, "test_accuracy": 0.45, "seconds": 1.5, "learning_rate": 0.01},
                         {"epoch": 2, "loss": 1.2, "train_accuracy": 0.62, "test_accuracy": 0.6, "seconds": 1.4, "learning_rate": 0.005},
                         {"epoch": 3, "loss": 0.9, "train_accuracy": 0.7, "test_accuracy": 0.66, "seconds": 1.4, "learning_rate": 0.001}]}
        }
        """
        return Data(json.utf8)
    }

    func builder(templates: String? = nil) -> SiteBuilder {
        SiteBuilder(model: model, evaluation: evaluation, golden: golden, templates: templates ?? self.templates, drawnEvaluation: drawn)
    }
}
