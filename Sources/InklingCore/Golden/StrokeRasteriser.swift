/// A small deterministic rasteriser for the synthetic golden drawings: polylines with round
/// caps and joins, anti-aliased by distance (coverage = clamp(radius - distance + 0.5, 0, 1)),
/// painted over a background that may be transparent. Only +, -, *, / and sqrt (all
/// correctly rounded), so every machine draws the same bytes.
public struct Drawing: Sendable {
    public struct RGBA: Sendable, Equatable {
        public var r: Double, g: Double, b: Double, a: Double
        public init(_ r: Double, _ g: Double, _ b: Double, _ a: Double = 255) { self.r = r; self.g = g; self.b = b; self.a = a }
        public static let white = RGBA(255, 255, 255), black = RGBA(0, 0, 0), clear = RGBA(0, 0, 0, 0)
    }

    /// A stroke: points in pixels, width in pixels.
    public struct Stroke: Sendable {
        public var points: [(x: Double, y: Double)]
        public var width: Double
        public init(points: [(x: Double, y: Double)], width: Double) { self.points = points; self.width = width }
    }

    public let width: Int
    public let height: Int
    /// Background per pixel, so uneven paper can be drawn; `background(x, y)`.
    public var background: @Sendable (Int, Int) -> RGBA
    public var ink: RGBA
    public var strokes: [Stroke]

    public init(width: Int, height: Int, background: @escaping @Sendable (Int, Int) -> RGBA, ink: RGBA, strokes: [Stroke]) {
        self.width = width; self.height = height; self.background = background; self.ink = ink; self.strokes = strokes
    }

    /// The drawing as RGBA8: "source over" of the ink (alpha = coverage * ink alpha) on the background.
    public func render() -> RGBAImage {
        var px = [UInt8](repeating: 0, count: width * height * 4)
        for y in 0..<height {
            for x in 0..<width {
                let cov = coverage(Double(x) + 0.5, Double(y) + 0.5)
                let bg = background(x, y)
                let sa = cov * ink.a / 255, da = bg.a / 255
                let oa = sa + da * (1 - sa)
                func channel(_ s: Double, _ d: Double) -> UInt8 {
                    if oa == 0 { return 0 }
                    return quantise((s * sa + d * da * (1 - sa)) / oa)
                }
                let i = 4 * (y * width + x)
                px[i] = channel(ink.r, bg.r); px[i + 1] = channel(ink.g, bg.g); px[i + 2] = channel(ink.b, bg.b)
                px[i + 3] = quantise(oa * 255)
            }
        }
        return RGBAImage(width: width, height: height, pixels: px)
    }

    /// Largest coverage of the pixel centre (px, py) by any stroke.
    private func coverage(_ px: Double, _ py: Double) -> Double {
        var best = 0.0
        for s in strokes {
            let r = s.width / 2
            for k in 0..<max(1, s.points.count - 1) {
                let a = s.points[k], b = s.points[min(k + 1, s.points.count - 1)]
                let c = min(1, max(0, r - distance(px, py, a, b) + 0.5))
                if c > best { best = c }
            }
        }
        return best
    }

    private func distance(_ px: Double, _ py: Double, _ a: (x: Double, y: Double), _ b: (x: Double, y: Double)) -> Double {
        let dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy
        var t = len2 > 0 ? ((px - a.x) * dx + (py - a.y) * dy) / len2 : 0
        t = min(1, max(0, t))
        let ex = a.x + t * dx - px, ey = a.y + t * dy - py
        return (ex * ex + ey * ey).squareRoot()
    }

    private func quantise(_ v: Double) -> UInt8 { UInt8(min(255, max(0, (v + 0.5).rounded(.down)))) }
}
