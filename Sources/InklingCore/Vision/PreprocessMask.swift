/// Steps 3-5 of preprocessing (docs/preprocessing.md): the ink's bounding box resampled to a
/// binary working mask whose long side is `InkMask.work` cells, its stroke width measured and
/// normalised by dilation or erosion. Integer and float64 arithmetic only, in the same order
/// as `inkling.js` (`sampleMask`, `chamfer`, `normaliseStroke`).
struct InkMask {
    /// Long side of the ink's box in the working mask (about 3.2 cells per output pixel).
    static let work = 64
    /// Empty cells around the box, so dilation has room to grow.
    static let margin = 8

    let width: Int        // cells, margin included
    let height: Int
    var cells: [UInt8]    // height x width, 1 = ink

    /// Resamples ink pixels (`s >= t`) of the inclusive box `x0...x1, y0...y1` of an image
    /// `w x h`. Shrinking takes the max over each cell (a 1-px line survives any canvas size);
    /// growing interpolates bilinearly (a small digit gets smooth edges, not blocks).
    static func sample(_ s: [Double], w: Int, h: Int, x0: Int, y0: Int, x1: Int, y1: Int, t: Double) -> InkMask {
        let bw = x1 - x0 + 1, bh = y1 - y0 + 1, long = max(bw, bh)
        // Cells per side, rounded half up in integers: round(side * work / long), at least 1.
        let gw = max(1, (2 * bw * work + long) / (2 * long))
        let gh = max(1, (2 * bh * work + long) / (2 * long))
        let m = margin, W = gw + 2 * m
        var mask = InkMask(width: W, height: gh + 2 * m, cells: [UInt8](repeating: 0, count: W * (gh + 2 * m)))
        if long >= work {
            // Pixel i of the box falls in cell j when floor(j*bw/gw) <= i < floor((j+1)*bw/gw).
            var cx = [Int](repeating: 0, count: bw), cy = [Int](repeating: 0, count: bh)
            for j in 0..<gw { for i in (j * bw / gw)..<((j + 1) * bw / gw) { cx[i] = j + m } }
            for j in 0..<gh { for i in (j * bh / gh)..<((j + 1) * bh / gh) { cy[i] = j + m } }
            for y in y0...y1 {
                let row = cy[y - y0] * W, src = y * w
                for x in x0...x1 where s[src + x] >= t { mask.cells[row + cx[x - x0]] = 1 }
            }
        } else {
            for j in 0..<gh {
                let sy = (Double(y0) + ((Double(j) + 0.5) * Double(bh)) / Double(gh)) - 0.5
                let fy0 = sy.rounded(.down), fy = sy - fy0
                let ya = min(max(Int(fy0), 0), h - 1), yb = min(max(Int(fy0) + 1, 0), h - 1)
                for i in 0..<gw {
                    let sx = (Double(x0) + ((Double(i) + 0.5) * Double(bw)) / Double(gw)) - 0.5
                    let fx0 = sx.rounded(.down), fx = sx - fx0
                    let xa = min(max(Int(fx0), 0), w - 1), xb = min(max(Int(fx0) + 1, 0), w - 1)
                    let top = s[ya * w + xa] * (1 - fx) + s[ya * w + xb] * fx
                    let bottom = s[yb * w + xa] * (1 - fx) + s[yb * w + xb] * fx
                    if top * (1 - fy) + bottom * fy >= t { mask.cells[(j + m) * W + i + m] = 1 }
                }
            }
        }
        return mask
    }

    /// Ink cells, and ink/background edges between 4-neighbours (the outline length).
    func areaAndEdges() -> (area: Int, edges: Int) {
        var area = 0, edges = 0
        for y in 0..<height {
            for x in 0..<width where cells[y * width + x] == 1 {
                area += 1
                if x == 0 || cells[y * width + x - 1] == 0 { edges += 1 }
                if x == width - 1 || cells[y * width + x + 1] == 0 { edges += 1 }
                if y == 0 || cells[(y - 1) * width + x] == 0 { edges += 1 }
                if y == height - 1 || cells[(y + 1) * width + x] == 0 { edges += 1 }
            }
        }
        return (area, edges)
    }

    /// 3-4 chamfer distance (3 per straight step, 4 per diagonal) from every cell to the
    /// nearest cell whose value is `target`. Cells beyond the grid are ignored: the margin
    /// keeps ink away from the edge.
    func chamfer(to target: UInt8) -> [Int] {
        let W = width, H = height, inf = Int.max / 4
        var d = [Int](repeating: inf, count: W * H)
        for i in 0..<(W * H) where cells[i] == target { d[i] = 0 }
        for y in 0..<H {
            for x in 0..<W {
                let i = y * W + x
                var v = d[i]
                if x > 0 { v = min(v, d[i - 1] + 3) }
                if y > 0 {
                    v = min(v, d[i - W] + 3)
                    if x > 0 { v = min(v, d[i - W - 1] + 4) }
                    if x < W - 1 { v = min(v, d[i - W + 1] + 4) }
                }
                d[i] = v
            }
        }
        for y in stride(from: H - 1, through: 0, by: -1) {
            for x in stride(from: W - 1, through: 0, by: -1) {
                let i = y * W + x
                var v = d[i]
                if x < W - 1 { v = min(v, d[i + 1] + 3) }
                if y < H - 1 {
                    v = min(v, d[i + W] + 3)
                    if x < W - 1 { v = min(v, d[i + W + 1] + 4) }
                    if x > 0 { v = min(v, d[i + W - 1] + 4) }
                }
                d[i] = v
            }
        }
        return d
    }

    /// Grows the ink by `r` cells (chamfer disc).
    func dilated(_ r: Int) -> InkMask {
        let d = chamfer(to: 1)
        var out = self
        for i in 0..<cells.count { out.cells[i] = d[i] <= 3 * r ? 1 : 0 }
        return out
    }

    /// Shrinks the ink by `r` cells (chamfer disc).
    func eroded(_ r: Int) -> InkMask {
        let d = chamfer(to: 0)
        var out = self
        for i in 0..<cells.count { out.cells[i] = d[i] > 3 * r ? 1 : 0 }
        return out
    }
}

/// Stroke width: estimated from area and outline, then moved towards MNIST's width, measured
/// on MNIST digits with this same estimate (docs/preprocessing.md, "stroke width").
enum StrokeWidth {
    /// MNIST's median stroke width, in working cells (64 cells = the 20-px box's long side):
    /// 6.1 over the first 2,000 test digits.
    static let target = 6.0
    /// Only strokes outside [low, high] x target are changed: MNIST's own spread is left alone.
    static let low = 0.6, high = 1.75

    /// The normalised mask and the radius applied (+ dilation, - erosion, 0 untouched).
    /// A stroke of width w and length L has area w*L and outline 2L + 2w, so w is the smaller
    /// root of w^2 - (E/2) w + A = 0 (sqrt is correctly rounded in IEEE 754 and in V8).
    static func estimate(area: Int, edges: Int) -> Double {
        let e = Double(edges), q = e * e / 16 - Double(area)
        return q > 0 ? e / 4 - q.squareRoot() : e / 4
    }

    static func normalise(_ mask: InkMask, area: Int, edges: Int) -> (mask: InkMask, width: Double, radius: Int) {
        let width = estimate(area: area, edges: edges)
        if width < target * low {
            let r = Int(roundHalfUp((target - width) / 2))
            return r >= 1 ? (mask.dilated(r), width, r) : (mask, width, 0)
        }
        if width > target * high {
            // Erode, but never below a third of the ink: thin parts of a fat digit must survive.
            var r = Int(roundHalfUp((width - target) / 2))
            while r >= 1 {
                let e = mask.eroded(r)
                if 3 * e.areaAndEdges().area >= area { return (e, width, -r) }
                r -= 1
            }
        }
        return (mask, width, 0)
    }
}
