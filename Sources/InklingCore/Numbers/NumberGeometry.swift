import Foundation

/// Geometry of strokes and boxes for reading numbers: the Swift twin of the geometry section
/// of `templates/assets/numbers.js`, step for step and in Double (JavaScript's numbers), so
/// both make the same decisions (docs/numbers.md).

/// An axis-aligned box in source units (pixels for images, pad units for strokes).
public struct InkBox: Sendable, Equatable {
    public var x0: Double, y0: Double, x1: Double, y1: Double
    public init(x0: Double, y0: Double, x1: Double, y1: Double) { self.x0 = x0; self.y0 = y0; self.x1 = x1; self.y1 = y1 }
    public var width: Double { x1 - x0 }
    public var height: Double { y1 - y0 }
    static let empty = InkBox(x0: .infinity, y0: .infinity, x1: -.infinity, y1: -.infinity)
    func union(_ b: InkBox) -> InkBox {
        InkBox(x0: min(x0, b.x0), y0: min(y0, b.y0), x1: max(x1, b.x1), y1: max(y1, b.y1))
    }
}

/// A pen stroke: points in source units, with an optional id (the page's stroke id, which
/// names the stroke in cache keys and `pieces`).
public struct InkStroke: Sendable, Equatable {
    public var id: Int?
    public var points: [InkPoint]
    public init(id: Int? = nil, points: [InkPoint]) { self.id = id; self.points = points }
}

public struct InkPoint: Sendable, Equatable {
    public var x: Double, y: Double
    public init(_ x: Double, _ y: Double) { self.x = x; self.y = y }
}

enum NumberGeometry {
    static func bounds(_ points: [InkPoint]) -> InkBox {
        var b = InkBox.empty
        for p in points {
            if p.x < b.x0 { b.x0 = p.x }
            if p.x > b.x1 { b.x1 = p.x }
            if p.y < b.y0 { b.y0 = p.y }
            if p.y > b.y1 { b.y1 = p.y }
        }
        return b
    }

    /// Squared distance from point p to segment ab.
    static func pointSegment2(_ p: InkPoint, _ a: InkPoint, _ b: InkPoint) -> Double {
        let dx = b.x - a.x, dy = b.y - a.y
        let len2 = dx * dx + dy * dy
        var t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0
        t = t < 0 ? 0 : t > 1 ? 1 : t
        let ex = a.x + t * dx - p.x, ey = a.y + t * dy - p.y
        return ex * ex + ey * ey
    }

    /// Where segments ab and cd cross: (t, u) along each (0...1), or nil when they do not.
    static func crossing(_ a: InkPoint, _ b: InkPoint, _ c: InkPoint, _ d: InkPoint) -> (t: Double, u: Double)? {
        let rx = b.x - a.x, ry = b.y - a.y, sx = d.x - c.x, sy = d.y - c.y
        let den = rx * sy - ry * sx
        if abs(den) < 1e-12 { return nil }
        let qx = c.x - a.x, qy = c.y - a.y
        let t = (qx * sy - qy * sx) / den, u = (qx * ry - qy * rx) / den
        return t >= 0 && t <= 1 && u >= 0 && u <= 1 ? (t, u) : nil
    }

    /// Distance between the centre lines of two strokes (0 when they cross).
    static func strokeDistance(_ a: InkStroke, _ b: InkStroke) -> Double {
        let pa = a.points, pb = b.points
        var best = Double.infinity
        let na = max(pa.count - 1, 1), nb = max(pb.count - 1, 1)
        for i in 0..<na {
            let a0 = pa[i], a1 = pa[min(i + 1, pa.count - 1)]
            for j in 0..<nb {
                let b0 = pb[j], b1 = pb[min(j + 1, pb.count - 1)]
                if crossing(a0, a1, b0, b1) != nil { return 0 }
                let d = min(pointSegment2(a0, b0, b1), pointSegment2(a1, b0, b1),
                            pointSegment2(b0, a0, a1), pointSegment2(b1, a0, a1))
                if d < best { best = d }
            }
        }
        return best.squareRoot()
    }

    static func pathLength(_ points: [InkPoint]) -> Double {
        var s = 0.0
        for i in points.indices.dropFirst() { s += hypot(points[i].x - points[i - 1].x, points[i].y - points[i - 1].y) }
        return s
    }

    /// Angular distance between two undirected angles, 0...90.
    static func angleGap(_ a: Double, _ b: Double) -> Double {
        let d = abs(a - b).truncatingRemainder(dividingBy: 180)
        return min(d, 180 - d)
    }

    /// The median as numbers.js takes it: the upper middle of the sorted values; nil when empty.
    static func median(_ values: [Double]) -> Double? {
        if values.isEmpty { return nil }
        let v = values.sorted()
        return v[v.count >> 1]
    }
}

/// Shape of one stroke: ends, chord, path length, straightness (chord / path), angle 0..180
/// (screen up).
struct StrokeShape {
    var a: InkPoint, b: InkPoint
    var chord: Double, length: Double, straightness: Double, angle: Double
    var box: InkBox

    init(_ stroke: InkStroke) {
        let p = stroke.points
        a = p[0]; b = p[p.count - 1]
        chord = hypot(b.x - a.x, b.y - a.y)
        length = NumberGeometry.pathLength(p)
        var angle = atan2(-(b.y - a.y), b.x - a.x) * 180 / Double.pi  // screen y grows down
        if angle < 0 { angle += 180 }
        if angle >= 180 { angle -= 180 }
        self.angle = angle
        straightness = length > 0 ? chord / length : 0
        box = NumberGeometry.bounds(p)
    }
}

/// A stable sort (JavaScript's Array.prototype.sort is stable; Swift's `sort` does not promise
/// it), so ties are broken the same way in both.
extension Array {
    func stableSorted(by less: (Element, Element) -> Bool) -> [Element] {
        enumerated().sorted { l, r in
            if less(l.element, r.element) { return true }
            if less(r.element, l.element) { return false }
            return l.offset < r.offset
        }.map(\.element)
    }
}

/// JavaScript's Math.round: the nearest integer, halves towards +infinity (exact, unlike
/// floor(x + 0.5) at 0.49999999999999994).
@inline(__always) func jsRound(_ x: Double) -> Double {
    let r = x.rounded(.down)
    return x - r >= 0.5 ? r + 1 : r
}
