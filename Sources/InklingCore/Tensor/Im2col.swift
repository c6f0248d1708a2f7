/// im2col / col2im for CNHW activations.
///
/// x:    [C][N][H][W]
/// cols: [C*k*k][N*Ho*Wo], row (c, ky, kx), column (n, oy, ox), holding
///       x[c][n][oy*stride + ky - pad][ox*stride + kx - pad] (zero outside the image).
/// Rows are independent, so they are filled in parallel without changing the result.
enum Im2col {
    static func forward(_ x: UnsafePointer<Float>, c: Int, n: Int, h: Int, w: Int,
                        k: Int, stride: Int, pad: Int, ho: Int, wo: Int,
                        cols: UnsafeMutablePointer<Float>, threads: Int) {
        let rowLength = n * ho * wo
        parallelFor(c * k * k, threads: threads) { row in
            let ch = row / (k * k), ky = (row / k) % k, kx = row % k
            var dst = cols + row * rowLength
            for b in 0..<n {
                let plane = x + (ch * n + b) * h * w
                for oy in 0..<ho {
                    let iy = oy * stride + ky - pad
                    if iy < 0 || iy >= h {
                        dst.update(repeating: 0, count: wo)
                    } else {
                        let src = plane + iy * w
                        for ox in 0..<wo {
                            let ix = ox * stride + kx - pad
                            dst[ox] = (ix >= 0 && ix < w) ? src[ix] : 0
                        }
                    }
                    dst += wo
                }
            }
        }
    }

    /// The adjoint: dx[c][n][iy][ix] += dcols[row][col]. Parallel over channels, since the
    /// k*k rows of one channel add into the same plane.
    static func backward(_ dcols: UnsafePointer<Float>, c: Int, n: Int, h: Int, w: Int,
                         k: Int, stride: Int, pad: Int, ho: Int, wo: Int,
                         dx: UnsafeMutablePointer<Float>, threads: Int) {
        let rowLength = n * ho * wo
        parallelFor(c, threads: threads) { ch in
            (dx + ch * n * h * w).update(repeating: 0, count: n * h * w)
            for ky in 0..<k {
                for kx in 0..<k {
                    var src = dcols + ((ch * k + ky) * k + kx) * rowLength
                    for b in 0..<n {
                        let plane = dx + (ch * n + b) * h * w
                        for oy in 0..<ho {
                            let iy = oy * stride + ky - pad
                            if iy >= 0 && iy < h {
                                let dst = plane + iy * w
                                for ox in 0..<wo {
                                    let ix = ox * stride + kx - pad
                                    if ix >= 0 && ix < w { dst[ix] += src[ox] }
                                }
                            }
                            src += wo
                        }
                    }
                }
            }
        }
    }
}
