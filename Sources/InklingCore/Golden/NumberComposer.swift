/// Multi-digit images made of real MNIST test digits, for the number-reading golden values
/// and accuracy tests: digits side by side with a chosen gap (positive apart, 0 touching,
/// negative overlapping), optionally resized, dark ink on white paper; operators drawn as pen
/// strokes (returned as strokes, as the page passes them, and/or rasterised into the image
/// with `Drawing`). Deterministic: a seed picks every digit.
public enum NumberComposer {
    public struct Composite: Sendable {
        /// Opaque grey image (dark ink on white).
        public var image: RGBAImage
        /// The operators' strokes in the image's pixels (empty when there is none or when
        /// they were rasterised).
        public var strokes: [InkStroke]
    }

    /// How operators appear: as strokes beside the image (the page's pen), or inked into it.
    public enum Operators: Sendable { case strokes, inked }

    /// `text`: digits and operators (+ - x * / ÷ =). `sizes`: a scale per digit (cycled;
    /// 1 = MNIST's own size). `jitter`: vertical offset range in pixels.
    public static func compose(_ text: String, test: Dataset, gap: Int, seed: UInt32, sizes: [Double] = [1],
                               jitter: Int = 1, operators: Operators = .strokes) -> Composite {
        var byLabel = [[Int]](repeating: [], count: 10)
        for i in 0..<test.count { byLabel[Int(test.labels[i])].append(i) }
        var state = seed
        func next() -> UInt32 { state = state &* 1664525 &+ 1013904223; return state }

        struct Placed { var grey: [UInt8]; var side: Int; var box: (x0: Int, y0: Int, x1: Int, y1: Int); var x: Int; var dy: Int }
        var placed: [Placed] = [], ops: [(op: String, x: Int, w: Int)] = []
        var x = 6, digitIndex = 0
        for ch in text {
            if let d = ch.wholeNumberValue, ch.isASCII {
                let list = byLabel[d]
                precondition(!list.isEmpty, "NumberComposer: the test set has no digit \(d)")
                let index = list[Int(next() % UInt32(list.count))]
                let size = sizes[digitIndex % sizes.count]
                digitIndex += 1
                let (grey, side) = resize(Array(test.images[(index * 784)..<((index + 1) * 784)]), scale: size)
                let box = inkBox(grey, side: side)
                let dy = jitter > 0 ? Int(next() % UInt32(2 * jitter + 1)) - jitter : 0
                placed.append(Placed(grey: grey, side: side, box: box, x: x, dy: dy))
                x += box.x1 - box.x0 + gap
            } else {
                let w = ch == "-" ? 10 : 12
                ops.append((String(ch), x + max(gap, 1), w))
                x += w + 2 * max(gap, 1)
            }
        }
        let tallest = placed.map { $0.box.y1 - $0.box.y0 }.max() ?? 20
        let width = x + 6, height = max(40, tallest + 14), base = height - 6
        var ink = [Double](repeating: 0, count: width * height)
        for p in placed {
            // Digits stand on a common baseline, as people write them.
            let top = base - (p.box.y1 - p.box.y0) + p.dy
            for y in p.box.y0..<p.box.y1 {
                for xx in p.box.x0..<p.box.x1 {
                    let X = p.x + xx - p.box.x0, Y = top + y - p.box.y0
                    guard X >= 0, X < width, Y >= 0, Y < height else { continue }
                    let v = Double(p.grey[y * p.side + xx]) / 255
                    if v > ink[Y * width + X] { ink[Y * width + X] = v }
                }
            }
        }
        var grey = ink.map { UInt8(jsRound(255 * (1 - $0))) }
        let cy = Double(base) - Double(tallest) / 2
        var strokes: [InkStroke] = []
        for o in ops { strokes += operatorStrokes(o.op, x: Double(o.x), cy: cy, w: Double(o.w)) }
        for k in strokes.indices { strokes[k].id = k }
        if operators == .inked && !strokes.isEmpty {
            let drawn = Drawing(width: width, height: height, background: { _, _ in .white }, ink: .black,
                                strokes: strokes.map { s in Drawing.Stroke(points: s.points.map { ($0.x, $0.y) }, width: 2.5) }).render()
            for i in grey.indices { grey[i] = min(grey[i], drawn.pixels[4 * i]) }
            strokes = []
        }
        return Composite(image: RGBAImage(width: width, height: height, grey: grey), strokes: strokes)
    }

    /// Operator strokes in a w x w box whose left edge is x and centre height cy, sampled as
    /// a pointer reports them (as Tests/js/numbers-data.js draws them).
    public static func operatorStrokes(_ op: String, x: Double, cy: Double, w: Double, angle: Double = 60) -> [InkStroke] {
        func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ n: Int = 10) -> InkStroke {
            InkStroke(points: (0..<n).map { i in InkPoint(x0 + (x1 - x0) * Double(i) / Double(n - 1), y0 + (y1 - y0) * Double(i) / Double(n - 1)) })
        }
        let h = w / 2, cx = x + h
        switch op {
        case "+": return [line(x, cy, x + w, cy), line(cx, cy - h, cx, cy + h)]
        case "-": return [line(x, cy, x + w, cy)]
        case "x": return [line(x, cy - h, x + w, cy + h), line(x + w, cy - h, x, cy + h)]
        case "*": return [line(cx, cy - h, cx, cy + h), line(x, cy - h / 2, x + w, cy + h / 2), line(x + w, cy - h / 2, x, cy + h / 2)]
        case "/":
            // cos and sin of the angle from a table, so no platform math is involved.
            let (c, s) = angle == 60 ? (0.5, 0.8660254037844386) : (0.13917310096006544, 0.9902680687415704)  // 60 or 82 degrees
            let dx = c * w * 0.9, dy = s * w * 0.9
            return [line(cx - dx / 2, cy + dy / 2, cx + dx / 2, cy - dy / 2)]
        case "÷": return [line(x, cy, x + w, cy), InkStroke(points: [InkPoint(cx, cy - h * 0.7)]), InkStroke(points: [InkPoint(cx, cy + h * 0.7)])]
        case "=": return [line(x, cy - h * 0.35, x + w, cy - h * 0.35), line(x, cy + h * 0.35, x + w, cy + h * 0.35)]
        default: preconditionFailure("NumberComposer: expected + - x * / ÷ =, found \(op)")
        }
    }

    /// A number or sum written with a pen, in pad units (1 = pad height): digits `size` tall
    /// from the golden digit shapes (`Glyphs`, each segment sampled as a pointer reports it),
    /// `gap` between glyph boxes (negative: overlapping), slanted by `slant` degrees (0 or 15),
    /// operators half a digit wide.
    public static func handwrite(_ text: String, size: Double = 0.5, gap: Double = 0.03, slant: Double = 0) -> [InkStroke] {
        precondition(slant == 0 || slant == 15, "NumberComposer.handwrite: slant 0 or 15 degrees")
        let shear = slant == 15 ? 0.2679491924311227 : 0  // tan(15 degrees), written out
        let cy = 0.5, top = cy - size / 2, w = 0.6 * size
        var strokes: [InkStroke] = [], x = 0.1
        for ch in text {
            if let d = ch.wholeNumberValue, ch.isASCII {
                for line in Glyphs.unit[d] {
                    var points: [InkPoint] = []
                    for k in line.indices {
                        let steps = k == 0 ? 1 : 4
                        for s in 1...steps {
                            let a = k == 0 ? line[0] : line[k - 1], b = line[k], t = Double(s) / Double(steps)
                            let u = a.0 + (b.0 - a.0) * t, v = a.1 + (b.1 - a.1) * t
                            points.append(InkPoint(x + u * w + (0.5 - v) * size * shear, top + v * size))
                        }
                    }
                    strokes.append(InkStroke(points: points))
                }
                x += w + gap
            } else {
                let ow = size * (ch == "-" ? 0.45 : 0.5)
                strokes += operatorStrokes(String(ch), x: x + 0.01, cy: cy, w: ow)
                x += ow + max(gap, 0.03) + 0.02
            }
        }
        return strokes
    }

    /// A 28x28 MNIST digit resized by `scale` (bilinear, centre-aligned), side rounded.
    static func resize(_ grey: [UInt8], scale: Double) -> (grey: [UInt8], side: Int) {
        if scale == 1 { return (grey, 28) }
        let side = max(1, Int(jsRound(28 * scale)))
        var out = [UInt8](repeating: 0, count: side * side)
        let r = 28.0 / Double(side)
        func at(_ x: Int, _ y: Int) -> Double { x < 0 || y < 0 || x > 27 || y > 27 ? 0 : Double(grey[y * 28 + x]) }
        for y in 0..<side {
            for x in 0..<side {
                let sx = (Double(x) + 0.5) * r - 0.5, sy = (Double(y) + 0.5) * r - 0.5
                let x0 = Int(sx.rounded(.down)), y0 = Int(sy.rounded(.down))
                let fx = sx - Double(x0), fy = sy - Double(y0)
                let v = at(x0, y0) * (1 - fx) * (1 - fy) + at(x0 + 1, y0) * fx * (1 - fy)
                    + at(x0, y0 + 1) * (1 - fx) * fy + at(x0 + 1, y0 + 1) * fx * fy
                out[y * side + x] = UInt8(min(255, jsRound(v)))
            }
        }
        return (out, side)
    }

    /// Ink box (values >= 16) of a square grey digit; end-exclusive.
    static func inkBox(_ g: [UInt8], side: Int) -> (x0: Int, y0: Int, x1: Int, y1: Int) {
        var x0 = side, y0 = side, x1 = -1, y1 = -1
        for y in 0..<side {
            for x in 0..<side where g[y * side + x] >= 16 {
                x0 = min(x0, x); x1 = max(x1, x); y0 = min(y0, y); y1 = max(y1, y)
            }
        }
        return x1 < 0 ? (0, 0, 1, 1) : (x0, y0, x1 + 1, y1 + 1)
    }
}
