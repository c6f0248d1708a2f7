import Foundation
import XCTest
import InklingCore

/// The model-geometry validation (docs/weights-format.md, "Limits"): every limit refused just
/// outside and accepted just inside, overflowing shapes refused, strict JSON, and every
/// accepted model running without fault.
final class ModelValidationTests: XCTestCase {
    enum Spec {
        case conv(out: Int, k: Int, s: Int = 1, p: Int = 0)
        case relu
        case pool(size: Int, stride: Int)
        case flatten
        case dense(out: Int)
    }

    /// A model file as a JSON object, shapes computed with plain arithmetic (so invalid
    /// geometry can be written too), weights small and deterministic.
    static func model(_ specs: [Spec], side: Int = 28, tensorShapeOverride: [Int]? = nil) -> [String: Any] {
        var shape = [1, side, side]
        var layers: [[String: Any]] = []
        var tensors: [String: Any] = [:]
        func tensor(_ name: String, _ dims: [Int]) -> String {
            let count = dims.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
            var bytes = [UInt8]()
            // Absurd shapes get a token payload: they are refused before the data is read.
            for i in 0..<((0...(1 << 20)).contains(count) ? count : 16) {
                let v = Float(((i * 7919) % 17) - 8) / 64
                withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
            }
            tensors[name] = ["dtype": "float32", "shape": dims, "data": Data(bytes).base64EncodedString()]
            return name
        }
        for (i, spec) in specs.enumerated() {
            let name = "l\(i)"
            var l: [String: Any] = ["name": name, "input_shape": shape]
            switch spec {
            case let .conv(out, k, s, p):
                let ho = (shape[1] + 2 * p - k) / s + 1, wo = (shape[2] + 2 * p - k) / s + 1
                l["type"] = "conv2d"
                l.merge(["in_channels": shape[0], "out_channels": out, "kernel": k, "stride": s, "padding": p,
                         "weight": tensor("\(name).w", [out, shape[0], k, k]), "bias": tensor("\(name).b", [out])]) { $1 }
                shape = [out, ho, wo]
            case .relu:
                l["type"] = "relu"
            case let .pool(size, stride):
                l.merge(["type": "maxpool2d", "size": size, "stride": stride]) { $1 }
                shape = [shape[0], (shape[1] - size) / stride + 1, (shape[2] - size) / stride + 1]
            case .flatten:
                l["type"] = "flatten"
                shape = [shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }]
            case let .dense(out):
                l.merge(["type": "dense", "in_features": shape[0], "out_features": out,
                         "weight": tensor("\(name).w", tensorShapeOverride ?? [out, shape[0]]), "bias": tensor("\(name).b", [out])]) { $1 }
                shape = [out]
            }
            l["output_shape"] = shape
            layers.append(l)
        }
        return [
            "format": "inkling-model", "version": 1,
            "input": ["height": side, "width": side, "channels": 1, "mean": 0.1307, "std": 0.3081],
            "layers": layers, "tensors": tensors,
            "calibration": ["temperature": 1.0, "unsure_below": 0.75, "fitted_on": "none",
                            "ece_before": 0, "ece_after": 0, "nll_before": 0, "nll_after": 0],
            "training": ["command": "test", "architecture": "test", "seed": 1, "epochs": 0, "batch_size": 1,
                         "optimizer": "none", "learning_rate_schedule": "none", "weight_decay": 0, "dropout": 0,
                         "augmentation": "none", "data": [], "train_count": 0, "threads": 1, "test_accuracy": 0,
                         "test_count": 0, "history": []],
        ]
    }

    static let small: [Spec] = [.conv(out: 4, k: 3, p: 1), .relu, .pool(size: 2, stride: 2), .flatten, .dense(out: 10)]

    func decode(_ object: [String: Any]) throws -> ModelFile {
        try ModelFile.decode(JSONSerialization.data(withJSONObject: object), name: "m.json")
    }

    func assertRefused(_ object: [String: Any], _ text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try decode(object), file: file, line: line) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("m.json: "), "names the file: \(message)", file: file, line: line)
            XCTAssertTrue(message.contains(text), "expected \"\(text)\" in: \(message)", file: file, line: line)
        }
    }

    /// Runs the model on a fixed input and a blank one: finite logits, no fault.
    func assertRuns(_ model: ModelFile, file: StaticString = #filePath, line: UInt = #line) {
        let classifier = Classifier(model)
        var image = [Float](repeating: 0, count: 784)
        for i in 0..<784 { image[i] = Float((i * 31) % 256) / 255 }
        for input in [image, [Float](repeating: 0, count: 784)] {
            let p = classifier.predict(input)
            XCTAssertTrue(p.logits.allSatisfy(\.isFinite), "finite logits", file: file, line: line)
            XCTAssertEqual(classifier.activations(input).count, model.layers.count, file: file, line: line)
        }
    }

    func testShippedModelPassesWithItsCost() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../weights/model.json").path
        let model = try ModelFile.load(path: path)
        let cost = try model.validate(file: path)
        XCTAssertEqual(cost.multiplyAdds, 624_064)
        XCTAssertEqual(cost.parameters, model.parameterCount)
        XCTAssertLessThan(cost.multiplyAdds + cost.poolingOperations, ModelLimits.multiplyAdds)
    }

    /// The crash: max-pool down to 1x1, then a 5x5 convolution with padding 2 (im2col
    /// wrote past its buffer). Valid geometry, so it must run.
    func testPoolToOnePixelThenPaddedConvolutionRuns() throws {
        let model = try decode(Self.model([.conv(out: 3, k: 3, p: 1), .relu, .pool(size: 2, stride: 2), .pool(size: 2, stride: 2),
                                           .pool(size: 7, stride: 7), .conv(out: 4, k: 5, p: 2), .relu, .conv(out: 2, k: 3, s: 2, p: 2),
                                           .flatten, .dense(out: 10)]))
        XCTAssertEqual(model.layers[5].outputShape, [4, 1, 1])
        assertRuns(model)
    }

    /// Random consistent stacks (seeded): each one either is refused with a message or runs.
    func testRandomConsistentStacksAreRefusedCleanlyOrRun() throws {
        var rng = SeededRNG(seed: 7)
        var accepted = 0, refused = 0
        for _ in 0..<150 {
            var specs: [Spec] = []
            var side = 28
            for _ in 0..<Int(rng.next() % 5) {
                switch rng.next() % 3 {
                case 0:
                    let k = 1 + Int(rng.next() % 7), p = Int(rng.next() % UInt64(k)), s = 1 + Int(rng.next() % 3)
                    guard side + 2 * p >= k else { continue }
                    specs.append(.conv(out: 1 + Int(rng.next() % 6), k: k, s: s, p: p)); side = (side + 2 * p - k) / s + 1
                case 1:
                    let size = 1 + Int(rng.next() % 4), s = 1 + Int(rng.next() % 4)
                    guard side >= size else { continue }
                    specs.append(.pool(size: size, stride: s)); side = (side - size) / s + 1
                default:
                    specs.append(.relu)
                }
            }
            specs += [.flatten, .dense(out: 10)]
            do {
                let model = try decode(Self.model(specs))
                assertRuns(model)
                accepted += 1
            } catch {
                XCTAssertTrue("\(error)".hasPrefix("m.json: "), "\(error)")
                refused += 1
            }
        }
        print("random stacks: \(accepted) accepted and run, \(refused) refused")
        XCTAssertGreaterThan(accepted, 100)
    }

    func testEachLimitJustInsideAndJustOutside() throws {
        // Inside: passes and runs.
        for specs: [Spec] in [
            [.conv(out: 2, k: 11, s: 4, p: 10), .flatten, .dense(out: 10)],
            [.conv(out: 512, k: 1), .pool(size: 8, stride: 8), .flatten, .dense(out: 10)],
            [.pool(size: 8, stride: 8), .flatten, .dense(out: 4096), .relu, .dense(out: 10)],
            [.pool(size: 2, stride: 8), .flatten, .dense(out: 10)],
        ] {
            assertRuns(try decode(Self.model(specs)))
        }
        assertRefused(Self.model([.conv(out: 513, k: 1), .pool(size: 8, stride: 8), .flatten, .dense(out: 10)]), "out_channels must be 1 to 512, found 513")
        assertRefused(Self.model([.conv(out: 2, k: 12), .flatten, .dense(out: 10)]), "kernel must be 1 to 11, found 12")
        assertRefused(Self.model([.conv(out: 2, k: 3, s: 5), .flatten, .dense(out: 10)]), "stride must be 1 to 4, found 5")
        assertRefused(Self.model([.conv(out: 2, k: 3, p: 3), .flatten, .dense(out: 10)]), "padding (at most kernel - 1) must be 0 to 2, found 3")
        assertRefused(Self.model([.pool(size: 9, stride: 1), .flatten, .dense(out: 10)]), "size must be 1 to 8, found 9")
        assertRefused(Self.model([.pool(size: 2, stride: 9), .flatten, .dense(out: 10)]), "stride must be 1 to 8, found 9")
        assertRefused(Self.model([.flatten, .dense(out: 4097), .dense(out: 10)]), "out_features must be 1 to 4096, found 4097")
        // Output at least 1x1.
        assertRefused(Self.model([.pool(size: 8, stride: 8), .pool(size: 3, stride: 1), .conv(out: 1, k: 3), .flatten, .dense(out: 10)]),
                      "does not fit the 1x1 input")
        // Layer count.
        assertRefused(Self.model(Array(repeating: Spec.relu, count: 63) + [.flatten, .dense(out: 10)]), "expected 1 to 64 layers, found 65")
        assertRuns(try decode(Self.model(Array(repeating: Spec.relu, count: 62) + [.flatten, .dense(out: 10)])))
    }

    func testBudgetsPerImage() throws {
        // 28x28x512 conv after a 28x28x64 one: 64*9*784*512 multiply-adds, far over 10 M.
        assertRefused(Self.model([.conv(out: 64, k: 3, p: 1), .conv(out: 512, k: 3, p: 1), .pool(size: 8, stride: 8), .flatten, .dense(out: 10)]),
                      "multiply-adds per image")
        // im2col of one image: 64 * 11 * 11 * 28 * 28 = 6 M values.
        assertRefused(Self.model([.conv(out: 64, k: 1), .conv(out: 1, k: 11, p: 5), .pool(size: 8, stride: 8), .flatten, .dense(out: 10)]),
                      "im2col needs more than 2000000 values per image")
        // Activations: three 512x28x28 maps (400 k values each, 1x1 kernels keep the work low).
        assertRefused(Self.model([.conv(out: 512, k: 1), .relu, .relu, .relu, .relu, .pool(size: 8, stride: 8), .flatten, .dense(out: 10)]),
                      "outputs add up to more than 2000000 values")
    }

    func testOverflowingAndAbsurdFilesAreRefused() throws {
        // Tensor shape that wraps count * bytes to 0 in unchecked arithmetic.
        // Refused from the declared shape alone, before any data is decoded or allocated.
        assertRefused(Self.model(Self.small, tensorShapeOverride: [4_611_686_018_427_387_904]),
                      "layer 4 (l4, dense): tensor l4.w has shape [4611686018427387904], expected [10, 784]")
        assertRefused(Self.model(Self.small, tensorShapeOverride: [65536, 65536, 65536]), "has shape [65536, 65536, 65536]")
        var stray = Self.model(Self.small)
        var tensors = stray["tensors"] as! [String: Any]
        tensors["stray"] = ["dtype": "float32", "shape": [1 << 62, 4], "data": ""]
        stray["tensors"] = tensors
        assertRefused(stray, "tensors not used by any layer: stray")
        // Input that is not what the preprocessing produces.
        assertRefused(Self.model([.pool(size: 2, stride: 2), .flatten, .dense(out: 10)], side: 100), "expected 28x28x1")
        // Paddings that ask for terabytes or minutes.
        assertRefused(Self.model([.conv(out: 1, k: 3, p: 1 << 31), .flatten, .dense(out: 10)]), "padding (at most kernel - 1)")
        assertRefused(Self.model([.conv(out: 1, k: 3, p: 500), .flatten, .dense(out: 10)]), "padding (at most kernel - 1)")
        // Input normalisation and calibration.
        var o = Self.model(Self.small)
        o["input"] = ["height": 28, "width": 28, "channels": 1, "mean": 0.1, "std": 0.0001]
        assertRefused(o, "std in [0.001, 1000.0]")
        o = Self.model(Self.small)
        var cal = o["calibration"] as! [String: Any]; cal["temperature"] = 1e-9; o["calibration"] = cal
        assertRefused(o, "temperature must be in")
        // A layer that is not an object, and wrong types.
        o = Self.model(Self.small); o["layers"] = [NSNull()]
        assertRefused(o, "layers")
        o = Self.model(Self.small)
        var layers = o["layers"] as! [[String: Any]]; layers[0]["kernel"] = "3"; o["layers"] = layers
        assertRefused(o, "kernel")
    }

    func testStrictJSON() throws {
        let good = try JSONSerialization.data(withJSONObject: Self.model(Self.small), options: [.sortedKeys])
        XCTAssertNoThrow(try ModelFile.decode(good, name: "m.json"))
        let text = String(decoding: good, as: UTF8.self)
        func refused(_ data: Data, _ expected: String, line: UInt = #line) {
            XCTAssertThrowsError(try ModelFile.decode(data, name: "m.json"), line: line) { error in
                XCTAssertTrue("\(error)".contains(expected), "expected \"\(expected)\" in: \(error)", line: line)
            }
        }
        refused(Data([0xEF, 0xBB, 0xBF]) + good, "byte-order mark")
        refused(text.data(using: .utf16)!, "UTF-16")
        refused(text.data(using: .utf16LittleEndian)!, "UTF-16")
        refused(Data(text.replacingOccurrences(of: "\"version\":1", with: "\"version\":1,\"version\":1").utf8), "duplicate key \"version\"")
        refused(Data(text.replacingOccurrences(of: "\"version\":1", with: "\"version\":1,\"vers\\u0069on\":1").utf8), "duplicate key \"version\"")
        refused(Data(text.replacingOccurrences(of: "\"weight_decay\":0}", with: "\"weight_decay\":0,}").utf8), "trailing comma")
        refused(Data(text.replacingOccurrences(of: "\"history\":[]", with: "\"history\":[1,]").utf8), "trailing comma")
        refused(Data(text.replacingOccurrences(of: "\"seed\":1", with: "\"seed\":NaN").utf8), "expected a value")
        refused(Data(text.replacingOccurrences(of: "\"seed\":1", with: "\"seed\":01").utf8), "leading zero")
        refused(Data((String(repeating: "[", count: 65) + String(repeating: "]", count: 65)).utf8), "nested more than 64")
        refused(Data(text.replacingOccurrences(of: "\"test\"", with: "\"te\u{1}st\"").utf8), "control character")
        var bad = good; bad[bad.count / 2] = 0xFF
        refused(bad, "not strict JSON")
    }

    func testFilesThatAreNotRegularFilesAreRefusedWithoutReading() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("inkling-readfile-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("pipe.json").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        for path in [dir.path, fifo, "/dev/zero"] {
            XCTAssertThrowsError(try ModelFile.load(path: path)) { error in
                XCTAssertTrue("\(error)".contains("regular file"), "\(error)")
            }
        }
        XCTAssertThrowsError(try ModelFile.load(path: dir.appendingPathComponent("missing.json").path)) { error in
            XCTAssertTrue("\(error)".contains("No such file"), "\(error)")
        }
    }
}
