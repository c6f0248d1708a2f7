import Foundation

/// Image ink as pen strokes (numbers.js `blobStrokes`, step for step in Double), so a sum in
/// an opened image gets the operator rules of drawn strokes: a blob is explained by up to
/// four straight bands twice the ink's width (a Hough search, angles 4 degrees apart, the
/// fullest band first, each at least 0.25 H long), each a two-point stroke from end to end; a
/// roundish blob under 0.3 H across is a dot. Nil when over 12% of the ink lies farther than
/// 1.2 stroke widths from every band's centre line (a curve: a digit), or when two bands
/// cross away from their middles (a 4 or a t).
enum BlobStrokes {
    /// `pixels`: indices y * w + x of the blob's ink in the reading image.
    static func strokes(_ pixels: [Int], w: Int, H: Double) -> [InkStroke]? {
        let n = pixels.count
        guard n > 0, w > 0 else { return nil }
        var xs = [Double](repeating: 0, count: n), ys = [Double](repeating: 0, count: n)
        var x0 = Double.infinity, x1 = -Double.infinity, y0 = Double.infinity, y1 = -Double.infinity
        let ink = Set(pixels)
        var edges = 0
        for i in 0..<n {
            let k = pixels[i]
            xs[i] = Double(k % w) + 0.5; ys[i] = Double(k / w) + 0.5
            x0 = min(x0, xs[i]); x1 = max(x1, xs[i]); y0 = min(y0, ys[i]); y1 = max(y1, ys[i])
            // Neighbours by index, as numbers.js counts them (k - 1 of a row's first pixel is
            // the previous row's last).
            for j in [k - 1, k + 1, k - w, k + w] where !ink.contains(j) { edges += 1 }
        }
        let bw = x1 - x0 + 1, bh = y1 - y0 + 1
        if bw < 0.3 * H && bh < 0.3 * H && max(bw, bh) < 2.2 * min(bw, bh) {
            return [InkStroke(points: [InkPoint((x0 + x1) / 2, (y0 + y1) / 2)])]
        }
        // A band t wide and L long has about 2L edge pixels: t is about 2 * ink / edges.
        let half = max(1, 2 * Double(n) / Double(edges))
        var used = [Bool](repeating: false, count: n), left = n
        var lines: [InkStroke] = []
        while lines.count < 4 && Double(left) > 0.12 * Double(n) {
            var best = (deg: 0, r: 0.0, count: -Double.infinity)
            for deg in stride(from: 0, to: 180, by: 4) {
                let th = Double(deg) * Double.pi / 180, nx = sin(th), ny = cos(th)
                var lo = Double.infinity
                for i in 0..<n { lo = min(lo, xs[i] * nx + ys[i] * ny) }
                var bins = [Double](repeating: 0, count: Int((x1 - x0 + y1 - y0).rounded(.up)) + 3)
                for i in 0..<n where !used[i] {
                    let b = Int((xs[i] * nx + ys[i] * ny - lo).rounded(.down))
                    if b >= 0 && b < bins.count { bins[b] += 1 }
                }
                let span = max(1, Int(jsRound(2 * half)))
                var sum = 0.0
                for k in 0..<bins.count {
                    sum += bins[k] - (k >= span ? bins[k - span] : 0)
                    if sum > best.count { best = (deg, lo + Double(k) + 1 - Double(span) / 2, sum) }
                }
            }
            let th = Double(best.deg) * Double.pi / 180, nx = sin(th), ny = cos(th)
            let dx = cos(th), dy = -sin(th)
            var s0 = Double.infinity, s1 = -Double.infinity, taken = 0
            for i in 0..<n {
                if used[i] || abs(xs[i] * nx + ys[i] * ny - best.r) > half { continue }
                let along = xs[i] * dx + ys[i] * dy
                s0 = min(s0, along); s1 = max(s1, along)
                used[i] = true; taken += 1
            }
            if taken == 0 || s1 - s0 < 0.25 * H { break }
            left -= taken
            lines.append(InkStroke(points: [InkPoint(best.r * nx + s0 * dx, best.r * ny + s0 * dy),
                                            InkPoint(best.r * nx + s1 * dx, best.r * ny + s1 * dy)]))
        }
        // Explained: ink within a stroke width of some band's centre line.
        var near = 0
        if !lines.isEmpty {
            for i in 0..<n where lines.contains(where: {
                NumberGeometry.pointSegment2(InkPoint(xs[i], ys[i]), $0.points[0], $0.points[1]) <= 1.5 * half * half
            }) { near += 1 }
        }
        if Double(near) < 0.88 * Double(n) { return nil }
        if lines.count == 2, let c = NumberGeometry.crossing(lines[0].points[0], lines[0].points[1], lines[1].points[0], lines[1].points[1]),
           c.t < 0.2 || c.t > 0.8 || c.u < 0.2 || c.u > 0.8 {
            return nil
        }
        return lines
    }

    /// The strokes an operator would be read from (numbers.js `operatorInk`): drawn strokes as
    /// they are, whole blobs of image ink as `strokes` gives them (remembered in `cache` by
    /// piece key); nil if some piece has none (a slice of a cut blob, or a curve).
    static func operatorInk(_ list: [InkPiece], H: Double, cache: inout [String: [InkStroke]?]) -> [InkStroke]? {
        var out: [InkStroke] = []
        for p in list {
            if let stroke = p.stroke { out.append(stroke); continue }
            guard p.whole, let pixels = p.pixels else { return nil }
            let lines: [InkStroke]?
            if let hit = cache[p.key] { lines = hit } else {
                lines = strokes(pixels, w: p.imageWidth, H: H)
                cache[p.key] = .some(lines)
            }
            guard let lines else { return nil }
            out += lines
        }
        return out
    }
}
