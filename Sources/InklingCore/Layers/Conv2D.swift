/// 2-D convolution (cross-correlation) over CNHW activations, via im2col + SGEMM.
///
/// x:      [Cin][N][H][W]           weight: [Cout][Cin][k][k] = [Cout][K], K = Cin*k*k
/// y:      [Cout][N][Ho][Wo]        bias:   [Cout]
/// Ho = (H + 2*pad - k) / stride + 1
///
/// The batch is cut into chunks of images whose im2col matrix (cols: [K][chunk*Ho*Wo]) fits
/// in the L2 cache; chunks run in parallel, one single-threaded GEMM each, writing their own
/// columns of y (ldc = N*Ho*Wo). The chunking depends only on the shapes, never on the
/// thread count, and partial weight gradients are summed in chunk order.
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

    /// Target size of one chunk's cols, in floats (1 MiB).
    static let chunkFloats = 256 * 1024

    private var scratch: [Buffer] = []       // per worker: cols, then dcols
    private var weightGradParts = Buffer()   // per chunk: partial dW, summed in chunk order
    private let output = Tensor()
    private let inputGrad = Tensor()
    private var input: Tensor?

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

    private var patch: Int { inputShape.c * kernel * kernel }   // K

    private func geometry(_ n: Int) -> Im2col.Geometry {
        Im2col.Geometry(c: inputShape.c, n: n, h: inputShape.h, w: inputShape.w, k: kernel, stride: stride,
                        pad: padding, ho: outputShape.h, wo: outputShape.w)
    }

    /// Images per chunk for a batch of n.
    private func chunkImages(_ n: Int) -> Int {
        max(1, min(n, Conv2D.chunkFloats / max(1, patch * outputShape.plane)))
    }

    private func prepareScratch(_ chunk: Int) -> [UnsafeMutablePointer<Float>] {
        let workers = Engine.threads
        while scratch.count < workers { scratch.append(Buffer()) }
        let size = patch * chunk * outputShape.plane
        return (0..<workers).map { w -> UnsafeMutablePointer<Float> in scratch[w].ensure(size); return scratch[w].pointer }
    }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        checkInput(x, self)
        input = x
        let n = x.batch, kk = patch, cout = outputShape.c, plane = outputShape.plane
        let g = geometry(n), chunk = chunkImages(n), chunks = (n + chunk - 1) / chunk
        output.resize(batch: n, shape: outputShape)
        let cols = prepareScratch(chunk)
        x.data.withUnsafeBufferPointer { xp in
            output.data.withUnsafeMutableBufferPointer { yp in
                weight.value.withUnsafeBufferPointer { wp in
                    let (xb, yb, wb) = (xp.baseAddress!, yp.baseAddress!, wp.baseAddress!)
                    parallelFor(chunks, threads: Engine.threads) { worker, c in
                        let n0 = c * chunk, count = min(chunk, n - n0)
                        Im2col.forward(xb, g, n0: n0, count: count, cols: cols[worker])
                        // y[:, n0*plane ..< (n0+count)*plane] = W[Cout][K] x cols[K][count*plane]
                        BLAS.gemm(m: cout, n: count * plane, k: kk, a: wb, b: cols[worker], c: yb + n0 * plane, ldc: n * plane)
                    }
                }
                bias.value.withUnsafeBufferPointer { bp in
                    let y = yp.baseAddress!, columns = n * plane
                    parallelFor(cout, threads: Engine.threads) { o in
                        let row = y + o * columns, b = bp[o]
                        for j in 0..<columns { row[j] += b }
                    }
                }
            }
        }
        return output
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("\(name): backward before forward") }
        let n = x.batch, kk = patch, cout = outputShape.c, plane = outputShape.plane
        let g = geometry(n), chunk = chunkImages(n), chunks = (n + chunk - 1) / chunk
        let scratchPointers = prepareScratch(chunk)
        weightGradParts.ensure(chunks * cout * kk)
        let parts = weightGradParts.pointer
        inputGrad.resize(batch: n, shape: inputShape)
        let needInput = computesInputGradient
        x.data.withUnsafeBufferPointer { xp in
            dy.data.withUnsafeBufferPointer { dyp in
                weight.value.withUnsafeBufferPointer { wp in
                    inputGrad.data.withUnsafeMutableBufferPointer { dxp in
                        let (xb, gb, wb, dxb) = (xp.baseAddress!, dyp.baseAddress!, wp.baseAddress!, dxp.baseAddress!)
                        parallelFor(chunks, threads: Engine.threads) { worker, c in
                            let n0 = c * chunk, count = min(chunk, n - n0)
                            let buffer = scratchPointers[worker], dyChunk = gb + n0 * plane
                            // Recompute this chunk's cols (cheaper than keeping the whole batch's).
                            Im2col.forward(xb, g, n0: n0, count: count, cols: buffer)
                            // partial dW[Cout][K] = dy_chunk[Cout][count*plane] x cols^T
                            BLAS.gemm(transB: true, m: cout, n: kk, k: count * plane, a: dyChunk, lda: n * plane,
                                      b: buffer, c: parts + c * cout * kk)
                            guard needInput else { return }
                            // dcols[K][count*plane] = W^T x dy_chunk, into the same scratch
                            BLAS.gemm(transA: true, m: kk, n: count * plane, k: cout, a: wb, b: dyChunk, ldb: n * plane, c: buffer)
                            Im2col.backward(buffer, g, n0: n0, count: count, dx: dxb)
                        }
                    }
                }
            }
            // dW = sum of the chunk partials, in chunk order (deterministic).
            weight.grad.withUnsafeMutableBufferPointer { dw in
                let size = cout * kk
                dw.baseAddress!.update(from: parts, count: size)
                for c in 1..<max(1, chunks) {
                    let part = parts + c * size
                    for i in 0..<size { dw[i] += part[i] }
                }
            }
            // db[o] = sum of row o of dy
            dy.data.withUnsafeBufferPointer { dyp in
                let columns = n * plane
                for o in 0..<cout {
                    var s: Float = 0
                    let row = dyp.baseAddress! + o * columns
                    for j in 0..<columns { s += row[j] }
                    bias.grad[o] = s
                }
            }
        }
        return inputGrad
    }
}
