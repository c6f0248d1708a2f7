/// Pieces, the atoms of segmentation (numbers.js "pieces and rendering"): one stroke, or one
/// connected blob of image ink (or a slice of one, cut at a candidate column). A glyph is a
/// run of pieces. Coverage is stored in Float, as numbers.js stores it in a Float32Array.

/// A patch of ink in reading pixels: coverage 0...1 over a w x h box at (x0, y0).
struct InkPatch {
    var x0: Int, y0: Int, w: Int, h: Int
    var v: [Float]
}

struct InkPiece {
    var key: String
    var stroke: InkStroke?
    var box: InkBox
    var patch: InkPatch
    /// The image blob this piece was cut from (slices of one blob share it).
    var blob: String?
    var cx = 0.0
    /// An image blob that was not cut (it may be an operator: BlobStrokes.operatorInk), with
    /// its ink as indices into the reading image `imageWidth` pixels wide.
    var whole = false
    var pixels: [Int]? = nil
    var imageWidth = 0
}

enum InkPieces {
    /// The ink of one stroke drawn with a round pen of `radius` at `scale` reading pixels per unit.
    static func strokePatch(_ stroke: InkStroke, scale: Double, radius: Double) -> InkPatch {
        let pts = stroke.points.map { InkPoint($0.x * scale, $0.y * scale) }
        let b = NumberGeometry.bounds(pts), pad = Int(radius.rounded(.up)) + 2
        let x0 = Int(b.x0.rounded(.down)) - pad, y0 = Int(b.y0.rounded(.down)) - pad
        let w = Int(b.x1.rounded(.up)) + pad - x0 + 1, h = Int(b.y1.rounded(.up)) + pad - y0 + 1
        var v = [Float](repeating: 0, count: w * h)
        let n = max(pts.count - 1, 1)
        for k in 0..<n {
            let a = pts[k], c = pts[min(k + 1, pts.count - 1)]
            let sx0 = max(0, Int((min(a.x, c.x) - radius - 1).rounded(.down)) - x0)
            let sx1 = min(w - 1, Int((max(a.x, c.x) + radius + 1).rounded(.up)) - x0)
            let sy0 = max(0, Int((min(a.y, c.y) - radius - 1).rounded(.down)) - y0)
            let sy1 = min(h - 1, Int((max(a.y, c.y) + radius + 1).rounded(.up)) - y0)
            if sy0 > sy1 || sx0 > sx1 { continue }
            for y in sy0...sy1 {
                for x in sx0...sx1 {
                    let d = NumberGeometry.pointSegment2(InkPoint(Double(x + x0) + 0.5, Double(y + y0) + 0.5), a, c).squareRoot()
                    var cov = radius + 0.5 - d
                    if cov <= 0 { continue }
                    if cov > 1 { cov = 1 }
                    if cov > Double(v[y * w + x]) { v[y * w + x] = Float(cov) }
                }
            }
        }
        return InkPatch(x0: x0, y0: y0, w: w, h: h, v: v)
    }

    /// Black-on-white RGBA image of the patches' union, with a white margin of 4 pixels.
    static func render(_ patches: [InkPatch]) -> RGBAImage {
        var x0 = Int.max, y0 = Int.max, x1 = Int.min, y1 = Int.min
        for p in patches {
            x0 = min(x0, p.x0); y0 = min(y0, p.y0)
            x1 = max(x1, p.x0 + p.w); y1 = max(y1, p.y0 + p.h)
        }
        let m = 4
        x0 -= m; y0 -= m; x1 += m; y1 += m
        let w = x1 - x0, h = y1 - y0
        var cov = [Float](repeating: 0, count: w * h)
        for q in patches {
            for y in 0..<q.h {
                let row = (q.y0 - y0 + y) * w + (q.x0 - x0)
                for x in 0..<q.w {
                    let c = q.v[y * q.w + x]
                    if c > cov[row + x] { cov[row + x] = c }
                }
            }
        }
        var data = [UInt8](repeating: 255, count: w * h * 4)
        for i in 0..<(w * h) {
            let g = UInt8(jsRound(255 * (1 - Double(cov[i]))))
            data[4 * i] = g; data[4 * i + 1] = g; data[4 * i + 2] = g
        }
        return RGBAImage(width: w, height: h, pixels: data)
    }

    /// One piece per stroke that has a point; `scale` = reading pixels per unit.
    static func strokePieces(_ strokes: [InkStroke], scale: Double, radius: Double) -> [InkPiece] {
        var pieces: [InkPiece] = []
        for (i, s) in strokes.enumerated() where !s.points.isEmpty {
            pieces.append(InkPiece(key: "s\(s.id ?? i):\(s.points.count)", stroke: s, box: NumberGeometry.bounds(s.points),
                                   patch: strokePatch(s, scale: scale, radius: radius), blob: nil))
        }
        return pieces
    }

    /// Ink signal of an image, 0...255, with its polarity found from the border (as
    /// preprocessing does, simplified): transparent border -> alpha; else the largest channel
    /// difference from the border's median colour, dark or light ink by which carries more energy.
    static func inkSignal(_ image: RGBAImage) -> [Float] {
        let w = image.width, h = image.height, d = image.pixels, n = w * h
        var border: [Int] = []
        for x in 0..<w { border.append(x); border.append((h - 1) * w + x) }
        if h > 2 { for y in 1..<(h - 1) { border.append(y * w); border.append(y * w + w - 1) } }
        func median(_ ch: Int) -> Double {
            let vals = border.map { d[4 * $0 + ch] }.sorted()
            return Double(vals[vals.count >> 1])
        }
        if median(3) < 128 { return (0..<n).map { Float(d[4 * $0 + 3]) } }
        let bg = [median(0), median(1), median(2)]
        var dark = [Float](repeating: 0, count: n), light = [Float](repeating: 0, count: n)
        var eDark = 0.0, eLight = 0.0
        for i in 0..<n {
            let a = Double(d[4 * i + 3]) / 255
            var dk = 0.0, lt = 0.0
            for c in 0..<3 {
                let v = Double(d[4 * i + c]) * a + bg[c] * (1 - a)
                dk = max(dk, bg[c] - v); lt = max(lt, v - bg[c])
            }
            dark[i] = Float(dk); light[i] = Float(lt)
            eDark += max(0, dk - 32); eLight += max(0, lt - 32)
        }
        return eLight > eDark ? light : dark
    }

    /// 8-connected blobs of ink, blobs wider than a digit sliced at candidate cuts. Returns
    /// the pieces and H, the writing height in pixels (0 without ink).
    static func imagePieces(_ image: RGBAImage, prefix: String) -> (pieces: [InkPiece], H: Double) {
        let w = image.width, h = image.height, n = w * h
        if n == 0 { return ([], 0) }
        let s = inkSignal(image)
        var hist = [Int](repeating: 0, count: 256), count = 0
        for i in 0..<n where s[i] >= 24 { hist[min(255, Int(jsRound(Double(s[i]))))] += 1; count += 1 }
        if count == 0 { return ([], 0) }
        var rank = Int((Double(count - 1) * 0.95).rounded(.down)), level = 24
        while rank >= hist[level] { rank -= hist[level]; level += 1 }
        let t = max(24, 0.3 * Double(level))
        struct Blob { var pixels: [Int] = []; var x0 = Int.max, y0 = Int.max, x1 = Int.min, y1 = Int.min }
        var label = [Int32](repeating: -1, count: n), blobs: [Blob] = [], stack: [Int] = []
        for i in 0..<n {
            if Double(s[i]) < t || label[i] >= 0 { continue }
            var blob = Blob()
            let id = Int32(blobs.count)
            label[i] = id
            stack.append(i)
            while let k = stack.popLast() {
                let kx = k % w, ky = k / w
                blob.pixels.append(k)
                if kx < blob.x0 { blob.x0 = kx }
                if kx > blob.x1 { blob.x1 = kx }
                if ky < blob.y0 { blob.y0 = ky }
                if ky > blob.y1 { blob.y1 = ky }
                for dy in -1...1 {
                    for dx in -1...1 {
                        let nx = kx + dx, ny = ky + dy
                        if nx < 0 || ny < 0 || nx >= w || ny >= h { continue }
                        let j = ny * w + nx
                        if Double(s[j]) >= t && label[j] < 0 { label[j] = id; stack.append(j) }
                    }
                }
            }
            blobs.append(blob)
        }
        let H = StrokeGroups.typicalHeight(blobs.map { InkBox(x0: Double($0.x0), y0: Double($0.y0), x1: Double($0.x1), y1: Double($0.y1 + 1)) })
        var pieces: [InkPiece] = []
        for (bi, blob) in blobs.enumerated() {
            let cuts = Double(blob.x1 - blob.x0 + 1) > 0.8 * H ? candidateCuts(blob.pixels, x0: blob.x0, x1: blob.x1, w: w, H: H) : []
            let edges = [blob.x0] + cuts + [blob.x1 + 1]
            for e in 0..<(edges.count - 1) {
                let px = blob.pixels.filter { let x = $0 % w; return x >= edges[e] && x < edges[e + 1] }
                if px.isEmpty { continue }
                var piece = pixelPiece(key: "\(prefix)b\(bi).\(e)", pixels: px, w: w, s: s, level: level)
                piece.blob = "\(prefix)b\(bi)"
                piece.whole = edges.count == 2
                piece.pixels = px
                piece.imageWidth = w
                pieces.append(piece)
            }
        }
        return (pieces, H)
    }

    /// Columns where a wide blob may be cut: local minima of its column projection (ink
    /// pixels per column), the thinner the better, at least 0.2 H from its ends and from each
    /// other; in a blob much wider than a digit with no minimum, evenly spaced columns.
    static func candidateCuts(_ pixels: [Int], x0: Int, x1: Int, w: Int, H: Double) -> [Int] {
        var proj = [Int](repeating: 0, count: x1 - x0 + 1)
        for k in pixels { proj[k % w - x0] += 1 }
        let margin = max(2, Int(jsRound(0.2 * H)))
        let peak = proj.max() ?? 0
        var minima: [(x: Int, v: Int)] = []
        var x = margin
        while x < proj.count - margin {
            let lo = max(0, x - 2), hi = min(proj.count - 1, x + 2)
            var isMin = true
            for k in lo...hi where proj[k] < proj[x] { isMin = false }
            if isMin && Double(proj[x]) <= 0.6 * Double(peak) { minima.append((x, proj[x])) }
            x += 1
        }
        minima = minima.stableSorted { $0.v < $1.v || ($0.v == $1.v && $0.x < $1.x) }
        var cuts: [Int] = []
        for m in minima where cuts.count < 8 && cuts.allSatisfy({ abs($0 - m.x) >= margin }) { cuts.append(m.x) }
        if cuts.isEmpty && Double(proj.count) > 1.3 * H {
            var x = Int(jsRound(0.4 * H))
            let step = max(2, Int(jsRound(0.25 * H)))
            while x < proj.count - margin { cuts.append(x); x += step }
        }
        return cuts.sorted().map { $0 + x0 }
    }

    static func pixelPiece(key: String, pixels: [Int], w: Int, s: [Float], level: Int) -> InkPiece {
        var bx0 = Int.max, by0 = Int.max, bx1 = Int.min, by1 = Int.min
        for k in pixels {
            let x = k % w, y = k / w
            if x < bx0 { bx0 = x }
            if x > bx1 { bx1 = x }
            if y < by0 { by0 = y }
            if y > by1 { by1 = y }
        }
        let pw = bx1 - bx0 + 1, ph = by1 - by0 + 1
        var v = [Float](repeating: 0, count: pw * ph)
        for k in pixels {
            let x = k % w, y = k / w
            v[(y - by0) * pw + (x - bx0)] = Float(min(1, Double(s[k]) / Double(level)))
        }
        return InkPiece(key: key, stroke: nil,
                        box: InkBox(x0: Double(bx0), y0: Double(by0), x1: Double(bx1 + 1), y1: Double(by1 + 1)),
                        patch: InkPatch(x0: bx0, y0: by0, w: pw, h: ph, v: v), blob: nil)
    }
}
