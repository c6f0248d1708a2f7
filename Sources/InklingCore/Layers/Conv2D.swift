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
///
/// This is the per-layer path (tests, odd layer sequences); `ConvBlock` fuses a convolution
/// with the batch norm, ReLU and max-pool after it and is what `Network` runs when it can.
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
    /// Workers for the chunk loop (set by `Network`; results do not depend on it).
    public var threads = 1

    /// Target size of one chunk's cols, in floats (384 KiB: half this machine's L2 of 512 KiB).
    static let chunkFloats = 96 * 1024

    private var scratch: [Buffer] = []       // per worker: cols (then dcols), padded input
    private var weightGradParts = Buffer()   // per chunk: partial dW, summed in chunk order
    private var biasGradParts = Buffer()     // per chunk: partial db
    private let output = Tensor()
    private let inputGrad = Tensor()
    private var input: Tensor?

    public init(name: String, input: Shape, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int, rng: inout SeededRNG) {
        precondition(input.c > 0 && outChannels > 0 && kernel > 0 && stride > 0 && padding >= 0
                     && input.h + 2 * padding >= kernel && input.w + 2 * padding >= kernel, "\(name): bad convolution shape")
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

    var patch: Int { inputShape.c * kernel * kernel }   // K

    func geometry(_ n: Int) -> Im2col.Geometry {
        Im2col.Geometry(c: inputShape.c, n: n, h: inputShape.h, w: inputShape.w, k: kernel, stride: stride,
                        pad: padding, ho: outputShape.h, wo: outputShape.w)
    }

    func chunking(_ n: Int) -> Chunking {
        Chunking(images: n, floatsPerImage: patch * outputShape.plane, budget: Conv2D.chunkFloats)
    }

    private func prepareScratch(_ size: Int, workers: Int) -> [UnsafeMutablePointer<Float>] {
        while scratch.count < workers { scratch.append(Buffer()) }
        return (0..<workers).map { w -> UnsafeMutablePointer<Float> in scratch[w].ensure(size); return scratch[w].pointer }
    }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        checkInput(x, self)
        input = x
        let n = x.batch, kk = patch, cout = outputShape.c, plane = outputShape.plane
        let g = geometry(n), chunks = chunking(n), threads = self.threads
        output.resize(batch: n, shape: outputShape)
        let colsFloats = kk * chunks.size * plane
        let cols = prepareScratch(colsFloats + Im2col.paddedFloats(g, count: chunks.size), workers: min(threads, chunks.count))
        x.data.withUnsafeBufferPointer { xp in
            output.data.withUnsafeMutableBufferPointer { yp in
                weight.value.withUnsafeBufferPointer { wp in
                    bias.value.withUnsafeBufferPointer { bp in
                        let (xb, yb, wb, bb) = (xp.baseAddress!, yp.baseAddress!, wp.baseAddress!, bp.baseAddress!)
                        parallelFor(chunks.count, threads: threads) { worker, c in
                            let (n0, count) = chunks.range(c)
                            let y = yb + n0 * plane, columns = count * plane
                            // y starts as the bias and the GEMM adds W x cols (beta = 1: no zeroing pass).
                            for o in 0..<cout { (y + o * n * plane).update(repeating: bb[o], count: columns) }
                            Im2col.forward(xb, g, n0: n0, count: count, cols: cols[worker], padded: cols[worker] + colsFloats)
                            // y[:, n0*plane ..< (n0+count)*plane] += W[Cout][K] x cols[K][count*plane]
                            BLAS.gemm(m: cout, n: columns, k: kk, a: wb, b: cols[worker], beta: 1, c: y, ldc: n * plane)
                        }
                    }
                }
            }
        }
        return output
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("\(name): backward before forward") }
        let n = x.batch, kk = patch, cout = outputShape.c, plane = outputShape.plane
        let g = geometry(n), chunks = chunking(n), threads = self.threads
        let colsFloats = kk * chunks.size * plane
        let scratchPointers = prepareScratch(colsFloats + Im2col.paddedFloats(g, count: chunks.size), workers: min(threads, chunks.count))
        weightGradParts.ensure(chunks.count * cout * kk)
        biasGradParts.ensure(chunks.count * cout)
        let (parts, biasParts) = (weightGradParts.pointer, biasGradParts.pointer)
        inputGrad.resize(batch: n, shape: inputShape)
        let needInput = computesInputGradient
        x.data.withUnsafeBufferPointer { xp in
            dy.data.withUnsafeBufferPointer { dyp in
                weight.value.withUnsafeBufferPointer { wp in
                    inputGrad.data.withUnsafeMutableBufferPointer { dxp in
                        let (xb, gb, wb, dxb) = (xp.baseAddress!, dyp.baseAddress!, wp.baseAddress!, dxp.baseAddress!)
                        parallelFor(chunks.count, threads: threads) { worker, c in
                            let (n0, count) = chunks.range(c)
                            let buffer = scratchPointers[worker], dyChunk = gb + n0 * plane
                            // partial db[o] = sum of the chunk's part of row o of dy
                            for o in 0..<cout {
                                biasParts[c * cout + o] = Kernels.sum(dyChunk + o * n * plane, count * plane)
                            }
                            // Recompute this chunk's cols (cheaper than keeping the whole batch's).
                            Im2col.forward(xb, g, n0: n0, count: count, cols: buffer, padded: buffer + colsFloats)
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
        }
        // dW, db = sums of the chunk partials, in chunk order (deterministic).
        weight.grad.withUnsafeMutableBufferPointer { Kernels.sumParts(parts, parts: chunks.count, size: cout * kk, into: $0.baseAddress!) }
        bias.grad.withUnsafeMutableBufferPointer { Kernels.sumParts(biasParts, parts: chunks.count, size: cout, into: $0.baseAddress!) }
        return inputGrad
    }
}
