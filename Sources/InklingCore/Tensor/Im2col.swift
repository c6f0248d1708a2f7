/// im2col / col2im for a chunk of images of CNHW activations.
///
/// x:    [C][N][H][W]; the chunk is images n0 ..< n0 + count
/// cols: [C*k*k][count*Ho*Wo], row (c, ky, kx), column (image, oy, ox), holding
///       x[c][n0 + image][oy*stride + ky - pad][ox*stride + kx - pad] (zero outside).
enum Im2col {
    struct Geometry {
        let c: Int, n: Int, h: Int, w: Int, k: Int, stride: Int, pad: Int, ho: Int, wo: Int
        /// Output columns [lo, hi) whose input column ox*stride + kx - pad lies inside [0, w).
        @inline(__always) func validColumns(_ kx: Int) -> (Int, Int) {
            // Both ends clamped to [0, wo]: with a padding wider than the input (a 1-pixel map
            // under a 5x5 kernel with padding 2) the first valid column can lie past the last.
            let lo = min(wo, max(0, (pad - kx + stride - 1) / stride))
            let top = w - 1 + pad - kx
            let hi = top < 0 ? 0 : min(wo, top / stride + 1)
            return (lo, max(lo, hi))
        }
    }

    static func forward(_ x: UnsafePointer<Float>, _ g: Geometry, n0: Int, count: Int, cols: UnsafeMutablePointer<Float>) {
        let rowLength = count * g.ho * g.wo
        for row in 0..<(g.c * g.k * g.k) {
            let ch = row / (g.k * g.k), ky = (row / g.k) % g.k, kx = row % g.k
            let (lo, hi) = g.validColumns(kx)
            var dst = cols + row * rowLength
            for b in 0..<count {
                let plane = x + (ch * g.n + n0 + b) * g.h * g.w
                for oy in 0..<g.ho {
                    let iy = oy * g.stride + ky - g.pad
                    if iy < 0 || iy >= g.h {
                        dst.update(repeating: 0, count: g.wo)
                    } else {
                        for ox in 0..<lo { dst[ox] = 0 }
                        let src = plane + iy * g.w + kx - g.pad
                        if g.stride == 1 {
                            // Rows are short (7 to 28 values): a plain loop beats a memmove call.
                            for ox in lo..<hi { dst[ox] = src[ox] }
                        } else {
                            for ox in lo..<hi { dst[ox] = src[ox * g.stride] }
                        }
                        for ox in hi..<g.wo { dst[ox] = 0 }
                    }
                    dst += g.wo
                }
            }
        }
    }

    /// The adjoint for the same chunk: dx[c][n0 + image][iy][ix] = sum of the dcols entries
    /// that were copied from it. Overwrites the chunk's part of dx.
    static func backward(_ dcols: UnsafePointer<Float>, _ g: Geometry, n0: Int, count: Int, dx: UnsafeMutablePointer<Float>) {
        let rowLength = count * g.ho * g.wo
        for ch in 0..<g.c {
            (dx + (ch * g.n + n0) * g.h * g.w).update(repeating: 0, count: count * g.h * g.w)
        }
        for row in 0..<(g.c * g.k * g.k) {
            let ch = row / (g.k * g.k), ky = (row / g.k) % g.k, kx = row % g.k
            let (lo, hi) = g.validColumns(kx)
            var src = dcols + row * rowLength
            for b in 0..<count {
                let plane = dx + (ch * g.n + n0 + b) * g.h * g.w
                for oy in 0..<g.ho {
                    let iy = oy * g.stride + ky - g.pad
                    if iy >= 0 && iy < g.h {
                        let dst = plane + iy * g.w + kx - g.pad
                        for ox in lo..<hi { dst[ox * g.stride] += src[ox] }
                    }
                    src += g.wo
                }
            }
        }
    }
}
