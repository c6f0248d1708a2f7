/// Preprocessing: any RGBA image (canvas drawing, photo, scan, PNG) -> the 28x28 input the
/// model expects (values in [0, 1], 1 = ink, row-major) and a `blank` flag.
///
/// One algorithm, two implementations: this file and `Inkling.preprocess` in
/// `templates/assets/inkling.js`, described step by step in `docs/preprocessing.md` and held
/// together by the golden values (`inkling golden`). Both compute in float64 with the same
/// operation order and explicit rounding, so they agree to the bit; the output is Float32.
///
///   1. ink signal      composite, background colour, polarity        (PreprocessSignal.swift)
///   2. ink level       95th percentile of the signal, threshold = half of it
///   3. working mask    the ink's box resampled to 64 cells long side (PreprocessMask.swift)
///   4. blank / dot     too little contrast, no ink, or a blob that is not a stroke
///   5. stroke width    dilate thin lines, erode fat markers towards MNIST's width
///   6. fit 20x20       area averaging, aspect ratio kept                (PreprocessFit.swift)
///   7. centre          centre of mass at the middle of 28x28
public struct Preprocessed: Sendable, Equatable {
    /// 784 values in [0, 1], 1 = ink; all zero when `blank`.
    public var input: [Float]
    /// No digit to read: nothing drawn, too faint, or a single dot or blob.
    public var blank: Bool
    /// What each step found, for tests, `--json` and the page's debugging view.
    public var info: PreprocessInfo
}

public struct PreprocessInfo: Sendable, Equatable {
    public enum BlankReason: String, Sendable, Equatable { case empty, noInk = "no-ink", lowContrast = "low-contrast", dot }
    public var mode: InkMode = .dark
    /// 95th percentile of the ink signal (0...255) and the ink threshold derived from it.
    public var inkLevel = 0
    public var threshold = 0.0
    /// The ink's bounding box in the source image (inclusive), or nil when there is none.
    public var box: (x0: Int, y0: Int, x1: Int, y1: Int)?
    /// Stroke width measured on the working mask (cells) and the radius applied to it.
    public var strokeWidth = 0.0
    public var strokeRadius = 0
    /// Elongation of the ink: outline^2 / (4 * area); a filled disc is about 5, strokes more.
    public var elongation = 0.0
    public var blankReason: BlankReason?

    public static func == (a: PreprocessInfo, b: PreprocessInfo) -> Bool {
        a.mode == b.mode && a.inkLevel == b.inkLevel && a.threshold == b.threshold
            && a.box?.x0 == b.box?.x0 && a.box?.y0 == b.box?.y0 && a.box?.x1 == b.box?.x1 && a.box?.y1 == b.box?.y1
            && a.strokeWidth == b.strokeWidth && a.strokeRadius == b.strokeRadius
            && a.elongation == b.elongation && a.blankReason == b.blankReason
    }
}

public enum Preprocessor {
    /// Signal (of 255) below which a pixel is never ink.
    public static let noiseFloor = 24.0
    /// Ink must differ from the background by at least this much (of 255), or the image is blank.
    public static let minContrast = 40
    /// Ink level = this percentile of the signal among pixels above the noise floor.
    public static let inkPercentile = 95
    /// Below this elongation the ink is a dot or blob, not a stroke: blank.
    public static let minElongation = 6.0

    public static func preprocess(_ image: RGBAImage) -> Preprocessed {
        var info = PreprocessInfo()
        func blank(_ reason: PreprocessInfo.BlankReason) -> Preprocessed {
            info.blankReason = reason
            return Preprocessed(input: [Float](repeating: 0, count: 784), blank: true, info: info)
        }
        let w = image.width, h = image.height
        if w == 0 || h == 0 { return blank(.empty) }

        // 1. Ink signal.
        let signal = InkSignal.measure(image)
        info.mode = signal.mode
        let s = signal.s

        // 2. Ink level: a robust "full ink" value, so faint pencil is stretched like a marker
        //    and a gentle shadow on the paper (below half the ink level) is ignored.
        var hist = [Int](repeating: 0, count: 256)
        var candidates = 0
        for v in s {
            let q = Int(roundHalfUp(v))
            if Double(q) >= noiseFloor { hist[q] += 1; candidates += 1 }
        }
        if candidates == 0 { return blank(.noInk) }
        var rank = (candidates - 1) * inkPercentile / 100
        var level = Int(noiseFloor)
        while rank >= hist[level] { rank -= hist[level]; level += 1 }
        info.inkLevel = level
        if level < minContrast { return blank(.lowContrast) }
        let t = max(noiseFloor, Double(level) * 0.5)
        info.threshold = t

        // 3. Box of the ink pixels, resampled to the working mask.
        var x0 = w, y0 = h, x1 = -1, y1 = -1
        for y in 0..<h {
            for x in 0..<w where s[y * w + x] >= t {
                if x < x0 { x0 = x }
                if x > x1 { x1 = x }
                if y < y0 { y0 = y }
                if y > y1 { y1 = y }
            }
        }
        info.box = (x0, y0, x1, y1)
        let mask = InkMask.sample(s, w: w, h: h, x0: x0, y0: y0, x1: x1, y1: y1, t: t)

        // 4. A dot or a blob is not a digit (a stroke's elongation is its length / width).
        let (area, edges) = mask.areaAndEdges()
        if area == 0 { return blank(.noInk) }
        info.elongation = Double(edges) * Double(edges) / (4 * Double(area))
        if info.elongation < minElongation { return blank(.dot) }

        // 5. Stroke width towards MNIST's.
        let (normalised, width, radius) = StrokeWidth.normalise(mask, area: area, edges: edges)
        info.strokeWidth = width
        info.strokeRadius = radius

        // 6-7. Fit 20x20, centre in 28x28.
        guard let small = BoxFit.fit(normalised) else { return blank(.noInk) }
        let input = BoxFit.centre(small.pixels, width: small.width, height: small.height)
        return Preprocessed(input: input, blank: false, info: info)
    }
}
