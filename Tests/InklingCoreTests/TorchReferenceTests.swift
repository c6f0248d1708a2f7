import Foundation
import InklingCore
import XCTest

/// The engine against an independent reference: PyTorch in float64
/// (Fixtures/torch-reference.json, written by scripts/make-reference.py; its docstring lists
/// the conventions it reproduces). Every layer kind forward and backward, the loss, and five
/// optimizer steps of SGD and AdamW with the learning-rate schedule.
///
/// Tolerance, per tensor (as llm.c's test_gpt2 reports it, one line per tensor):
///   error = max_i |swift_i - torch_i| / max(max_i |torch_i|, 1e-6),  pass when error <= 1e-5.
/// The reference inputs are exactly float32, so the error is the engine's float32 rounding.
final class TorchReferenceTests: XCTestCase {
    static let tolerance = 1e-5
    static let fixtureURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/torch-reference.json")

    // MARK: - fixture

    /// The fixture's top-level object, parsed once.
    static let fixture: [String: Any] = {
        guard let data = try? Data(contentsOf: fixtureURL),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            preconditionFailure("\(fixtureURL.path): missing or not JSON (python3 scripts/make-reference.py writes it)")
        }
        return object
    }()

    /// A stored tensor: {"shape", "dtype": "f32" | "f64", "data": base64 little-endian}.
    static func values(_ any: Any?, _ label: String) -> [Double] {
        guard let t = any as? [String: Any], let dtype = t["dtype"] as? String, let text = t["data"] as? String,
              let shape = t["shape"] as? [Int], let bytes = Data(base64Encoded: text) else {
            preconditionFailure("\(fixtureURL.lastPathComponent): \(label): not a tensor")
        }
        let size = dtype == "f64" ? 8 : 4
        precondition(bytes.count == size * shape.reduce(1, *), "\(label): \(bytes.count) bytes for shape \(shape)")
        return bytes.withUnsafeBytes { raw in
            (0..<(bytes.count / size)).map { i -> Double in
                dtype == "f64" ? Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))
                    : Double(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))))
            }
        }
    }

    /// An input or parameter (stored as float32: exactly what the engine holds).
    static func floats(_ any: Any?, _ label: String) -> [Float] { values(any, label).map { Float($0) } }

    static func shape(_ any: Any?) -> Shape {
        let s = any as! [Int]
        return s.count == 3 ? Shape(s[0], s[1], s[2]) : Shape(s[0])
    }

    // MARK: - comparison

    /// error = max|a - b| / max(max|b|, 1e-6); prints one report line and (with `assert`)
    /// fails the test when error > tolerance.
    @discardableResult
    static func compare(_ label: String, _ swift: [Float], _ torch: [Double], tolerance: Double = tolerance,
                        assert: Bool = true, file: StaticString = #filePath, line: UInt = #line) -> Double {
        guard swift.count == torch.count else {
            XCTFail("\(label): \(swift.count) values, reference has \(torch.count)", file: file, line: line)
            return .infinity
        }
        var maxDiff = 0.0, maxRef = 0.0, worst = 0
        for i in 0..<torch.count {
            let d = abs(Double(swift[i]) - torch[i])
            if d > maxDiff || d.isNaN { maxDiff = d; worst = i }
            maxRef = max(maxRef, abs(torch[i]))
        }
        let error = maxDiff.isNaN ? .infinity : maxDiff / max(maxRef, 1e-6)
        let ok = error <= tolerance
        let detail = torch.isEmpty ? "" : " (worst [\(worst)]: swift \(swift[worst]), torch \(torch[worst]))"
        let padded = label.count < 60 ? label + String(repeating: " ", count: 60 - label.count) : label
        print((ok ? "OK  " : "BAD ") + padded + String(format: " error %.2e  max|diff| %.2e  max|ref| %.2e  n=%d",
                                                      error, maxDiff, maxRef, torch.count) + (ok ? "" : detail))
        if assert {
            XCTAssertTrue(ok, "\(label): error \(error) > \(tolerance)\(detail)", file: file, line: line)
        }
        return error
    }

    func testComparisonFlagsAWrongValue() {
        // The check itself: float32 rounding passes, a 2e-4 slip in one value does not.
        let reference: [Double] = [0.5, -2.0, 1.0 / 3.0, 1e-3]
        let rounded = reference.map { Float($0) }
        XCTAssertLessThan(Self.compare("comparison self-check: float32 rounding", rounded, reference), 1e-7)
        var slipped = rounded; slipped[2] += 2e-4
        XCTAssertGreaterThan(Self.compare("comparison self-check: one slipped value (BAD expected)", slipped, reference,
                                          assert: false), Self.tolerance)
        XCTAssertEqual(Self.compare("comparison self-check: NaN (BAD expected)", [.nan], [1], assert: false), .infinity)
    }

    // MARK: - building the engine's layers from the fixture's specs

    /// One engine layer for a spec of the fixture ("kind", "name", "input_shape", ...).
    func makeLayer(_ spec: [String: Any]) -> Layer {
        let name = spec["name"] as! String, input = Self.shape(spec["input_shape"])
        var rng = SeededRNG(seed: 0)   // initial values are replaced by the fixture's
        switch spec["kind"] as! String {
        case "conv2d":
            return Conv2D(name: name, input: input, outChannels: spec["out_channels"] as! Int, kernel: spec["kernel"] as! Int,
                          stride: spec["stride"] as! Int, padding: spec["padding"] as! Int, rng: &rng)
        case "batchnorm2d":
            let bn = BatchNorm2D(name: name, input: input)
            XCTAssertEqual(Double(bn.eps), spec["eps"] as! Double, accuracy: 1e-12, "batch-norm epsilon differs from the fixture's")
            XCTAssertEqual(Double(bn.momentum), spec["momentum"] as! Double, accuracy: 1e-7, "batch-norm momentum differs")
            return bn
        case "relu": return ReLU(name: name, input: input)
        case "maxpool2d": return MaxPool2D(name: name, input: input, size: spec["size"] as! Int, stride: spec["stride"] as! Int)
        case "dense": return Dense(name: name, input: input, outFeatures: spec["out_features"] as! Int, rng: &rng)
        case "flatten": return Flatten(name: name, input: input)
        case "dropout":
            return Dropout(name: name, input: input, rate: Float(spec["rate"] as! Double), seed: UInt64(spec["seed"] as! Int))
        case let kind: preconditionFailure("fixture names an unknown layer kind \(kind)")
        }
    }

    func setParameters(_ layers: [Layer], _ stored: [String: Any], _ label: String) {
        let names = layers.flatMap(\.parameters).map(\.name)
        XCTAssertEqual(Set(names), Set(stored.keys), "\(label): parameter names")
        for param in layers.flatMap(\.parameters) {
            param.value = Self.floats(stored[param.name], "\(label) \(param.name)")
        }
    }

    // MARK: - layers

    func testLayersMatchTorch() {
        let cases = Self.fixture["layers"] as! [[String: Any]]
        XCTAssertGreaterThanOrEqual(cases.count, 20)
        // The parallel loops must give the same answer on any number of workers.
        for threads in [1, 2] {
            layerThreads = threads
            for c in cases { runLayerCase(c, label: "\(c["name"] as! String) t\(threads)") }
        }
        layerThreads = 1
    }

    /// Workers for the layers' parallel loops (convolution chunks, pooling).
    var layerThreads = 1

    func runLayerCase(_ c: [String: Any], label: String) {
        let spec = c["layer"] as! [String: Any], batch = c["batch"] as! Int, training = c["training"] as! Bool
        let layer = makeLayer(spec)
        (layer as? Conv2D)?.threads = layerThreads
        (layer as? MaxPool2D)?.threads = layerThreads
        setParameters([layer], c["params"] as! [String: Any], label)
        let bn = layer as? BatchNorm2D
        if let bn, let state = c["state_in"] as? [String: Any] {
            bn.runningMean = Self.floats(state["running_mean"], "running_mean")
            bn.runningVar = Self.floats(state["running_var"], "running_var")
        }
        if let dropout = layer as? Dropout { checkDropoutMask(dropout, c, label: label) }

        let x = Tensor(batch: batch, shape: layer.inputShape, data: Self.floats(c["x"], "x"))
        let y = layer.forward(x, training: training)
        XCTAssertEqual(y.shape, layer.outputShape)
        Self.compare("\(label): y", y.values, Self.values(c["y"], "y"))
        if let bn, let state = c["state_out"] as? [String: Any] {
            Self.compare("\(label): running_mean", bn.runningMean, Self.values(state["running_mean"], "running_mean"))
            Self.compare("\(label): running_var", bn.runningVar, Self.values(state["running_var"], "running_var"))
        }
        guard c["dx"] != nil else { return }   // inference-mode batch norm: forward only
        let dy = Tensor(batch: batch, shape: layer.outputShape, data: Self.floats(c["dy"], "dy"))
        let dx = layer.backward(dy)
        Self.compare("\(label): dx", dx.values, Self.values(c["dx"], "dx"))
        let grads = c["grads"] as! [String: Any]
        XCTAssertEqual(Set(layer.parameters.map(\.name)), Set(grads.keys), "\(label): gradient names")
        for param in layer.parameters {
            Self.compare("\(label): d\(param.name)", param.grad, Self.values(grads[param.name], param.name))
        }
    }

    /// The fixture's mask is the script's port of SplitMix64; the engine's is read back from a
    /// twin layer (same seed) on an input of ones. They must be the same draw.
    func checkDropoutMask(_ dropout: Dropout, _ c: [String: Any], label: String) {
        let batch = c["batch"] as! Int
        let twin = makeLayer(c["layer"] as! [String: Any])
        let ones = Tensor(batch: batch, shape: dropout.inputShape, data: [Float](repeating: 1, count: batch * dropout.inputShape.size))
        let engineMask = twin.forward(ones, training: true).values
        let keep = 1 / (1 - Double(dropout.rate))
        Self.compare("\(label): mask (engine RNG vs SplitMix64 port)", engineMask, Self.values(c["mask"], "mask").map { $0 * keep })
    }

    // MARK: - loss

    func testSoftmaxCrossEntropyMatchesTorch() {
        for c in Self.fixture["losses"] as! [[String: Any]] {
            let label = c["name"] as! String
            let labels = (c["labels"] as! [Int]).map { UInt8($0) }
            let logitValues = Self.floats(c["logits"], "logits")
            let logits = Tensor(batch: labels.count, shape: Shape(logitValues.count / labels.count), data: logitValues)
            let grad = Tensor()
            let result = labels.withUnsafeBufferPointer {
                SoftmaxCrossEntropy.forwardBackward(logits: logits, labels: $0.baseAddress!, grad: grad)
            }
            Self.compare("\(label): loss (mean over batch)", [result.loss], [c["loss"] as! Double])
            Self.compare("\(label): dlogits", grad.values, Self.values(c["dlogits"], "dlogits"))
            XCTAssertEqual(result.correct, c["correct"] as! Int, "\(label): correct predictions")
        }
    }

    // MARK: - optimizer steps

    func testSGDStepsMatchTorch() { runTraining("sgd") }
    func testAdamWStepsMatchTorch() { runTraining("adamw") }

    /// Five steps on the fixture's network: at each one the learning rate, the loss, every
    /// gradient (before the step) and every parameter and running statistic (after it).
    func runTraining(_ kind: String) {
        let training = Self.fixture["training"] as! [String: Any]
        let run = (training["runs"] as! [[String: Any]]).first { $0["optimizer"] as! String == kind }!
        let runName = run["name"] as! String
        let layers = (training["network"] as! [[String: Any]]).map(makeLayer)
        let parameters = layers.flatMap(\.parameters)
        XCTAssertEqual(parameters.map(\.name), training["parameters"] as! [String], "parameter order")
        let decays = Set(training["decays"] as! [String])
        for p in parameters { XCTAssertEqual(p.decays, decays.contains(p.name), "\(p.name): decays flag") }
        setParameters(layers, training["initial"] as! [String: Any], runName)

        let config = run["config"] as! [String: Any]
        let weightDecay = Float(config["weight_decay"] as! Double)
        let optimizer: Optimizer
        if kind == "sgd" {
            optimizer = SGD(momentum: Float(config["momentum"] as! Double), weightDecay: weightDecay)
        } else {
            let adam = Adam(weightDecay: weightDecay)
            XCTAssertEqual(Double(adam.beta1), config["beta1"] as! Double, accuracy: 1e-7)
            XCTAssertEqual(Double(adam.beta2), config["beta2"] as! Double, accuracy: 1e-7)
            XCTAssertEqual(Double(adam.eps), config["eps"] as! Double, accuracy: 1e-12)
            optimizer = adam
        }
        let s = run["schedule"] as! [String: Any]
        var schedule = LearningRateSchedule(peak: Float(s["peak"] as! Double))
        schedule.warmupFraction = Float(s["warmup_fraction"] as! Double)
        schedule.floor = Float(s["floor"] as! Double)
        let total = s["total_steps"] as! Int

        let batch = training["batch"] as! Int
        let x = Tensor(batch: batch, shape: layers[0].inputShape, data: Self.floats(training["x"], "x"))
        let labels = (training["labels"] as! [Int]).map { UInt8($0) }
        let bn = layers.compactMap { $0 as? BatchNorm2D }.first!
        let dlogits = Tensor()
        for (step, record) in (run["steps"] as! [[String: Any]]).enumerated() {
            let label = "\(runName) step \(step + 1)"
            let rate = schedule.rate(at: Double(step) / Double(total))
            Self.compare("\(label): learning rate", [rate], [record["learning_rate"] as! Double])
            var a = x
            for layer in layers { a = layer.forward(a, training: true) }
            let result = labels.withUnsafeBufferPointer {
                SoftmaxCrossEntropy.forwardBackward(logits: a, labels: $0.baseAddress!, grad: dlogits)
            }
            Self.compare("\(label): loss", [result.loss], [record["loss"] as! Double])
            var g = dlogits
            for layer in layers.reversed() { g = layer.backward(g) }
            let grads = record["grads"] as! [String: Any], params = record["params"] as! [String: Any]
            for p in parameters { Self.compare("\(label): d\(p.name)", p.grad, Self.values(grads[p.name], p.name)) }
            optimizer.step(parameters, learningRate: rate)
            for p in parameters { Self.compare("\(label): \(p.name)", p.value, Self.values(params[p.name], p.name)) }
            Self.compare("\(label): bn running_mean", bn.runningMean, Self.values(record["running_mean"], "running_mean"))
            Self.compare("\(label): bn running_var", bn.runningVar, Self.values(record["running_var"], "running_var"))
        }
    }
}
