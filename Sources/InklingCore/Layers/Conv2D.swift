/// 2-D convolution (cross-correlation) over CNHW activations, via im2col + one SGEMM.
///
/// x:    [Cin][N][H][W]            weight: [Cout][Cin][k][k] = [Cout][K], K = Cin*k*k
/// cols: [K][N*Ho*Wo]              bias:   [Cout]
/// y:    [Cout][N][Ho][Wo]         Ho = (H + 2*pad - k) / stride + 1
public final class Conv2D: Layer {
    public let kind = "conv2d"
    public let name: String
    public let inputShape: Shape
    public let outputShape: Shape
    public let kernel: Int, stride: Int, padding: Int
    public let weight: Parameter
    public let bias: Parameter
    /// The first layer needs no input gradient: skipping it saves a GEMM and a col2im.
    public var computesInputGradient = true

    private var cols = Buffer()
    private var dcols = Buffer()
    private let output = Tensor()
    private let inputGrad = Tensor()
    private var lastBatch = 0

    public init(name: String, input: Shape, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int, rng: inout SeededRNG) {
        self.name = name
        self.inputShape = input
        self.kernel = kernel; self.stride = stride; self.padding = padding
        let ho = (input.h + 2 * padding - kernel) / stride + 1
        let wo = (input.w + 2 * padding - kernel) / stride + 1
        self.outputShape = Shape(outChannels, ho, wo)
        let fanIn = input.c * kernel * kernel
        // He initialisation: keeps activation variance steady through ReLUs.
        let std = (2.0 / Float(fanIn)).squareRoot()
        weight = Parameter(name: "\(name).weight", shape: [outChannels, input.c, kernel, kernel],
                           value: (0..<(outChannels * fanIn)).map { _ in rng.normal() * std }, decays: true)
        bias = Parameter(name: "\(name).bias", shape: [outChannels], value: [Float](repeating: 0, count: outChannels), decays: false)
    }

    public var parameters: [Parameter] { [weight, bias] }
    public var multiplyAdds: Int { outputShape.size * inputShape.c * kernel * kernel }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        checkInput(x, self)
        let n = x.batch, kk = inputShape.c * kernel * kernel, cout = outputShape.c
        let columns = n * outputShape.plane
        lastBatch = n
        cols.ensure(kk * columns)
        output.resize(batch: n, shape: outputShape)
        let colsPtr = cols.pointer
        x.data.withUnsafeBufferPointer { xp in
            Im2col.forward(xp.baseAddress!, c: inputShape.c, n: n, h: inputShape.h, w: inputShape.w,
                           k: kernel, stride: stride, pad: padding, ho: outputShape.h, wo: outputShape.w,
                           cols: colsPtr, threads: Engine.threads)
        }
        output.data.withUnsafeMutableBufferPointer { yp in
            let y = yp.baseAddress!
            weight.value.withUnsafeBufferPointer { wp in
                BLAS.gemm(m: cout, n: columns, k: kk, a: wp.baseAddress!, b: colsPtr, c: y)
            }
            bias.value.withUnsafeBufferPointer { bp in
                for o in 0..<cout {
                    let row = y + o * columns, b = bp[o]
                    for j in 0..<columns { row[j] += b }
                }
            }
        }
        return output
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let n = lastBatch, kk = inputShape.c * kernel * kernel, cout = outputShape.c
        let columns = n * outputShape.plane
        let colsPtr = cols.pointer
        dy.data.withUnsafeBufferPointer { dyp in
            let g = dyp.baseAddress!
            // dW[Cout][K] = dy[Cout][cols] x cols^T
            weight.grad.withUnsafeMutableBufferPointer { dw in
                BLAS.gemm(transB: true, m: cout, n: kk, k: columns, a: g, b: colsPtr, c: dw.baseAddress!)
            }
            // db[o] = sum over the row of dy
            bias.grad.withUnsafeMutableBufferPointer { db in
                for o in 0..<cout {
                    var s: Float = 0
                    let row = g + o * columns
                    for j in 0..<columns { s += row[j] }
                    db[o] = s
                }
            }
        }
        inputGrad.resize(batch: n, shape: inputShape)
        guard computesInputGradient else { return inputGrad }
        dcols.ensure(kk * columns)
        let dcolsPtr = dcols.pointer
        dy.data.withUnsafeBufferPointer { dyp in
            weight.value.withUnsafeBufferPointer { wp in
                // dcols[K][cols] = W^T x dy
                BLAS.gemm(transA: true, m: kk, n: columns, k: cout, a: wp.baseAddress!, b: dyp.baseAddress!, c: dcolsPtr)
            }
        }
        inputGrad.data.withUnsafeMutableBufferPointer { dxp in
            Im2col.backward(dcolsPtr, c: inputShape.c, n: n, h: inputShape.h, w: inputShape.w,
                            k: kernel, stride: stride, pad: padding, ho: outputShape.h, wo: outputShape.w,
                            dx: dxp.baseAddress!, threads: Engine.threads)
        }
        return inputGrad
    }
}
