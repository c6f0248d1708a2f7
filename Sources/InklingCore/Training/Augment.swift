import Foundation

/// On-the-fly data augmentation for robustness on real drawings: a random affine warp
/// (rotation, anisotropic scale, shear, shift) and stroke-thickness jitter.
///
/// image in: 28x28 UInt8 (255 = ink); out: 28x28 Float in [0, 1].
public struct Augmentation: Sendable, CustomStringConvertible {
    public var maxRotationDegrees: Float = 12
    public var scaleRange: ClosedRange<Float> = 0.85...1.15
    public var maxShear: Float = 0.15
    public var maxShift: Float = 2.5
    /// Thickness jitter t in this range: t > 0 blends towards a 3x3 dilation, t < 0 towards erosion.
    public var thicknessRange: ClosedRange<Float> = -0.4...0.6

    public init() {}

    public var description: String {
        "affine(rotation: ±\(maxRotationDegrees)°, scale: \(scaleRange.lowerBound)–\(scaleRange.upperBound), shear: ±\(maxShear), shift: ±\(maxShift) px) + thickness(\(thicknessRange.lowerBound)…\(thicknessRange.upperBound))"
    }

    /// Warps one image. Deterministic given `rng`.
    public func apply(_ src: UnsafePointer<UInt8>, to dst: UnsafeMutablePointer<Float>, rng: inout SeededRNG) {
        let side = 28, centre: Float = 13.5
        let angle = rng.uniform(-maxRotationDegrees, maxRotationDegrees) * Float.pi / 180
        let sx = rng.uniform(scaleRange.lowerBound, scaleRange.upperBound)
        let sy = sx * rng.uniform(0.92, 1.08)
        let shear = rng.uniform(-maxShear, maxShear)
        let tx = rng.uniform(-maxShift, maxShift), ty = rng.uniform(-maxShift, maxShift)
        let thickness = rng.uniform(thicknessRange.lowerBound, thicknessRange.upperBound)

        // Forward map A = R * Shear * S; we sample the source at A^-1 (out - centre - t) + centre.
        let (c, s) = (cos(angle), sin(angle))
        let a00 = c * sx, a01 = c * shear * sy - s * sy
        let a10 = s * sx, a11 = s * shear * sy + c * sy
        let det = a00 * a11 - a01 * a10
        let (i00, i01, i10, i11) = (a11 / det, -a01 / det, -a10 / det, a00 / det)

        var warped = [Float](repeating: 0, count: side * side)
        for y in 0..<side {
            for x in 0..<side {
                let ox = Float(x) - centre - tx, oy = Float(y) - centre - ty
                let fx = i00 * ox + i01 * oy + centre, fy = i10 * ox + i11 * oy + centre
                let x0 = Int(floor(fx)), y0 = Int(floor(fy))
                let wx = fx - Float(x0), wy = fy - Float(y0)
                @inline(__always) func px(_ xx: Int, _ yy: Int) -> Float {
                    (xx < 0 || yy < 0 || xx >= side || yy >= side) ? 0 : Float(src[yy * side + xx])
                }
                let top = px(x0, y0) * (1 - wx) + px(x0 + 1, y0) * wx
                let bottom = px(x0, y0 + 1) * (1 - wx) + px(x0 + 1, y0 + 1) * wx
                warped[y * side + x] = (top * (1 - wy) + bottom * wy) / 255
            }
        }

        // Thickness: blend with the 3x3 max (dilate) or min (erode) filter.
        let useMax = thickness > 0, t = abs(thickness)
        for y in 0..<side {
            for x in 0..<side {
                var m: Float = useMax ? 0 : 1
                for dy in -1...1 {
                    for dx in -1...1 {
                        let xx = x + dx, yy = y + dy
                        let v: Float = (xx < 0 || yy < 0 || xx >= side || yy >= side) ? 0 : warped[yy * side + xx]
                        m = useMax ? max(m, v) : min(m, v)
                    }
                }
                let v = warped[y * side + x]
                dst[y * side + x] = v + t * (m - v)
            }
        }
    }
}
