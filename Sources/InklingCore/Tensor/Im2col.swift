/// im2col / col2im for a chunk of images of CNHW activations.
///
/// x:    [C][N][H][W]; the chunk is images n0 ..< n0 + count
/// cols: [C*k*k][count*Ho*Wo], row (c, ky, kx), column (image, oy, ox), holding
///       x[c][n0 + image][oy*stride + ky - pad][ox*stride + kx - pad] (zero outside).
///
/// Rows are short (7 to 28 values), so the cost is per-row bookkeeping more than bandwidth.
/// Stride 1 first copies the chunk into a zero-bordered buffer, after which every output row
/// is a plain vector copy with no bounds logic (about twice as fast as value-by-value copies
/// with border checks: refnet inference went from 7.1k to 9.2k images/s on one thread).
/// Other strides work out each kernel offset's valid rows and columns once and write the
/// zero border as whole blocks.
/// Index arithmetic wraps (`&+`, `&*`) because validated shapes bound every index
/// (docs/weights-format.md, Limits).
enum Im2col {
    struct Geometry {
        let c: Int, n: Int, h: Int, w: Int, k: Int, stride: Int, pad: Int, ho: Int, wo: Int

        /// Outputs [lo, hi) of a row (or column) whose input index o*stride + offset - pad
        /// lies inside [0, size). Both ends clamped to [0, outSize]: with a padding wider than
        /// the input (a 1-pixel map under a 5x5 kernel with padding 2) the first valid output
        /// can lie past the last.
        @inline(__always) func valid(_ offset: Int, size: Int, outSize: Int) -> (Int, Int) {
            let lo = min(outSize, max(0, (pad - offset + stride - 1) / stride))
            let top = size - 1 + pad - offset
            let hi = top < 0 ? 0 : min(outSize, top / stride + 1)
            return (lo, max(lo, hi))
        }
        @inline(__always) func validColumns(_ kx: Int) -> (Int, Int) { valid(kx, size: w, outSize: wo) }
        @inline(__always) func validRows(_ ky: Int) -> (Int, Int) { valid(ky, size: h, outSize: ho) }
    }

    /// Floats of `padded` scratch `forward` needs for a chunk of `count` images: a copy of
    /// their input planes with a zero border (stride 1 only).
    static func paddedFloats(_ g: Geometry, count: Int) -> Int {
        g.stride == 1 ? g.c * count * (g.h + 2 * g.pad) * (g.w + 2 * g.pad) : 0
    }

    /// cols for the chunk. Stride 1 (every layer Inkling trains) copies the chunk's planes
    /// into `padded` with a zero border first, so that each output row is one unconditional
    /// copy of Wo values, done four at a time with an overlapping last vector; other strides
    /// gather value by value.
    static func forward(_ x: UnsafePointer<Float>, _ g: Geometry, n0: Int, count: Int, cols: UnsafeMutablePointer<Float>,
                        padded: UnsafeMutablePointer<Float>) {
        guard g.stride == 1 && g.wo >= 4 else { return forwardStrided(x, g, n0: n0, count: count, cols: cols) }
        let (k, ho, wo) = (g.k, g.ho, g.wo)
        let hp = g.h &+ 2 &* g.pad, wp = g.w &+ 2 &* g.pad, paddedPlane = hp &* wp
        let outPlane = ho &* wo, rowLength = count &* outPlane
        pad(x, g, n0: n0, count: count, into: padded)
        let lastVector = wo &- 4
        for ch in 0..<g.c {
            for ky in 0..<k {
                for kx in 0..<k {
                    var dst = cols + ((ch &* k &+ ky) &* k &+ kx) &* rowLength
                    let at: Int = ch &* count &* paddedPlane &+ ky &* wp &+ kx
                    var plane = UnsafePointer(padded) + at
                    for _ in 0..<count {
                        var src = plane
                        for _ in 0..<ho {
                            var ox = 0
                            while ox < lastVector {
                                UnsafeMutableRawPointer(dst + ox).storeBytes(
                                    of: UnsafeRawPointer(src + ox).loadUnaligned(as: SIMD4<Float>.self), as: SIMD4<Float>.self)
                                ox &+= 4
                            }
                            UnsafeMutableRawPointer(dst + lastVector).storeBytes(
                                of: UnsafeRawPointer(src + lastVector).loadUnaligned(as: SIMD4<Float>.self), as: SIMD4<Float>.self)
                            dst += wo
                            src += wp
                        }
                        plane += paddedPlane
                    }
                }
            }
        }
    }

    /// padded[c][image][H + 2 pad][W + 2 pad]: the chunk's planes inside a zero border.
    static func pad(_ x: UnsafePointer<Float>, _ g: Geometry, n0: Int, count: Int, into padded: UnsafeMutablePointer<Float>) {
        let (h, w, pad) = (g.h, g.w, g.pad)
        let wp = w &+ 2 &* pad, paddedPlane = (h &+ 2 &* pad) &* wp, inPlane = h &* w
        padded.update(repeating: 0, count: g.c &* count &* paddedPlane)
        for ch in 0..<g.c {
            for b in 0..<count {
                let src = x + (ch &* g.n &+ n0 &+ b) &* inPlane
                let at: Int = (ch &* count &+ b) &* paddedPlane &+ pad &* wp &+ pad
                let dst = padded + at
                for y in 0..<h { (dst + y &* wp).update(from: src + y &* w, count: w) }
            }
        }
    }

    /// Any stride: value by value, the zero border written as whole blocks.
    private static func forwardStrided(_ x: UnsafePointer<Float>, _ g: Geometry, n0: Int, count: Int, cols: UnsafeMutablePointer<Float>) {
        let (k, s, pad, w, wo) = (g.k, g.stride, g.pad, g.w, g.wo)
        let inPlane = g.h &* w, outPlane = g.ho &* wo, rowLength = count &* outPlane
        for ch in 0..<g.c {
            for ky in 0..<k {
                let (oyLo, oyHi) = g.validRows(ky)
                for kx in 0..<k {
                    let (lo, hi) = g.validColumns(kx)
                    var dst = cols + ((ch &* k &+ ky) &* k &+ kx) &* rowLength
                    var plane = x + (ch &* g.n &+ n0) &* inPlane
                    for _ in 0..<count {
                        dst.update(repeating: 0, count: oyLo &* wo)                // rows above the image
                        var d = dst + oyLo &* wo
                        let firstRow: Int = (oyLo &* s &+ ky &- pad) &* w
                        var src = plane + (firstRow &+ kx &- pad)                  // input of output (oyLo, 0)
                        for _ in oyLo..<oyHi {
                            var ox = 0
                            while ox < lo { d[ox] = 0; ox &+= 1 }
                            while ox < hi { d[ox] = src[ox &* s]; ox &+= 1 }
                            while ox < wo { d[ox] = 0; ox &+= 1 }
                            d += wo
                            src += s &* w
                        }
                        (dst + oyHi &* wo).update(repeating: 0, count: (g.ho &- oyHi) &* wo)  // rows below
                        dst += outPlane
                        plane += inPlane
                    }
                }
            }
        }
    }

    /// The adjoint for the same chunk: dx[c][n0 + image][iy][ix] = sum of the dcols entries
    /// that were copied from it. Overwrites the chunk's part of dx.
    static func backward(_ dcols: UnsafePointer<Float>, _ g: Geometry, n0: Int, count: Int, dx: UnsafeMutablePointer<Float>) {
        let (k, s, pad, w, wo) = (g.k, g.stride, g.pad, g.w, g.wo)
        let inPlane = g.h &* w, outPlane = g.ho &* wo, rowLength = count &* outPlane
        for ch in 0..<g.c {
            (dx + (ch &* g.n &+ n0) &* inPlane).update(repeating: 0, count: count &* inPlane)
        }
        for ch in 0..<g.c {
            for ky in 0..<k {
                let (oyLo, oyHi) = g.validRows(ky)
                for kx in 0..<k {
                    let (lo, hi) = g.validColumns(kx)
                    var src = dcols + ((ch &* k &+ ky) &* k &+ kx) &* rowLength
                    var plane = dx + (ch &* g.n &+ n0) &* inPlane
                    for _ in 0..<count {
                        var from = src + oyLo &* wo
                        let firstRow: Int = (oyLo &* s &+ ky &- pad) &* w
                        var to = plane + (firstRow &+ kx &- pad)
                        for _ in oyLo..<oyHi {
                            var ox = lo
                            if s == 1 {
                                while ox < hi { to[ox] += from[ox]; ox &+= 1 }
                            } else {
                                while ox < hi { to[ox &* s] += from[ox]; ox &+= 1 }
                            }
                            from += wo
                            to += s &* w
                        }
                        src += outPlane
                        plane += inPlane
                    }
                }
            }
        }
    }
}
