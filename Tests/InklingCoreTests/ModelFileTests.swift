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

    /// Folding batch norm into the convolutions (ModelExport) must not change the function: the
    /// float32 export's logits equal the training network's in inference mode (running
    /// statistics, no dropout) to 1e-5 relative per image: max_j |a_j - b_j| / max_j |b_j|.
    func testClassifierMatchesTrainingNetworkAfterBatchNormFolding() throws {
        var rng = SeededRNG(seed: 3)
        let trainer = Trainer(config: TrainingConfig())
        // Give batch norm non-trivial running statistics (and gamma, beta).
        let count = 64
        let data = Dataset(images: (0..<(count * 784)).map { _ in UInt8(rng.next() % 256) }, labels: (0..<count).map { UInt8($0 % 10) },
                           rows: 28, cols: 28, source: "random")
        try trainer.train(on: data, test: nil, report: { _ in })
        let bn = trainer.network.layers.compactMap { $0 as? BatchNorm2D }
        XCTAssertEqual(bn.count, 3)
        XCTAssertTrue(bn.allSatisfy { $0.runningMean.contains { abs($0) > 1e-3 } && $0.runningVar.contains { abs($0 - 1) > 1e-3 } })
        XCTAssertTrue(bn.allSatisfy { $0.gamma.value.contains { abs($0 - 1) > 1e-3 } && $0.beta.value.contains { abs($0) > 1e-3 } })

        let (layers, tensors) = ModelExport.layersAndTensors(of: trainer.network, dtype: .float32)
        XCTAssertFalse(layers.contains { $0.type == "batchnorm2d" || $0.type == "dropout" })
        var file = makeFile(); file.layers = layers; file.tensors = tensors
        let pixels = data.images.map { Float($0) / 255 }
        let folded = Classifier(file).logits(batch: pixels, count: count)

        // The unfolded network, inference mode, on the same normalised input as the classifier's.
        let (mean, std) = (trainer.config.mean, trainer.config.std)
        let input = Tensor(batch: count, shape: Shape(1, 28, 28), data: pixels.map { ($0 - mean) / std })
        let unfolded = trainer.network.forward(input, training: false).values

        var worst = 0.0
        for b in 0..<count {
            let row = (b * 10)..<(b * 10 + 10)
            let scale = unfolded[row].map { Double(abs($0)) }.max()!
            let diff = row.map { Double(abs(folded[$0] - unfolded[$0])) }.max()!
            worst = max(worst, diff / max(scale, 1e-6))
        }
        print(String(format: "batch-norm folding: worst logit error %.2e (per image, relative to its largest logit)", worst))
        XCTAssertLessThan(worst, 1e-5, "folded float32 export changes the logits")
        XCTAssertEqual(trainer.predict(data), Classifier(file).predict(batch: pixels, count: count).map(\.digit))
    }
}
