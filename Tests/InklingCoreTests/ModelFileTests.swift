import XCTest
import InklingCore

/// Format v1: exact round trip, and every kind of malformed file refused with its message.
final class ModelFileTests: XCTestCase {
    func makeFile(dtype: TensorData.DType = .float16) -> ModelFile {
        let trainer = Trainer(config: TrainingConfig())
        return ModelExport.modelFile(of: trainer, dtype: dtype, training: TrainingInfo(
            command: "inkling train", architecture: "inkling", seed: 1, epochs: 1, batchSize: 64, optimizer: "adam",
            learningRateSchedule: "cosine", weightDecay: 0, dropout: 0, augmentation: "none", data: [], trainCount: 0,
            threads: 1, testAccuracy: 0.5, testCount: 10, history: []))
    }

    func json(_ file: ModelFile) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: file.encoded()) as! [String: Any]
    }

    func assertRefused(_ object: [String: Any], containing text: String, file: StaticString = #filePath, line: UInt = #line) {
        let data = try! JSONSerialization.data(withJSONObject: object)
        XCTAssertThrowsError(try ModelFile.decode(data, name: "bad.json"), file: file, line: line) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("bad.json: "), "message names the file: \(message)", file: file, line: line)
            XCTAssertTrue(message.contains(text), "expected \"\(text)\" in: \(message)", file: file, line: line)
        }
    }

    func testRoundTripIsExactForBothDTypes() throws {
        for dtype in [TensorData.DType.float16, .float32] {
            let original = makeFile(dtype: dtype)
            let decoded = try ModelFile.decode(original.encoded(), name: "x.json")
            XCTAssertEqual(decoded, original)
            XCTAssertEqual(decoded.encoded(), original.encoded(), "re-encoding is byte-identical")
        }
        XCTAssertEqual(makeFile().multiplyAdds, 624_064)
    }

    func testUnknownVersionAndFormat() throws {
        var o = try json(makeFile()); o["version"] = 2
        assertRefused(o, containing: "unsupported format version 2")
        o = try json(makeFile()); o["format"] = "keras"
        assertRefused(o, containing: "format is \"keras\"")
    }

    func testUnknownLayerType() throws {
        var o = try json(makeFile())
        var layers = o["layers"] as! [[String: Any]]
        layers[1]["type"] = "gelu"
        o["layers"] = layers
        assertRefused(o, containing: "unknown layer type \"gelu\"")
    }

    func testMissingAndExtraTensors() throws {
        var o = try json(makeFile())
        var tensors = o["tensors"] as! [String: Any]
        tensors["conv2.weight"] = nil
        o["tensors"] = tensors
        assertRefused(o, containing: "tensor \"conv2.weight\" is missing")
        o = try json(makeFile())
        tensors = o["tensors"] as! [String: Any]
        tensors["stray"] = tensors["dense.bias"]
        o["tensors"] = tensors
        assertRefused(o, containing: "tensors not used by any layer: stray")
    }

    func testWrongShape() throws {
        var o = try json(makeFile())
        var tensors = o["tensors"] as! [String: [String: Any]]
        tensors["dense.bias"]!["shape"] = [11]
        o["tensors"] = tensors
        assertRefused(o, containing: "layer 9 (dense, dense): tensor dense.bias has shape [11], expected [10]")
        o = try json(makeFile())
        tensors = o["tensors"] as! [String: [String: Any]]
        tensors["dense.bias"]!["data"] = Data([0, 0, 0, 0]).base64EncodedString()
        o["tensors"] = tensors
        assertRefused(o, containing: "expected 20 bytes for shape [10]")
        o = try json(makeFile())
        var layers = o["layers"] as! [[String: Any]]
        layers[0]["output_shape"] = [8, 27, 27]
        o["layers"] = layers
        assertRefused(o, containing: "output_shape [8, 27, 27], expected [8, 28, 28]")
    }

    func testNaNAndTruncatedBase64() throws {
        var o = try json(makeFile(dtype: .float32))
        var tensors = o["tensors"] as! [String: [String: Any]]
        var bytes = [UInt8](Data(base64Encoded: tensors["dense.bias"]!["data"] as! String)!)
        bytes[0] = 0; bytes[1] = 0; bytes[2] = 0xC0; bytes[3] = 0x7F   // float32 NaN
        tensors["dense.bias"]!["data"] = Data(bytes).base64EncodedString()
        o["tensors"] = tensors
        assertRefused(o, containing: "NaN or infinity")
        o = try json(makeFile())
        tensors = o["tensors"] as! [String: [String: Any]]
        tensors["conv1.weight"]!["data"] = String((tensors["conv1.weight"]!["data"] as! String).dropLast(5))
        o["tensors"] = tensors
        assertRefused(o, containing: "conv1.weight: data is not valid base64")
    }

    func testMissingKeyAndNotJSON() throws {
        var o = try json(makeFile()); o["calibration"] = nil
        assertRefused(o, containing: "missing key \"calibration\"")
        XCTAssertThrowsError(try ModelFile.decode(Data("{not json".utf8), name: "junk.json")) { XCTAssertTrue("\($0)".hasPrefix("junk.json: ")) }
        XCTAssertThrowsError(try ModelFile.load(path: "/nonexistent/model.json")) { XCTAssertTrue("\($0)".contains("/nonexistent/model.json")) }
    }

    func testClassifierMatchesTrainingNetworkAfterBatchNormFolding() throws {
        var rng = SeededRNG(seed: 3)
        let trainer = Trainer(config: TrainingConfig())
        // Give batch norm non-trivial running statistics.
        let data = Dataset(images: (0..<(64 * 784)).map { _ in UInt8(rng.next() % 256) }, labels: (0..<64).map { UInt8($0 % 10) },
                           rows: 28, cols: 28, source: "random")
        trainer.train(on: data, test: nil, report: { _ in })
        let (layers, tensors) = ModelExport.layersAndTensors(of: trainer.network, dtype: .float32)
        var file = makeFile(); file.layers = layers; file.tensors = tensors
        let classifier = Classifier(file)
        XCTAssertEqual(trainer.predict(data), classifier.predict(batch: data.images.map { Float($0) / 255 }, count: 64).map(\.digit))
    }
}
