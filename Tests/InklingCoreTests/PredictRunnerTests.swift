import Foundation
import InklingCore
import XCTest

/// PNG file -> decode -> preprocess -> classify, with the committed model.
final class PredictRunnerTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let modelPath = root.appendingPathComponent("weights/model.json").path

    var runner: PredictRunner!
    var directory: URL!

    override func setUpWithError() throws {
        runner = PredictRunner(classifier: try Classifier.load(path: Self.modelPath))
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("inkling-predict-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func write(_ data: Data, _ name: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }

    /// A dark "1"-like stroke on light paper, 60x80: something to read, not blank.
    func strokePNG() -> Data {
        var grey = [UInt8](repeating: 245, count: 60 * 80)
        for y in 10..<70 { for x in 27..<33 { grey[y * 60 + x] = 20 } }
        return PNGEncoder.encodeGrey(width: 60, height: 80, pixels: grey)
    }

    func testBatchWithOneGoodAndOneBadFileGivesOneResultAndOneNamedError() throws {
        let good = try write(strokePNG(), "good.png")
        let bad = try write(strokePNG().prefix(60), "bad.png")
        var seen = 0
        let outcomes = runner.run(files: [good, bad]) { _ in seen += 1 }
        XCTAssertEqual(outcomes.count, 2)
        XCTAssertEqual(seen, 2, "each outcome is reported as it is known")

        let result = try outcomes[0].get()
        XCTAssertEqual(result.file, good)
        XCTAssertFalse(result.blank)
        XCTAssertNotNil(result.digit)

        guard case .failure(let error) = outcomes[1] else { return XCTFail("bad.png was predicted") }
        XCTAssertEqual(error.file, bad)
        XCTAssertEqual(error.kind, .truncated)
        XCTAssertTrue(error.description.hasPrefix("\(bad): truncated PNG"), error.description)
    }

    /// Extreme (but finite, valid) weights overflow to infinite logits: an error naming the
    /// file, never a digit or `inf` in the JSON line.
    func testNonFiniteOutputIsAnErrorNotADigit() throws {
        var model = try ModelFile.load(path: Self.modelPath)
        let w = model.tensors["dense.weight"]!
        model.tensors["dense.weight"] = TensorData(dtype: .float32, shape: w.shape,
                                                   values: w.values.indices.map { $0 % 2 == 0 ? 3e38 : -3e38 })
        XCTAssertNoThrow(try model.validate(file: "extreme.json"))
        let extreme = PredictRunner(classifier: Classifier(model))
        let path = try write(strokePNG(), "one.png")
        let outcomes = extreme.run(files: [path])
        guard case .failure(let error) = outcomes[0] else { return XCTFail("expected an error, got \(outcomes[0])") }
        XCTAssertEqual(error.kind, .nonFiniteOutput)
        XCTAssertTrue("\(error)".hasPrefix(path + ": "), "\(error)")
    }

    func testMissingFileIsAnErrorNotACrash() {
        let missing = directory.appendingPathComponent("nope.png").path
        guard case .failure(let error) = runner.run(files: [missing])[0] else { return XCTFail("predicted a missing file") }
        XCTAssertEqual(error.kind, .unreadable)
        XCTAssertTrue(error.description.hasPrefix(missing))
    }

    /// The runner adds nothing of its own: same numbers as decode + preprocess + classifier.
    func testAgreesWithThePipelineStepByStep() throws {
        let path = try write(strokePNG(), "stroke.png")
        let result = try runner.predict(path: path)
        let pre = Preprocessor.preprocess(try PNGDecoder.decode(path: path))
        let p = runner.classifier.predict(pre.input)
        XCTAssertEqual(result.input, pre.input)
        XCTAssertEqual(result.digit, p.digit)
        XCTAssertEqual(result.confidence, p.confidence)
        XCTAssertEqual(result.unsure, p.unsure)
        XCTAssertEqual(result.probabilities, p.probabilities)
        XCTAssertEqual(result.logits, p.logits)
    }

    func testBlankImageHasNoDigit() throws {
        let path = try write(PNGEncoder.encodeGrey(width: 40, height: 40, pixels: [UInt8](repeating: 250, count: 1600)), "empty.png")
        let result = try runner.predict(path: path)
        XCTAssertTrue(result.blank)
        XCTAssertNil(result.digit)
        XCTAssertNil(result.confidence)
        XCTAssertNil(result.probabilities)
        XCTAssertFalse(result.unsure)
        XCTAssertEqual(result.input, [Float](repeating: 0, count: 784))
        let line = result.jsonLine()
        XCTAssertTrue(line.contains("\"digit\":null,\"confidence\":null,\"unsure\":false,\"blank\":true"), line)
        XCTAssertTrue(result.humanText.hasPrefix("\(path): blank, no digit found"), result.humanText)
    }

    func testJSONLineKeysOrderAndExactNumbers() throws {
        let path = try write(strokePNG(), "with \"quote\".png")
        let result = try runner.predict(path: path)
        let line = result.jsonLine()
        XCTAssertFalse(line.contains("\n"))
        XCTAssertTrue(line.hasPrefix("{\"file\":\"" + path.replacingOccurrences(of: "\"", with: "\\\"") + "\",\"digit\":"), line)
        let keys = ["\"file\"", "\"digit\"", "\"confidence\"", "\"unsure\"", "\"blank\"", "\"probabilities\"", "\"logits\""]
        let positions = keys.map { line.range(of: $0)!.lowerBound }
        XCTAssertEqual(positions, positions.sorted(), "keys in the documented order")
        XCTAssertFalse(line.contains("\"input\""), "input only with includeInput")

        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        XCTAssertEqual(object["file"] as? String, path)
        XCTAssertEqual(object["digit"] as? Int, result.digit)
        // Numbers read back to the same Float32 bits.
        let probabilities = try XCTUnwrap(object["probabilities"] as? [NSNumber]).map { $0.floatValue }
        XCTAssertEqual(probabilities, result.probabilities)
        XCTAssertEqual(try XCTUnwrap(object["logits"] as? [NSNumber]).map { $0.floatValue }, result.logits)

        let full = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.jsonLine(includeInput: true).utf8)) as? [String: Any])
        let input = try XCTUnwrap(full["input"] as? [NSNumber]).map { $0.floatValue }
        XCTAssertEqual(input.count, 784)
        XCTAssertEqual(input, result.input)
        XCTAssertEqual(result.jsonLine(includeInput: true), result.jsonLine(includeInput: true), "deterministic")
    }

    func testHumanTextSaysDigitConfidenceAndProbabilities() throws {
        let result = try runner.predict(path: try write(strokePNG(), "one.png"))
        let text = result.humanText
        let digit = try XCTUnwrap(result.digit)
        let percent = String(format: "%.1f%%", Double(result.confidence!) * 100)
        if result.unsure {
            XCTAssertTrue(text.hasPrefix("\(result.file): unsure: \(digit) (\(percent)) or "), text)
        } else {
            XCTAssertTrue(text.hasPrefix("\(result.file): \(digit) (\(percent))"), text)
        }
        XCTAssertTrue(text.contains("\n  0 "), text)
        XCTAssertTrue(text.contains("  9 "), text)
    }

    /// Real MNIST test digits drawn as dark ink on light paper, enlarged 3x and written as
    /// PNG: read back through the whole pipeline, nearly all must be right.
    func testRealDigitsAsPNGFiles() throws {
        let test = try DataLocator.locate().load(split: .test).prefix(100)
        var paths: [String] = []
        for i in 0..<test.count {
            let side = 28 * 3
            var grey = [UInt8](repeating: 0, count: side * side)
            for y in 0..<side { for x in 0..<side {
                grey[y * side + x] = 255 - test.images[i * 784 + (y / 3) * 28 + x / 3]
            } }
            paths.append(try write(PNGEncoder.encodeGrey(width: side, height: side, pixels: grey), "digit\(i).png"))
        }
        let outcomes = runner.run(files: paths)
        var correct = 0
        for (i, outcome) in outcomes.enumerated() where (try? outcome.get().digit) == Int(test.labels[i]) { correct += 1 }
        // Held to the model's own test accuracy, less 3 points for the preprocessing and for
        // a sample of 100: 97 for the shipped 99.4% model.
        let accuracy = Double(runner.classifier.file.training.testAccuracy)
        let required = Int(((accuracy - 0.03) * Double(test.count)).rounded(.up))
        print("PredictRunnerTests: \(correct)/\(test.count) real digits read correctly from PNG (model: \(accuracy), required \(required))")
        XCTAssertGreaterThanOrEqual(correct, required, "MNIST test digits through PNG -> preprocess -> model")
    }
}
