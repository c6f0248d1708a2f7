/// Steps 6-7 of preprocessing (docs/preprocessing.md), MNIST's own recipe: the ink's box
/// scaled to fit 20x20 keeping its aspect ratio, with area-averaging anti-aliasing, then
/// placed in 28x28 so that its centre of mass sits at the centre. float64, same operation
/// order as `inkling.js` (`fitBox`, `centre`).
enum BoxFit {
    static let box = 20
    static let side = 28

    /// Area average of the mask's ink box onto `ow x oh` pixels (long side = 20).
    /// Returns the small image, row-major, values in [0, 1].
    static func fit(_ mask: InkMask) -> (pixels: [Double], width: Int, height: Int)? {
        let W = mask.width
        var x0 = W, y0 = mask.height, x1 = -1, y1 = -1
        for y in 0..<mask.height {
            for x in 0..<W where mask.cells[y * W + x] == 1 {
                if x < x0 { x0 = x }
                if x > x1 { x1 = x }
                if y < y0 { y0 = y }
                if y > y1 { y1 = y }
            }
        }
        if x1 < 0 { return nil }
        let bw = x1 - x0 + 1, bh = y1 - y0 + 1, long = max(bw, bh)
        let ow = max(1, (2 * bw * box + long) / (2 * long))
        let oh = max(1, (2 * bh * box + long) / (2 * long))
        // Output pixel (ox, oy) covers cells [ox*bw/ow, (ox+1)*bw/ow) x [oy*bh/oh, (oy+1)*bh/oh).
        let sx = Double(bw) / Double(ow), sy = Double(bh) / Double(oh)
        var out = [Double](repeating: 0, count: ow * oh)
        for oy in 0..<oh {
            let ya = Double(oy * bh) / Double(oh), yb = Double((oy + 1) * bh) / Double(oh)
            for ox in 0..<ow {
                let xa = Double(ox * bw) / Double(ow), xb = Double((ox + 1) * bw) / Double(ow)
                var acc = 0.0
                var cy = Int(ya.rounded(.down))
                while Double(cy) < yb && cy < bh {
                    let wy = min(Double(cy + 1), yb) - max(Double(cy), ya)
                    var row = 0.0
                    var cx = Int(xa.rounded(.down))
                    let base = (y0 + cy) * W + x0
                    while Double(cx) < xb && cx < bw {
                        if mask.cells[base + cx] == 1 { row += min(Double(cx + 1), xb) - max(Double(cx), xa) }
                        cx += 1
                    }
                    acc += wy * row
                    cy += 1
                }
                let v = acc / (sx * sy)
                out[oy * ow + ox] = v > 1 ? 1 : v
            }
        }
        return (out, ow, oh)
    }

    /// Places the small image in 28x28 with its centre of mass at (14, 14), shifted by whole
    /// pixels (rounded half up) and clamped so no ink leaves the field.
    static func centre(_ small: [Double], width ow: Int, height oh: Int) -> [Float] {
        var mass = 0.0, mx = 0.0, my = 0.0
        for y in 0..<oh {
            for x in 0..<ow {
                let v = small[y * ow + x]
                mass += v
                mx += v * (Double(x) + 0.5)
                my += v * (Double(y) + 0.5)
            }
        }
        let cx = mass > 0 ? mx / mass : Double(ow) / 2, cy = mass > 0 ? my / mass : Double(oh) / 2
        let dx = min(max(Int(roundHalfUp(Double(side / 2) - cx)), 0), side - ow)
        let dy = min(max(Int(roundHalfUp(Double(side / 2) - cy)), 0), side - oh)
        var out = [Float](repeating: 0, count: side * side)
        for y in 0..<oh {
            for x in 0..<ow { out[(y + dy) * side + x + dx] = Float(small[y * ow + x]) }
        }
        return out
    }
}
