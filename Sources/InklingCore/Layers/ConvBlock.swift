/// conv -> [batch norm] -> ReLU -> [2x2 max-pool, stride 2], fused per chunk of images.
///
/// x:  [Cin][N][H][W]  ->  z = conv(x): [Cout][N][Ho][Wo]  ->  y: [Cout][N][Hp][Wp]
/// (Hp = Ho / 2 with the pool, else Ho). Same maths as the per-layer path (Conv2D, BatchNorm2D,
/// ReLU, MaxPool2D; tested equal), but each chunk of images goes through im2col, the GEMM, the
/// bias, batch norm, ReLU and the pool while its values are in cache, and nothing is written
/// twice: y is the bias plus the GEMM (beta = 1), pooled values and their argmax (2 bits,
/// one byte) are all that is kept for backward when there is no batch norm.
///
/// Batch norm needs statistics over the whole batch, so with it training runs two chunk
/// passes (GEMM + partial sums; normalise + ReLU + pool) and keeps z, chunk-major
/// ([chunk][Cout][count*Ho*Wo]). Partial sums are combined in chunk order and chunks depend
/// only on the shapes, so results are identical for any thread count. The layers' own
/// Parameter objects and running statistics are used, so optimizers and export see them.
final class ConvBlock {
    let conv: Conv2D
    let norm: BatchNorm2D?
    let relu: ReLU
    let pool: MaxPool2D?
    let outputShape: Shape
    var inputShape: Shape { conv.inputShape }

    private let output = Tensor()
    private let inputGrad = Tensor()
    private var input: Tensor?
    private var trainedForward = false
    private var z = Buffer()                 // BN training: conv outputs, chunk-major
    private var dz = Buffer()                // BN training: gradients, chunk-major
    private var argmax: [UInt8] = []         // pool: winner 0...3 per output, layout of y
    private var scratch: [Buffer] = []       // per worker: cols [K][size*plane], z chunk [Cout][size*plane], padded input
    private var statParts: [Double] = []     // per chunk, per channel: (sum, sum of squares) or (sum dy, sum dy*xhat)
    private var weightGradParts = Buffer()
    private var biasGradParts = Buffer()
    private var mean: [Float], invStd: [Float]

    /// The layers `layers[i...]` if they form a block (conv [bn] relu [2x2 pool]), else nil.
    static func match(_ layers: [Layer], at i: Int) -> (block: ConvBlock, length: Int)? {
        guard i < layers.count, let conv = layers[i] as? Conv2D else { return nil }
        var j = i + 1
        let norm = j < layers.count ? layers[j] as? BatchNorm2D : nil
        if norm != nil { j += 1 }
        guard j < layers.count, let relu = layers[j] as? ReLU else { return nil }
        j += 1
        var pool = j < layers.count ? layers[j] as? MaxPool2D : nil
        if let p = pool, p.size == 2 && p.stride == 2 { j += 1 } else { pool = nil }
        return (ConvBlock(conv: conv, norm: norm, relu: relu, pool: pool), j - i)
    }

    init(conv: Conv2D, norm: BatchNorm2D?, relu: ReLU, pool: MaxPool2D?) {
        precondition(norm.map { $0.inputShape == conv.outputShape } ?? true && relu.inputShape == conv.outputShape
                     && (pool.map { $0.inputShape == conv.outputShape && $0.size == 2 && $0.stride == 2 } ?? true))
        self.conv = conv; self.norm = norm; self.relu = relu; self.pool = pool
        outputShape = pool?.outputShape ?? conv.outputShape
        mean = [Float](repeating: 0, count: conv.outputShape.c)
        invStd = [Float](repeating: 1, count: conv.outputShape.c)
    }

    private func workerScratch(_ chunks: Chunking, threads: Int) -> [UnsafeMutablePointer<Float>] {
        let workers = max(1, min(threads, chunks.count))
        let size = paddedOffset(chunks) + Im2col.paddedFloats(conv.geometry(chunks.images), count: chunks.size)
        while scratch.count < workers { scratch.append(Buffer()) }
        return (0..<workers).map { w -> UnsafeMutablePointer<Float> in scratch[w].ensure(size); return scratch[w].pointer }
    }

    /// Where a worker's padded-input scratch starts, after cols and the z chunk.
    private func paddedOffset(_ chunks: Chunking) -> Int {
        (conv.patch + conv.outputShape.c) * chunks.size * conv.outputShape.plane
    }

    // MARK: forward

    func forward(_ x: Tensor, training: Bool, threads: Int) -> Tensor {
        checkInput(x, conv)
        input = x
        trainedForward = training
        let n = x.batch, cout = conv.outputShape.c, plane = conv.outputShape.plane, kk = conv.patch
        let g = conv.geometry(n), chunks = conv.chunking(n)
        let batchStats = training && norm != nil
        output.resize(batch: n, shape: outputShape)
        if training && pool != nil && argmax.count < output.count { argmax = [UInt8](repeating: 0, count: output.count) }
        if batchStats {
            z.ensure(chunks.count * chunks.size * cout * plane)
            if statParts.count < chunks.count * cout * 2 { statParts = [Double](repeating: 0, count: chunks.count * cout * 2) }
        }
        let scratchPointers = workerScratch(chunks, threads: threads)
        let zAll = batchStats ? z.pointer : nil
        if let bn = norm, !batchStats {
            // Inference: batch norm is a fixed affine map per channel (running statistics).
            for o in 0..<cout {
                mean[o] = bn.runningMean[o]
                invStd[o] = 1 / (bn.runningVar[o] + bn.eps).squareRoot()
            }
        }
        x.data.withUnsafeBufferPointer { xp in
        conv.weight.value.withUnsafeBufferPointer { wp in
        conv.bias.value.withUnsafeBufferPointer { bp in
        statParts.withUnsafeMutableBufferPointer { sp in
        output.data.withUnsafeMutableBufferPointer { yp in
        argmax.withUnsafeMutableBufferPointer { ap in
            let (xb, wb, bb, stats, yb) = (xp.baseAddress!, wp.baseAddress!, bp.baseAddress!, sp.baseAddress, yp.baseAddress!)
            let arg = training ? ap.baseAddress : nil
            parallelFor(chunks.count, threads: threads) { worker, c in
                let (n0, count) = chunks.range(c)
                let cols = scratchPointers[worker], columns = count * plane
                let zc = zAll.map { $0 + c * chunks.size * cout * plane } ?? cols + kk * chunks.size * plane
                // zc[Cout][count*plane] = bias + W[Cout][K] x cols[K][count*plane]
                for o in 0..<cout { (zc + o * columns).update(repeating: bb[o], count: columns) }
                Im2col.forward(xb, g, n0: n0, count: count, cols: cols, padded: cols + paddedOffset(chunks))
                BLAS.gemm(m: cout, n: columns, k: kk, a: wb, b: cols, beta: 1, c: zc)
                if batchStats {
                    // Partial sums for the batch statistics, in Double (see BatchNorm2D).
                    for o in 0..<cout {
                        let (s, s2) = Kernels.sumAndSquares(zc + o * columns, columns)
                        stats![(c * cout + o) * 2] = s
                        stats![(c * cout + o) * 2 + 1] = s2
                    }
                } else {
                    epilogue(zc, y: yb, arg: arg, n0: n0, count: count, n: n)
                }
            }
        }}}}}}
        guard batchStats, let bn = norm else { return output }
        // Batch statistics: chunk partials summed in chunk order.
        let m = n * plane
        for o in 0..<cout {
            var s = 0.0, s2 = 0.0
            for c in 0..<chunks.count { s += statParts[(c * cout + o) * 2]; s2 += statParts[(c * cout + o) * 2 + 1] }
            let mu = s / Double(m)
            let variance = Float(max(0, s2 / Double(m) - mu * mu))
            mean[o] = Float(mu)
            invStd[o] = 1 / (variance + bn.eps).squareRoot()
            bn.runningMean[o] += bn.momentum * (mean[o] - bn.runningMean[o])
            let unbiased = m > 1 ? variance * Float(m) / Float(m - 1) : variance
            bn.runningVar[o] += bn.momentum * (unbiased - bn.runningVar[o])
        }
        let zb = z.pointer
        output.data.withUnsafeMutableBufferPointer { yp in
            argmax.withUnsafeMutableBufferPointer { ap in
                let (yb, arg) = (yp.baseAddress!, ap.baseAddress)
                parallelFor(chunks.count, threads: threads) { c in
                    let (n0, count) = chunks.range(c)
                    epilogue(zb + c * chunks.size * cout * plane, y: yb, arg: arg, n0: n0, count: count, n: n)
                }
            }
        }
        return output
    }

    /// Per-channel affine map of batch norm, written so that the identity (no batch norm) is
    /// exact: y = gamma * ((z - mean) * inv) + beta, as BatchNorm2D computes it.
    private func affine(_ o: Int) -> (mean: Float, inv: Float, gamma: Float, beta: Float) {
        guard let bn = norm else { return (0, 1, 1, 0) }
        return (mean[o], invStd[o], bn.gamma.value[o], bn.beta.value[o])
    }

    /// y = pool(relu(bn(zc))) for one chunk; zc: [Cout][count*Ho*Wo]. Records the pool's
    /// winners (0...3) when training. Ties go to the first value, as in MaxPool2D.
    /// Branch-free: each window is reduced as a tree of selects (first of two equal values
    /// wins, then the first pair), which picks the same winner as a left-to-right scan.
    private func epilogue(_ zc: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, arg: UnsafeMutablePointer<UInt8>?,
                          n0: Int, count: Int, n: Int) {
        let cout = conv.outputShape.c, (ho, wo) = (conv.outputShape.h, conv.outputShape.w), plane = ho &* wo
        let (hp, wp) = (outputShape.h, outputShape.w), outPlane = hp &* wp
        let columns = count &* plane
        for o in 0..<cout {
            let (mu, inv, gamma, beta) = affine(o)
            @inline(__always) func act(_ v: Float) -> Float {
                let a = gamma * ((v - mu) * inv) + beta
                return a > 0 ? a : 0
            }
            for b in 0..<count {
                let offset: Int = o &* columns &+ b &* plane
                let src = zc + offset
                let at = (o &* n &+ n0 &+ b) &* outPlane, dst = y + at
                guard pool != nil else {
                    for i in 0..<plane { dst[i] = act(src[i]) }
                    continue
                }
                let winners = arg.map { $0 + at }
                for py in 0..<hp {
                    // Window (2py, 2px): Hp = Ho/2 and Wp = Wo/2 (floor), so every index is < plane.
                    let top = src + 2 &* py &* wo, bottom = top + wo, out = dst + py &* wp
                    for px in 0..<wp {
                        let v0 = act(top[2 &* px]), v1 = act(top[2 &* px &+ 1])
                        let v2 = act(bottom[2 &* px]), v3 = act(bottom[2 &* px &+ 1])
                        let upper = v1 > v0 ? v1 : v0, lower = v3 > v2 ? v3 : v2
                        out[px] = lower > upper ? lower : upper
                        if let winners = winners {
                            let wu: UInt8 = v1 > v0 ? 1 : 0, wl: UInt8 = v3 > v2 ? 3 : 2
                            winners[py &* wp &+ px] = lower > upper ? wl : wu
                        }
                    }
                }
            }
        }
    }

    // MARK: backward

    /// Gradient with respect to the batch norm's output (or z without batch norm) for one
    /// chunk, written to every element of dzc [Cout][count*Ho*Wo] once: the pool's winner
    /// gets dy where the ReLU passed (y > 0), every other position 0.
    private func expand(_ dy: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ arg: UnsafePointer<UInt8>,
                        into dzc: UnsafeMutablePointer<Float>, n0: Int, count: Int, n: Int) {
        let cout = conv.outputShape.c, (ho, wo) = (conv.outputShape.h, conv.outputShape.w), plane = ho * wo
        let (hp, wp) = (outputShape.h, outputShape.w), outPlane = hp * wp
        let columns = count * plane
        for o in 0..<cout {
            for b in 0..<count {
                let at = (o * n + n0 + b) * outPlane
                let (g, yv, dst) = (dy + at, y + at, dzc + o * columns + b * plane)
                guard pool != nil else {
                    for i in 0..<plane { dst[i] = yv[i] > 0 ? g[i] : 0 }
                    continue
                }
                let a = arg + at
                // Odd Ho or Wo: the last row or column is in no window.
                if ho != 2 * hp || wo != 2 * wp { dst.update(repeating: 0, count: plane) }
                for py in 0..<hp {
                    let top = dst + 2 * py * wo, bottom = top + wo
                    for px in 0..<wp {
                        let v = yv[py * wp + px] > 0 ? g[py * wp + px] : 0
                        let w = a[py * wp + px]
                        top[2 * px] = w == 0 ? v : 0
                        top[2 * px + 1] = w == 1 ? v : 0
                        bottom[2 * px] = w == 2 ? v : 0
                        bottom[2 * px + 1] = w == 3 ? v : 0
                    }
                }
            }
        }
    }

    /// Convolution backward for one chunk, given dzc = dL/dz [Cout][count*plane]: partial dW
    /// and db into chunk c's slots, and (unless the block is first) dx for the chunk's images.
    private func convBackward(_ dzc: UnsafePointer<Float>, _ xb: UnsafePointer<Float>, _ wb: UnsafePointer<Float>,
                              cols: UnsafeMutablePointer<Float>, dx: UnsafeMutablePointer<Float>,
                              c: Int, n0: Int, count: Int, n: Int,
                              weightParts: UnsafeMutablePointer<Float>, biasParts: UnsafeMutablePointer<Float>) {
        let cout = conv.outputShape.c, plane = conv.outputShape.plane, kk = conv.patch
        let columns = count * plane
        for o in 0..<cout { biasParts[c * cout + o] = Kernels.sum(dzc + o * columns, columns) }
        let g = conv.geometry(n)
        Im2col.forward(xb, g, n0: n0, count: count, cols: cols, padded: cols + paddedOffset(conv.chunking(n)))
        // partial dW[Cout][K] = dz_chunk[Cout][count*plane] x cols^T
        BLAS.gemm(transB: true, m: cout, n: kk, k: columns, a: dzc, b: cols, c: weightParts + c * cout * kk)
        guard conv.computesInputGradient else { return }
        // dcols[K][count*plane] = W^T x dz_chunk, into the same scratch; then col2im.
        BLAS.gemm(transA: true, m: kk, n: columns, k: cout, a: wb, b: dzc, c: cols)
        Im2col.backward(cols, g, n0: n0, count: count, dx: dx)
    }

    func backward(_ dy: Tensor, threads: Int) -> Tensor {
        guard let x = input, trainedForward else { preconditionFailure("\(conv.name): backward without a training forward") }
        precondition(dy.batch == x.batch && dy.shape == outputShape, "\(conv.name): gradient shape")
        let n = x.batch, cout = conv.outputShape.c, plane = conv.outputShape.plane, kk = conv.patch
        let chunks = conv.chunking(n)
        let scratchPointers = workerScratch(chunks, threads: threads)
        weightGradParts.ensure(chunks.count * cout * kk)
        biasGradParts.ensure(chunks.count * cout)
        let (wParts, bParts) = (weightGradParts.pointer, biasGradParts.pointer)
        inputGrad.resize(batch: n, shape: conv.inputShape)
        let chunkFloats = chunks.size * cout * plane
        if norm != nil { dz.ensure(chunks.count * chunkFloats) }
        let (zAll, dzAll) = (norm != nil ? z.pointer : nil, norm != nil ? dz.pointer : nil)
        let m = n * plane
        var normScale = [Float](repeating: 0, count: cout), sumDy = normScale, sumDyXhat = normScale
        x.data.withUnsafeBufferPointer { xp in
        dy.data.withUnsafeBufferPointer { dyp in
        output.data.withUnsafeBufferPointer { yp in
        argmax.withUnsafeBufferPointer { ap in
        conv.weight.value.withUnsafeBufferPointer { wp in
        inputGrad.data.withUnsafeMutableBufferPointer { dxp in
        statParts.withUnsafeMutableBufferPointer { sp in
            let (xb, gb, yb, wb, dxb) = (xp.baseAddress!, dyp.baseAddress!, yp.baseAddress!, wp.baseAddress!, dxp.baseAddress!)
            let ab = ap.baseAddress ?? UnsafePointer(bitPattern: 8)!
            guard let zAll = zAll, let dzAll = dzAll, let bn = norm else {
                // No batch norm: one pass per chunk.
                parallelFor(chunks.count, threads: threads) { worker, c in
                    let (n0, count) = chunks.range(c)
                    let cols = scratchPointers[worker], dzc = cols + kk * chunks.size * plane
                    expand(gb, yb, ab, into: dzc, n0: n0, count: count, n: n)
                    convBackward(dzc, xb, wb, cols: cols, dx: dxb, c: c, n0: n0, count: count, n: n, weightParts: wParts, biasParts: bParts)
                }
                return
            }
            // Batch norm pass 1: dL/d(bn output) and its partial sums per chunk.
            let stats = sp.baseAddress!
            parallelFor(chunks.count, threads: threads) { c in
                let (n0, count) = chunks.range(c)
                let zc = zAll + c * chunkFloats, dzc = dzAll + c * chunkFloats, columns = count * plane
                expand(gb, yb, ab, into: dzc, n0: n0, count: count, n: n)
                for o in 0..<cout {
                    let (mu, inv) = (mean[o], invStd[o])
                    let (s, sx) = Kernels.normBackwardSums(dzc + o * columns, zc + o * columns, columns, mean: mu, inv: inv)
                    stats[(c * cout + o) * 2] = s
                    stats[(c * cout + o) * 2 + 1] = sx
                }
            }
            for o in 0..<cout {
                var s = 0.0, sx = 0.0
                for c in 0..<chunks.count { s += stats[(c * cout + o) * 2]; sx += stats[(c * cout + o) * 2 + 1] }
                sumDy[o] = Float(s); sumDyXhat[o] = Float(sx)
                normScale[o] = bn.gamma.value[o] * invStd[o] / Float(m)
            }
            // Pass 2: dz = gamma * invStd / M * (M * dy - sum(dy) - xhat * sum(dy * xhat)), then the convolution.
            parallelFor(chunks.count, threads: threads) { worker, c in
                let (n0, count) = chunks.range(c)
                let zc = zAll + c * chunkFloats, dzc = dzAll + c * chunkFloats, columns = count * plane
                for o in 0..<cout {
                    let (mu, inv, scale, sd, sdx, fm) = (mean[o], invStd[o], normScale[o], sumDy[o], sumDyXhat[o], Float(m))
                    let (zr, gr) = (zc + o * columns, dzc + o * columns)
                    for i in 0..<columns { let h = (zr[i] - mu) * inv; gr[i] = scale * (fm * gr[i] - sd - h * sdx) }
                }
                convBackward(dzc, xb, wb, cols: scratchPointers[worker], dx: dxb, c: c, n0: n0, count: count, n: n,
                             weightParts: wParts, biasParts: bParts)
            }
        }}}}}}}
        if let bn = norm {
            bn.gamma.grad = sumDyXhat
            bn.beta.grad = sumDy
        }
        conv.weight.grad.withUnsafeMutableBufferPointer { Kernels.sumParts(wParts, parts: chunks.count, size: cout * kk, into: $0.baseAddress!) }
        conv.bias.grad.withUnsafeMutableBufferPointer { Kernels.sumParts(bParts, parts: chunks.count, size: cout, into: $0.baseAddress!) }
        return inputGrad
    }
}
