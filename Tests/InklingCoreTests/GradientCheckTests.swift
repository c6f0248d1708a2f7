import XCTest
import InklingCore

/// Central finite differences against every layer's backward pass and the loss.
///
/// For a layer y = f(x; θ), take L = Σ r ⊙ y with a fixed random r, so dL/dy = r. The analytic
/// gradients come from `backward(r)`; the numeric ones from (L(v + h) - L(v - h)) / 2h for
/// every input value and parameter. Float32 layers, so h = 1e-2 and a relative tolerance of
/// 1e-2 (measured worst errors are printed; they are typically ~1e-4).
final class GradientCheckTests: XCTestCase {
    struct Worst: CustomStringConvertible {
        var error = 0.0, what = ""
        var description: String { String(format: "worst relative error %.2e at %@", error, what) }
        mutating func add(_ analytic: Float, _ numeric: Double, _ label: String) {
            let e = abs(Double(analytic) - numeric) / max(1e-2, abs(Double(analytic)) + abs(numeric))
            if e > error { error = e; what = "\(label): analytic \(analytic), numeric \(numeric)" }
        }
    }

    func randomTensor(_ batch: Int, _ shape: Shape, _ rng: inout SeededRNG, avoidZero: Bool = false) -> Tensor {
        Tensor(batch: batch, shape: shape, data: (0..<(batch * shape.size)).map { _ in
            var v = rng.normal()
            if avoidZero && abs(v) < 0.1 { v += v < 0 ? -0.1 : 0.1 }  // stay off ReLU's kink
            return v
        })
    }

    func loss(_ layer: Layer, _ x: Tensor, _ r: [Float], training: Bool) -> Double {
        let y = layer.forward(x, training: training)
        var s = 0.0
        for i in 0..<y.count { s += Double(y.data[i]) * Double(r[i]) }
        return s
    }

    /// Checks dL/dx (unless `skipInput`) and dL/dθ of `layer` on input `x`; returns the worst error.
    func check(_ layer: Layer, _ x: Tensor, training: Bool = true, skipInput: Bool = false, h: Float = 1e-2) -> Worst {
        var rng = SeededRNG(seed: 99)
        let out = layer.forward(x, training: training)
        let r = (0..<out.count).map { _ in rng.normal() }
        let dy = Tensor(batch: out.batch, shape: out.shape, data: r)
        let dx = layer.backward(dy).values
        let paramGrads = layer.parameters.map { $0.grad }
        var worst = Worst()
        if !skipInput {
            for i in 0..<x.count {
                let v = x.data[i]
                x.data[i] = v + h; let lp = loss(layer, x, r, training: training)
                x.data[i] = v - h; let lm = loss(layer, x, r, training: training)
                x.data[i] = v
                worst.add(dx[i], (lp - lm) / Double(2 * h), "\(layer.name) input[\(i)]")
            }
        }
        for (p, param) in layer.parameters.enumerated() {
            for i in 0..<param.value.count {
                let v = param.value[i]
                param.value[i] = v + h; let lp = loss(layer, x, r, training: training)
                param.value[i] = v - h; let lm = loss(layer, x, r, training: training)
                param.value[i] = v
                worst.add(paramGrads[p][i], (lp - lm) / Double(2 * h), "\(param.name)[\(i)]")
            }
        }
        print("gradient check \(layer.kind) (\(layer.name)): \(worst)")
        return worst
    }

    func testConv2DWithPaddingAndStride() {
        var rng = SeededRNG(seed: 1)
        for (k, stride, pad) in [(3, 1, 1), (5, 1, 2), (3, 2, 1), (2, 2, 0)] {
            let conv = Conv2D(name: "conv_k\(k)s\(stride)p\(pad)", input: Shape(2, 7, 6), outChannels: 3, kernel: k, stride: stride, padding: pad, rng: &rng)
            let x = randomTensor(3, conv.inputShape, &rng)
            XCTAssertLessThan(check(conv, x).error, 1e-2)
        }
    }

    func testConv2DManyChunks() {
        // A batch big enough to be split into several chunks, summed in order.
        var rng = SeededRNG(seed: 2)
        let conv = Conv2D(name: "conv_big", input: Shape(1, 28, 28), outChannels: 2, kernel: 3, padding: 1, rng: &rng)
        let x = randomTensor(40, conv.inputShape, &rng)
        let out = conv.forward(x, training: true)
        XCTAssertEqual(out.batch, 40)
        // Spot-check parameter gradients only (the input has 31k values).
        XCTAssertLessThan(check(conv, x, skipInput: true).error, 1e-2)
    }

    func testDense() {
        var rng = SeededRNG(seed: 3)
        let dense = Dense(name: "dense", input: Shape(12), outFeatures: 5, rng: &rng)
        XCTAssertLessThan(check(dense, randomTensor(4, dense.inputShape, &rng)).error, 1e-2)
    }

    func testReLU() {
        var rng = SeededRNG(seed: 4)
        let relu = ReLU(name: "relu", input: Shape(3, 4, 4))
        XCTAssertLessThan(check(relu, randomTensor(2, relu.inputShape, &rng, avoidZero: true)).error, 1e-2)
    }

    func testMaxPool() {
        var rng = SeededRNG(seed: 5)
        let pool = MaxPool2D(name: "pool", input: Shape(2, 7, 6))
        // h = 1e-3 so no perturbation changes which input wins a window.
        XCTAssertLessThan(check(pool, randomTensor(2, pool.inputShape, &rng), h: 1e-3).error, 1e-2)
        XCTAssertEqual(pool.outputShape, Shape(2, 3, 3))
    }

    func testFlatten() {
        var rng = SeededRNG(seed: 6)
        let flatten = Flatten(name: "flatten", input: Shape(3, 2, 2))
        XCTAssertLessThan(check(flatten, randomTensor(3, flatten.inputShape, &rng)).error, 1e-3)
    }

    func testBatchNorm() {
        var rng = SeededRNG(seed: 7)
        let bn = BatchNorm2D(name: "bn", input: Shape(3, 4, 4))
        for i in 0..<3 { bn.gamma.value[i] = 0.5 + Float(i); bn.beta.value[i] = Float(i) * 0.1 }
        XCTAssertLessThan(check(bn, randomTensor(4, bn.inputShape, &rng), h: 1e-2).error, 2e-2)
    }

    func testDropoutAtInferenceIsIdentityAndGradientMatchesMask() {
        var rng = SeededRNG(seed: 8)
        let dropout = Dropout(name: "dropout", input: Shape(20), rate: 0.5, seed: 1)
        let x = randomTensor(2, dropout.inputShape, &rng)
        XCTAssertEqual(dropout.forward(x, training: false).values, x.values)
        let y = dropout.forward(x, training: true).values
        let dx = dropout.backward(Tensor(batch: 2, shape: dropout.inputShape, data: [Float](repeating: 1, count: 40))).values
        for i in 0..<40 {
            XCTAssertTrue(y[i] == 0 || abs(y[i] - 2 * x.data[i]) < 1e-6, "kept values are scaled by 1/(1-p)")
            XCTAssertEqual(dx[i], y[i] == 0 ? 0 : 2, "gradient follows the mask")
        }
    }

    func testSoftmaxCrossEntropy() {
        var rng = SeededRNG(seed: 9)
        let (n, k) = (4, 10)
        let logits = randomTensor(n, Shape(k), &rng)
        let labels: [UInt8] = [3, 0, 9, 5]
        let grad = Tensor()
        let result = labels.withUnsafeBufferPointer { SoftmaxCrossEntropy.forwardBackward(logits: logits, labels: $0.baseAddress!, grad: grad) }
        var worst = Worst()
        let h: Float = 1e-2
        for i in 0..<(n * k) {
            let v = logits.data[i]
            logits.data[i] = v + h
            let lp = labels.withUnsafeBufferPointer { SoftmaxCrossEntropy.forwardBackward(logits: logits, labels: $0.baseAddress!, grad: Tensor()).loss }
            logits.data[i] = v - h
            let lm = labels.withUnsafeBufferPointer { SoftmaxCrossEntropy.forwardBackward(logits: logits, labels: $0.baseAddress!, grad: Tensor()).loss }
            logits.data[i] = v
            worst.add(grad.data[i], Double(lp - lm) / Double(2 * h), "dlogits[\(i)]")
        }
        print("gradient check softmax cross-entropy: \(worst)")
        XCTAssertLessThan(worst.error, 1e-2)
        XCTAssertGreaterThan(result.loss, 0)
    }
}
