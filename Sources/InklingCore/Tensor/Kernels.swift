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
