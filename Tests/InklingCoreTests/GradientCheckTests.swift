import Foundation
import InklingCore
import XCTest

/// Central finite differences, in Double, against every layer's backward pass and the loss.
///
/// For a layer y = f(x; θ), take L = Σ r ⊙ y with a fixed random r, so dL/dy = r. The analytic
/// gradients are the engine's: float32 `backward(r)`. The numeric ones differentiate a Double
/// re-implementation of the layer's forward pass (below, written from each layer's doc comment
/// and checked against the engine's forward first): (L(v + h) - L(v - h)) / 2h with h = 1e-5,
/// whose truncation (~h²) and rounding (~1e-16 / h) errors are ~1e-10. What is left is the
/// engine's float32 error, so the tolerance can be tight.
///
/// Error per tensor (as in TorchReferenceTests): max_i |analytic_i - numeric_i| / max(max_i |numeric_i|, 1e-6).
/// Tolerances: forward 1e-5, gradients 1e-4 (measured worst values are printed: ~1e-6).
final class GradientCheckTests: XCTestCase {
    static let h = 1e-5
    static let forwardTolerance = 1e-5
    static let gradientTolerance = 1e-4

    /// A layer's forward pass in Double: (x, parameter values in `layer.parameters` order) -> y,
    /// in the engine's layouts.
    typealias Reference = (_ x: [Double], _ params: [[Double]]) -> [Double]

    static func error(_ analytic: [Float], _ numeric: [Double]) -> (error: Double, index: Int) {
        precondition(analytic.count == numeric.count)
        var maxDiff = 0.0, maxRef = 0.0, index = 0
        for i in 0..<numeric.count {
            let d = abs(Double(analytic[i]) - numeric[i])
            if d > maxDiff || d.isNaN { maxDiff = d; index = i }
            maxRef = max(maxRef, abs(numeric[i]))
        }
        return (maxDiff.isNaN ? .infinity : maxDiff / max(maxRef, 1e-6), index)
    }

    func randomTensor(_ batch: Int, _ shape: Shape, _ rng: inout SeededRNG, avoidZero: Bool = false) -> Tensor {
        Tensor(batch: batch, shape: shape, data: (0..<(batch * shape.size)).map { _ in
            var v = rng.normal()
            if avoidZero && abs(v) < 0.1 { v += v < 0 ? -0.1 : 0.1 }  // stay off ReLU's kink
            return v
        })
    }

    /// Checks the forward pass against `reference`, then dL/dx (unless `skipInput`) and dL/dθ;
    /// returns the worst gradient error and prints one line per tensor.
    @discardableResult
    func check(_ layer: Layer, _ x: Tensor, training: Bool = true, skipInput: Bool = false,
               reference: Reference, file: StaticString = #filePath, line: UInt = #line) -> Double {
        var rng = SeededRNG(seed: 99)
        let xd = x.values.map(Double.init)
        var params = layer.parameters.map { $0.value.map(Double.init) }
        let out = layer.forward(x, training: training)
        let forward = Self.error(out.values, reference(xd, params))
        print("gradient check \(layer.kind) (\(layer.name)): forward error " + String(format: "%.2e", forward.error))
        XCTAssertLessThan(forward.error, Self.forwardTolerance, "\(layer.name): forward", file: file, line: line)

        let r = (0..<out.count).map { _ in rng.normal() }
        let dx = layer.backward(Tensor(batch: out.batch, shape: out.shape, data: r)).values
        let paramGrads = layer.parameters.map { $0.grad }
        let rd = r.map(Double.init)
        func loss(_ x: [Double], _ p: [[Double]]) -> Double { zip(reference(x, p), rd).reduce(0) { $0 + $1.0 * $1.1 } }

        var worst = 0.0
        func report(_ what: String, _ analytic: [Float], _ numeric: [Double]) {
            let (e, i) = Self.error(analytic, numeric)
            print("gradient check \(layer.kind) (\(layer.name)): \(what) error " + String(format: "%.2e (worst [%d]: analytic %.9g, numeric %.9g)",
                                                                                        e, i, Double(analytic[i]), numeric[i]))
            XCTAssertLessThan(e, Self.gradientTolerance, "\(layer.name): \(what)", file: file, line: line)
            worst = max(worst, e)
        }
        let h = Self.h
        if !skipInput {
            var xv = xd
            let numeric = (0..<xv.count).map { i -> Double in
                let v = xv[i]
                xv[i] = v + h; let lp = loss(xv, params)
                xv[i] = v - h; let lm = loss(xv, params)
                xv[i] = v
                return (lp - lm) / (2 * h)
            }
            report("dx", dx, numeric)
        }
        for (p, param) in layer.parameters.enumerated() {
            let numeric = (0..<params[p].count).map { i -> Double in
                let v = params[p][i]
                params[p][i] = v + h; let lp = loss(xd, params)
                params[p][i] = v - h; let lm = loss(xd, params)
                params[p][i] = v
                return (lp - lm) / (2 * h)
            }
            report("d\(param.name)", paramGrads[p], numeric)
        }
        return worst
    }

    // MARK: - Double forward passes (engine layouts: CNHW, then [N][F])

    static func conv2d(_ conv: Conv2D, batch n: Int) -> Reference {
        let (cin, h, w) = (conv.inputShape.c, conv.inputShape.h, conv.inputShape.w)
        let (cout, ho, wo) = (conv.outputShape.c, conv.outputShape.h, conv.outputShape.w)
        let (k, stride, pad) = (conv.kernel, conv.stride, conv.padding)
        return { x, p in
            let (weight, bias) = (p[0], p[1])
            var y = [Double](repeating: 0, count: cout * n * ho * wo)
            for o in 0..<cout { for b in 0..<n { for oy in 0..<ho { for ox in 0..<wo {
                var s = bias[o]
                for c in 0..<cin { for ky in 0..<k { for kx in 0..<k {
                    let iy = oy * stride - pad + ky, ix = ox * stride - pad + kx
                    guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                    s += weight[((o * cin + c) * k + ky) * k + kx] * x[((c * n + b) * h + iy) * w + ix]
                } } }
                y[((o * n + b) * ho + oy) * wo + ox] = s
            } } } }
            return y
        }
    }

    static func dense(_ dense: Dense, batch n: Int) -> Reference {
        let (fin, fout) = (dense.inputShape.size, dense.outputShape.size)
        return { x, p in
            var y = [Double](repeating: 0, count: n * fout)
            for b in 0..<n { for o in 0..<fout {
                var s = p[1][o]
                for i in 0..<fin { s += p[0][o * fin + i] * x[b * fin + i] }
                y[b * fout + o] = s
            } }
            return y
        }
    }

    static func maxPool(_ pool: MaxPool2D, batch n: Int) -> Reference {
        let (planes, h, w) = (pool.inputShape.c * n, pool.inputShape.h, pool.inputShape.w)
        let (ho, wo, size, stride) = (pool.outputShape.h, pool.outputShape.w, pool.size, pool.stride)
        return { x, _ in
            var y = [Double](repeating: 0, count: planes * ho * wo)
            for p in 0..<planes { for oy in 0..<ho { for ox in 0..<wo {
                var best = -Double.infinity
                for ky in 0..<size { for kx in 0..<size { best = max(best, x[(p * h + oy * stride + ky) * w + ox * stride + kx]) } }
                y[(p * ho + oy) * wo + ox] = best
            } } }
            return y
        }
    }

    static func flatten(_ flatten: Flatten, batch n: Int) -> Reference {
        let (c, plane) = (flatten.inputShape.c, flatten.inputShape.plane)
        return { x, _ in
            var y = [Double](repeating: 0, count: x.count)
            for ch in 0..<c { for b in 0..<n { for i in 0..<plane { y[(b * c + ch) * plane + i] = x[(ch * n + b) * plane + i] } } }
            return y
        }
    }

    /// Training mode: batch mean and biased variance per channel over N*H*W values.
    static func batchNorm(_ bn: BatchNorm2D, batch n: Int) -> Reference {
        let (c, m, eps) = (bn.inputShape.c, n * bn.inputShape.plane, Double(bn.eps))
        return { x, p in
            var y = [Double](repeating: 0, count: x.count)
            for ch in 0..<c {
                let values = x[(ch * m)..<((ch + 1) * m)]
                let mean = values.reduce(0, +) / Double(m)
                let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(m)
                let inv = 1 / (variance + eps).squareRoot()
                for i in 0..<m { y[ch * m + i] = p[0][ch] * (x[ch * m + i] - mean) * inv + p[1][ch] }
            }
            return y
        }
    }

    // MARK: - tests

    func testConv2DWithPaddingAndStride() {
        var rng = SeededRNG(seed: 1)
        for (cin, k, stride, pad) in [(2, 3, 1, 1), (2, 5, 1, 2), (2, 3, 2, 1), (2, 2, 2, 0), (1, 3, 1, 0), (3, 3, 2, 2)] {
            let conv = Conv2D(name: "conv_cin\(cin)k\(k)s\(stride)p\(pad)", input: Shape(cin, 7, 6), outChannels: 3, kernel: k,
                              stride: stride, padding: pad, rng: &rng)
            for i in 0..<3 { conv.bias.value[i] = 0.1 * Float(i + 1) }
            check(conv, randomTensor(3, conv.inputShape, &rng), reference: Self.conv2d(conv, batch: 3))
        }
    }

    func testConv2DManyChunks() {
        // A batch big enough to be split into several chunks, summed in order.
        var rng = SeededRNG(seed: 2)
        let conv = Conv2D(name: "conv_big", input: Shape(1, 28, 28), outChannels: 2, kernel: 3, padding: 1, rng: &rng)
        let x = randomTensor(40, conv.inputShape, &rng)
        XCTAssertEqual(conv.forward(x, training: true).batch, 40)
        // Parameter gradients only (the input has 31k values).
        check(conv, x, skipInput: true, reference: Self.conv2d(conv, batch: 40))
    }

    func testDense() {
        var rng = SeededRNG(seed: 3)
        let dense = Dense(name: "dense", input: Shape(12), outFeatures: 5, rng: &rng)
        for i in 0..<5 { dense.bias.value[i] = 0.1 * Float(i) - 0.2 }
        check(dense, randomTensor(4, dense.inputShape, &rng), reference: Self.dense(dense, batch: 4))
    }

    func testReLU() {
        var rng = SeededRNG(seed: 4)
        let relu = ReLU(name: "relu", input: Shape(3, 4, 4))
        check(relu, randomTensor(2, relu.inputShape, &rng, avoidZero: true), reference: { x, _ in x.map { max(0, $0) } })
    }

    func testMaxPool() {
        var rng = SeededRNG(seed: 5)
        for (size, stride) in [(2, 2), (3, 2), (2, 1)] {
            let pool = MaxPool2D(name: "pool_size\(size)s\(stride)", input: Shape(2, 7, 6), size: size, stride: stride)
            // Random normals: no window has two values within h of each other, so no
            // perturbation changes a window's winner.
            check(pool, randomTensor(2, pool.inputShape, &rng), reference: Self.maxPool(pool, batch: 2))
        }
        XCTAssertEqual(MaxPool2D(name: "pool", input: Shape(2, 7, 6)).outputShape, Shape(2, 3, 3))
    }

    func testFlatten() {
        var rng = SeededRNG(seed: 6)
        let flatten = Flatten(name: "flatten", input: Shape(3, 2, 4))
        check(flatten, randomTensor(3, flatten.inputShape, &rng), reference: Self.flatten(flatten, batch: 3))
    }

    func testBatchNorm() {
        var rng = SeededRNG(seed: 7)
        let bn = BatchNorm2D(name: "bn", input: Shape(3, 4, 4))
        for i in 0..<3 { bn.gamma.value[i] = 0.5 + Float(i); bn.beta.value[i] = Float(i) * 0.1 }
        let x = randomTensor(4, bn.inputShape, &rng)
        for i in 0..<x.count { x.data[i] = x.data[i] * 1.5 + 0.7 }   // off-centre, not unit variance
        check(bn, x, reference: Self.batchNorm(bn, batch: 4))
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
        // loss = mean_n (logsumexp(z_n) - z_n[label_n]), in Double.
        func loss(_ z: [Double]) -> Double {
            (0..<n).reduce(0.0) { sum, b in
                let row = z[(b * k)..<((b + 1) * k)], top = row.max()!
                return sum + top + Foundation.log(row.reduce(0) { $0 + Foundation.exp($1 - top) }) - z[b * k + Int(labels[b])]
            } / Double(n)
        }
        var z = logits.values.map(Double.init)
        XCTAssertEqual(Double(result.loss), loss(z), accuracy: 1e-6 * loss(z), "loss")
        let numeric = (0..<(n * k)).map { i -> Double in
            let v = z[i]
            z[i] = v + Self.h; let lp = loss(z)
            z[i] = v - Self.h; let lm = loss(z)
            z[i] = v
            return (lp - lm) / (2 * Self.h)
        }
        let (e, i) = Self.error(grad.values, numeric)
        print(String(format: "gradient check softmax cross-entropy: dlogits error %.2e (worst [%d]: analytic %.9g, numeric %.9g)",
                     e, i, Double(grad.data[i]), numeric[i]))
        XCTAssertLessThan(e, Self.gradientTolerance)
    }
}
