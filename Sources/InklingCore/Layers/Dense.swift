/// Fully connected layer on sample-major vectors.
///
/// x: [N][in]    weight: [out][in]    bias: [out]    y: [N][out] = x W^T + b
public final class Dense: Layer {
    public let kind = "dense"
    public let name: String
    public let inputShape: Shape
    public let outputShape: Shape
    public let weight: Parameter
    public let bias: Parameter
    private let output = Tensor()
    private let inputGrad = Tensor()
    private var input: Tensor?

    public init(name: String, input: Shape, outFeatures: Int, rng: inout SeededRNG) {
        self.name = name
        self.inputShape = input
        self.outputShape = Shape(outFeatures)
        let fanIn = input.size
        // Glorot (Xavier) uniform: the classifier head is followed by softmax, not ReLU.
        let limit = (6.0 / Float(fanIn + outFeatures)).squareRoot()
        weight = Parameter(name: "\(name).weight", shape: [outFeatures, fanIn],
                           value: (0..<(outFeatures * fanIn)).map { _ in rng.uniform(-limit, limit) }, decays: true)
        bias = Parameter(name: "\(name).bias", shape: [outFeatures], value: [Float](repeating: 0, count: outFeatures), decays: false)
    }

    public var parameters: [Parameter] { [weight, bias] }
    public var multiplyAdds: Int { inputShape.size * outputShape.size }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        checkInput(x, self)
        input = x
        let (n, fin, fout) = (x.batch, inputShape.size, outputShape.size)
        output.resize(batch: n, shape: outputShape)
        output.data.withUnsafeMutableBufferPointer { yp in
            let y = yp.baseAddress!
            // y starts as the bias; the GEMM adds x W^T (beta = 1).
            bias.value.withUnsafeBufferPointer { bp in
                for b in 0..<n { (y + b * fout).update(from: bp.baseAddress!, count: fout) }
            }
            x.data.withUnsafeBufferPointer { xp in
                weight.value.withUnsafeBufferPointer { wp in
                    BLAS.gemm(transB: true, m: n, n: fout, k: fin, a: xp.baseAddress!, b: wp.baseAddress!, beta: 1, c: y)
                }
            }
        }
        return output
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("\(name): backward before forward") }
        let (n, fin, fout) = (x.batch, inputShape.size, outputShape.size)
        inputGrad.resize(batch: n, shape: inputShape)
        dy.data.withUnsafeBufferPointer { g in
            let gp = g.baseAddress!
            x.data.withUnsafeBufferPointer { xp in
                weight.grad.withUnsafeMutableBufferPointer { dw in
                    // dW[out][in] = dy^T x
                    BLAS.gemm(transA: true, m: fout, n: fin, k: n, a: gp, b: xp.baseAddress!, c: dw.baseAddress!)
                }
            }
            bias.grad.withUnsafeMutableBufferPointer { db in
                for o in 0..<fout {
                    var s: Float = 0
                    for b in 0..<n { s += gp[b * fout + o] }
                    db[o] = s
                }
            }
            weight.value.withUnsafeBufferPointer { wp in
                inputGrad.data.withUnsafeMutableBufferPointer { dx in
                    // dx[N][in] = dy W
                    BLAS.gemm(m: n, n: fin, k: fout, a: gp, b: wp.baseAddress!, c: dx.baseAddress!)
                }
            }
        }
        return inputGrad
    }
}
