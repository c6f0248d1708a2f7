/// Batch normalisation per channel of CNHW activations (training-time only: at export it is
/// folded into the preceding convolution, see `ModelExport`).
///
/// x: [C][N][H][W]; per channel c over its M = N*H*W values:
///   xhat = (x - mean_c) / sqrt(var_c + eps),  y = gamma_c * xhat + beta_c
/// Inference uses running averages of mean and (unbiased) variance.
public final class BatchNorm2D: Layer {
    public let kind = "batchnorm2d"
    public let name: String
    public let inputShape: Shape
    public var outputShape: Shape { inputShape }
    public let gamma: Parameter
    public let beta: Parameter
    public var runningMean: [Float]
    public var runningVar: [Float]
    public let eps: Float = 1e-5
    public let momentum: Float = 0.1
    private let output = Tensor()
    private let inputGrad = Tensor()
    private var xhat = Buffer()
    private var invStd: [Float]

    public init(name: String, input: Shape) {
        self.name = name; self.inputShape = input
        let c = input.c
        gamma = Parameter(name: "\(name).gamma", shape: [c], value: [Float](repeating: 1, count: c), decays: false)
        beta = Parameter(name: "\(name).beta", shape: [c], value: [Float](repeating: 0, count: c), decays: false)
        runningMean = [Float](repeating: 0, count: c)
        runningVar = [Float](repeating: 1, count: c)
        invStd = [Float](repeating: 1, count: c)
    }

    public var parameters: [Parameter] { [gamma, beta] }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        checkInput(x, self)
        let (c, m) = (inputShape.c, x.batch * inputShape.plane)
        output.resize(batch: x.batch, shape: inputShape)
        xhat.ensure(c * m)
        let xh = xhat.pointer
        x.data.withUnsafeBufferPointer { xp in
            output.data.withUnsafeMutableBufferPointer { yp in
                let (xb, yb) = (xp.baseAddress!, yp.baseAddress!)
                for ch in 0..<c {
                    let src = xb + ch * m, dst = yb + ch * m, hat = xh + ch * m
                    var mean: Float, variance: Float
                    if training {
                        // Two passes in Double: exact enough that the gradient check holds.
                        var s = 0.0
                        for i in 0..<m { s += Double(src[i]) }
                        let mu = s / Double(m)
                        var v = 0.0
                        for i in 0..<m { let d = Double(src[i]) - mu; v += d * d }
                        mean = Float(mu); variance = Float(v / Double(m))
                        runningMean[ch] += momentum * (mean - runningMean[ch])
                        let unbiased = m > 1 ? variance * Float(m) / Float(m - 1) : variance
                        runningVar[ch] += momentum * (unbiased - runningVar[ch])
                    } else {
                        mean = runningMean[ch]; variance = runningVar[ch]
                    }
                    let inv = 1 / (variance + eps).squareRoot()
                    invStd[ch] = inv
                    let (g, b) = (gamma.value[ch], beta.value[ch])
                    for i in 0..<m {
                        let h = (src[i] - mean) * inv
                        hat[i] = h
                        dst[i] = g * h + b
                    }
                }
            }
        }
        return output
    }

    /// dx = gamma * invStd / M * (M * dy - sum(dy) - xhat * sum(dy * xhat))
    public func backward(_ dy: Tensor) -> Tensor {
        let (c, m) = (inputShape.c, output.batch * inputShape.plane)
        inputGrad.resize(batch: output.batch, shape: inputShape)
        let xh = xhat.pointer
        dy.data.withUnsafeBufferPointer { g in
            inputGrad.data.withUnsafeMutableBufferPointer { dxp in
                for ch in 0..<c {
                    let gy = g.baseAddress! + ch * m, hat = xh + ch * m, dx = dxp.baseAddress! + ch * m
                    var sumDy = 0.0, sumDyXhat = 0.0
                    for i in 0..<m { sumDy += Double(gy[i]); sumDyXhat += Double(gy[i] * hat[i]) }
                    gamma.grad[ch] = Float(sumDyXhat)
                    beta.grad[ch] = Float(sumDy)
                    // Pointer loops below: i < m, the channel's run, fixed by the shape.
                    let scale = gamma.value[ch] * invStd[ch] / Float(m)
                    let (sd, sdx) = (Float(sumDy), Float(sumDyXhat))
                    for i in 0..<m { dx[i] = scale * (Float(m) * gy[i] - sd - hat[i] * sdx) }
                }
            }
        }
        return inputGrad
    }
}
