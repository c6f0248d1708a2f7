/// Small pointer kernels shared by the layers. Pointer loops carry no bounds checks; every
/// caller passes counts that its validated shapes fix.
enum Kernels {
    /// Sum of p[0 ..< n] in Float, eight running sums combined in a fixed order: the result
    /// depends only on n and the values (never on threads or alignment).
    @inline(__always)
    static func sum(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD8<Float>(repeating: 0)
        var i = 0
        while i + 8 <= n {
            acc += UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
            i += 8
        }
        var s = acc.sum()
        while i < n { s += p[i]; i += 1 }
        return s
    }

    /// (sum of v, sum of v*v) over p[0 ..< n], in Double with four running sums per total
    /// (a single chain would wait on the adder's latency every element); fixed order.
    @inline(__always)
    static func sumAndSquares(_ p: UnsafePointer<Float>, _ n: Int) -> (Double, Double) {
        var s = SIMD4<Double>(repeating: 0), s2 = SIMD4<Double>(repeating: 0)
        var i = 0
        while i + 4 <= n {
            let v = SIMD4<Double>(Double(p[i]), Double(p[i + 1]), Double(p[i + 2]), Double(p[i + 3]))
            s += v; s2 += v * v
            i += 4
        }
        var (a, b) = (s.sum(), s2.sum())
        while i < n { let v = Double(p[i]); a += v; b += v * v; i += 1 }
        return (a, b)
    }

    /// (sum of g, sum of g*h) with h = (z - mean) * inv, over n values; the batch-norm
    /// backward sums (g*h rounded to Float first, as BatchNorm2D does). Four running sums each.
    @inline(__always)
    static func normBackwardSums(_ g: UnsafePointer<Float>, _ z: UnsafePointer<Float>, _ n: Int, mean: Float, inv: Float) -> (Double, Double) {
        var s = SIMD4<Double>(repeating: 0), sx = SIMD4<Double>(repeating: 0)
        var i = 0
        while i + 4 <= n {
            let gv = SIMD4<Float>(g[i], g[i + 1], g[i + 2], g[i + 3])
            let hv = (SIMD4<Float>(z[i], z[i + 1], z[i + 2], z[i + 3]) - mean) * inv
            let p = gv * hv
            s += SIMD4<Double>(Double(gv[0]), Double(gv[1]), Double(gv[2]), Double(gv[3]))
            sx += SIMD4<Double>(Double(p[0]), Double(p[1]), Double(p[2]), Double(p[3]))
            i += 4
        }
        var (a, b) = (s.sum(), sx.sum())
        while i < n { let h = (z[i] - mean) * inv; a += Double(g[i]); b += Double(g[i] * h); i += 1 }
        return (a, b)
    }

    /// into[0 ..< size] = parts[0] + parts[1] + ... (each `size` long), added in part order.
    static func sumParts(_ parts: UnsafePointer<Float>, parts count: Int, size: Int, into dst: UnsafeMutablePointer<Float>) {
        guard count > 0 else { dst.update(repeating: 0, count: size); return }
        dst.update(from: parts, count: size)
        for c in 1..<max(1, count) {
            let part = parts + c * size
            for i in 0..<size { dst[i] += part[i] }
        }
    }
}
