/// The raw inputs of the golden cases: MNIST test digits (as the model reads them, and
/// through preprocessing in both polarities) and deterministic synthetic drawings covering
/// what real images bring (size, polarity, colour, transparency, stroke width, position,
/// and the edge cases: blank, dot, very wide, very tall, touching the border).
public struct GoldenInput: Sendable {
    public enum Encoding: String, Sendable, Codable { case grey, rgba }
    public var name: String
    /// "mnist" (bytes / 255, no preprocessing), "mnist-preprocessed", or "synthetic".
    public var kind: String
    /// The digit a person would read, when there is one (informational, not checked).
    public var label: Int?
    public var image: RGBAImage
    public var preprocess: Bool

    /// Grey when every pixel is opaque grey (a quarter of the bytes), else RGBA.
    public var encoding: Encoding {
        let p = image.pixels
        for i in stride(from: 0, to: p.count, by: 4) where p[i + 3] != 255 || p[i] != p[i + 1] || p[i] != p[i + 2] {
            return .rgba
        }
        return .grey
    }
}

public enum GoldenCases {
    /// MNIST test images stored as the model reads them (kind "mnist").
    public static let mnistRaw = Array(0..<20)
    /// MNIST test images passed through preprocessing as they are (white on black).
    public static let mnistPreprocessed = Array(0..<10)
    /// MNIST test images inverted to dark ink on white paper, then preprocessed.
    public static let mnistInverted = [10, 11, 12]
    public static var mnistIndices: [Int] { Array(Set(mnistRaw + mnistPreprocessed + mnistInverted)).sorted() }

    /// All cases; `test` holds at least the images `mnistIndices` names.
    public static func all(test: Dataset) -> [GoldenInput] {
        var cases: [GoldenInput] = []
        func digit(_ i: Int) -> [UInt8] { Array(test.images[(i * 784)..<((i + 1) * 784)]) }
        for i in mnistRaw {
            cases.append(GoldenInput(name: "mnist-test-\(i)", kind: "mnist", label: Int(test.labels[i]),
                                     image: RGBAImage(width: 28, height: 28, grey: digit(i)), preprocess: false))
        }
        for i in mnistPreprocessed {
            cases.append(GoldenInput(name: "mnist-test-\(i)-preprocessed", kind: "mnist-preprocessed", label: Int(test.labels[i]),
                                     image: RGBAImage(width: 28, height: 28, grey: digit(i)), preprocess: true))
        }
        for i in mnistInverted {
            cases.append(GoldenInput(name: "mnist-test-\(i)-inverted", kind: "mnist-preprocessed", label: Int(test.labels[i]),
                                     image: RGBAImage(width: 28, height: 28, grey: digit(i).map { 255 - $0 }), preprocess: true))
        }
        return cases + synthetic()
    }

    // MARK: - Synthetic drawings

    typealias C = Drawing.RGBA
    static func plain(_ c: C) -> @Sendable (Int, Int) -> C { { _, _ in c } }

    /// Deterministic noise in [-amplitude, amplitude] from integer hashing.
    static func noise(_ x: Int, _ y: Int, _ amplitude: Int) -> Double {
        var h = UInt32(truncatingIfNeeded: x &* 73856093) ^ UInt32(truncatingIfNeeded: y &* 19349663)
        h = (h ^ (h >> 13)) &* 0x5bd1e995
        h ^= h >> 15
        return Double(Int(h % UInt32(2 * amplitude + 1)) - amplitude)
    }

    static func draw(_ name: String, _ label: Int?, w: Int, h: Int, bg: @escaping @Sendable (Int, Int) -> C, ink: C,
                     glyph: Int?, box: (x: Double, y: Double, w: Double, h: Double), width: Double,
                     extra: [Drawing.Stroke] = []) -> GoldenInput {
        let strokes = (glyph.map { Glyphs.strokes($0, box: box, width: width) } ?? []) + extra
        let image = Drawing(width: w, height: h, background: bg, ink: ink, strokes: strokes).render()
        return GoldenInput(name: name, kind: "synthetic", label: label, image: image, preprocess: true)
    }

    public static func synthetic() -> [GoldenInput] {
        var c: [GoldenInput] = []
        let white = plain(.white), black = plain(.black), clear = plain(.clear)
        for d in 0...9 {
            c.append(draw("digit-\(d)-black-on-white", d, w: 112, h: 112, bg: white, ink: .black, glyph: d, box: (28, 16, 56, 80), width: 7))
        }
        for d in [2, 5, 8] {
            c.append(draw("digit-\(d)-white-on-black", d, w: 96, h: 96, bg: black, ink: .white, glyph: d, box: (24, 12, 48, 72), width: 6))
        }
        c.append(draw("transparent-canvas-black-3", 3, w: 120, h: 120, bg: clear, ink: .black, glyph: 3, box: (30, 15, 60, 90), width: 10))
        c.append(draw("transparent-canvas-black-4", 4, w: 120, h: 120, bg: clear, ink: .black, glyph: 4, box: (25, 20, 70, 85), width: 8))
        c.append(draw("transparent-canvas-white-7", 7, w: 120, h: 120, bg: clear, ink: .white, glyph: 7, box: (30, 15, 60, 90), width: 9))
        c.append(draw("transparent-canvas-red-6", 6, w: 120, h: 120, bg: clear, ink: C(220, 30, 30), glyph: 6, box: (30, 15, 60, 90), width: 9))
        c.append(draw("semi-transparent-ink-5", 5, w: 100, h: 100, bg: clear, ink: C(0, 0, 0, 140), glyph: 5, box: (25, 12, 50, 76), width: 7))
        c.append(draw("blue-ink-on-yellow-paper-9", 9, w: 100, h: 100, bg: plain(C(250, 235, 160)), ink: C(30, 60, 200),
                      glyph: 9, box: (25, 12, 50, 76), width: 6))
        c.append(draw("yellow-ink-on-white-2", 2, w: 100, h: 100, bg: white, ink: C(240, 220, 0), glyph: 2, box: (25, 12, 50, 76), width: 7))
        c.append(draw("faint-pencil-on-noisy-paper-4", 4, w: 110, h: 110, bg: { x, y in let v = 236 + noise(x, y, 6); return C(v, v, v) },
                      ink: C(185, 185, 185), glyph: 4, box: (25, 15, 60, 80), width: 4))
        c.append(draw("uneven-paper-gradient-2", 2, w: 120, h: 100, bg: { x, _ in let v = 255 - Double(x) * 0.5; return C(v, v, v - 10) },
                      ink: C(20, 20, 40), glyph: 2, box: (35, 10, 50, 80), width: 6))
        c.append(draw("grey-ink-on-grey-paper-1", 1, w: 80, h: 100, bg: plain(C(128, 128, 128)), ink: C(40, 40, 40),
                      glyph: 1, box: (25, 10, 30, 80), width: 6))
        c.append(draw("thin-1px-line-3-on-320", 3, w: 320, h: 320, bg: white, ink: .black, glyph: 3, box: (90, 40, 140, 240), width: 1))
        c.append(draw("fat-marker-0", 0, w: 160, h: 160, bg: white, ink: .black, glyph: 0, box: (35, 20, 90, 120), width: 34))
        c.append(draw("fat-marker-7-on-transparent", 7, w: 140, h: 140, bg: clear, ink: C(20, 20, 120), glyph: 7, box: (30, 20, 80, 100), width: 26))
        c.append(draw("small-digit-in-corner-5", 5, w: 200, h: 200, bg: white, ink: .black, glyph: 5, box: (10, 10, 24, 36), width: 3))
        c.append(draw("off-centre-left-2", 2, w: 150, h: 100, bg: white, ink: .black, glyph: 2, box: (8, 10, 45, 80), width: 6))
        c.append(draw("off-centre-bottom-6", 6, w: 100, h: 150, bg: white, ink: .black, glyph: 6, box: (30, 80, 40, 64), width: 5))
        c.append(draw("touching-the-border-7", 7, w: 80, h: 80, bg: white, ink: .black, glyph: 7, box: (-6, -4, 92, 90), width: 8))
        c.append(draw("very-tall-1", 1, w: 60, h: 240, bg: white, ink: .black, glyph: 1, box: (18, 8, 24, 224), width: 6))
        c.append(draw("very-wide-stroke", nil, w: 240, h: 60, bg: white, ink: .black, glyph: nil, box: (0, 0, 0, 0), width: 6,
                      extra: [Drawing.Stroke(points: [(12, 28), (228, 32)], width: 6)]))
        c.append(draw("single-dot", nil, w: 100, h: 100, bg: white, ink: .black, glyph: nil, box: (0, 0, 0, 0), width: 0,
                      extra: [Drawing.Stroke(points: [(50, 50)], width: 9)]))
        c.append(draw("blank-white", nil, w: 64, h: 64, bg: white, ink: .black, glyph: nil, box: (0, 0, 0, 0), width: 0))
        c.append(draw("blank-transparent", nil, w: 64, h: 64, bg: clear, ink: .black, glyph: nil, box: (0, 0, 0, 0), width: 0))
        c.append(draw("nearly-blank-paper-noise", nil, w: 96, h: 96, bg: { x, y in let v = 240 + noise(x, y, 10); return C(v, v, v) },
                      ink: .black, glyph: nil, box: (0, 0, 0, 0), width: 0))
        c.append(draw("too-faint-to-read-8", nil, w: 96, h: 96, bg: white, ink: C(232, 232, 232), glyph: 8, box: (24, 12, 48, 72), width: 6))
        return c
    }
}

/// Digit shapes as polylines in a unit box (x right, y down), scaled into a pixel box.
enum Glyphs {
    // cos and sin of k * 22.5 degrees, written out so no platform math function is involved.
    static let ring: [(Double, Double)] = [
        (1, 0), (0.9238795, 0.3826834), (0.7071068, 0.7071068), (0.3826834, 0.9238795), (0, 1),
        (-0.3826834, 0.9238795), (-0.7071068, 0.7071068), (-0.9238795, 0.3826834), (-1, 0),
        (-0.9238795, -0.3826834), (-0.7071068, -0.7071068), (-0.3826834, -0.9238795), (0, -1),
        (0.3826834, -0.9238795), (0.7071068, -0.7071068), (0.9238795, -0.3826834), (1, 0),
    ]

    static let unit: [[[(Double, Double)]]] = [
        [ring.map { (0.5 + 0.42 * $0.0, 0.5 + 0.46 * $0.1) }],
        [[(0.3, 0.2), (0.55, 0.04), (0.55, 0.96)]],
        [[(0.15, 0.28), (0.3, 0.08), (0.55, 0.03), (0.78, 0.12), (0.82, 0.32), (0.7, 0.5), (0.15, 0.95), (0.88, 0.95)]],
        [[(0.15, 0.12), (0.5, 0.03), (0.8, 0.15), (0.8, 0.35), (0.45, 0.48), (0.85, 0.62), (0.85, 0.84), (0.5, 0.97), (0.12, 0.88)]],
        [[(0.68, 0.97), (0.68, 0.03), (0.1, 0.66), (0.92, 0.66)]],
        [[(0.85, 0.04), (0.22, 0.04), (0.16, 0.46), (0.5, 0.38), (0.82, 0.52), (0.84, 0.8), (0.5, 0.97), (0.14, 0.88)]],
        [[(0.75, 0.04), (0.4, 0.24), (0.18, 0.56), (0.22, 0.86), (0.5, 0.97), (0.78, 0.86), (0.82, 0.62), (0.55, 0.48), (0.2, 0.62)]],
        [[(0.1, 0.04), (0.9, 0.04), (0.38, 0.97)]],
        [[(0.5, 0.5), (0.22, 0.36), (0.24, 0.12), (0.5, 0.03), (0.76, 0.12), (0.78, 0.36), (0.5, 0.5),
          (0.18, 0.66), (0.2, 0.88), (0.5, 0.97), (0.8, 0.88), (0.82, 0.66), (0.5, 0.5)]],
        [[(0.8, 0.3), (0.65, 0.06), (0.35, 0.05), (0.18, 0.25), (0.3, 0.46), (0.6, 0.47), (0.8, 0.3), (0.74, 0.62), (0.6, 0.97)]],
    ]

    static func strokes(_ digit: Int, box: (x: Double, y: Double, w: Double, h: Double), width: Double) -> [Drawing.Stroke] {
        unit[digit].map { line in
            Drawing.Stroke(points: line.map { (box.x + $0.0 * box.w, box.y + $0.1 * box.h) }, width: width)
        }
    }
}
