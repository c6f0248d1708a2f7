/// Step 1 of preprocessing (docs/preprocessing.md): from RGBA pixels to an ink signal.
///
/// Shapes: image `H x W` RGBA8 -> `s`: `H * W` float64 values in [0, 255], row-major,
/// 0 = background, larger = more ink. Everything here is float64 with the exact operation
/// order of `inkling.js` (`inkSignal`), so both produce the same bits.
public enum InkMode: String, Sendable, Equatable, Codable {
    /// The border is mostly transparent (a canvas): ink is the alpha coverage, whatever its colour.
    case alpha
    /// Opaque background, ink darker than it in some channel (pen on paper).
    case dark
    /// Opaque background, ink lighter than it in some channel (chalk on a board, MNIST itself).
    case light
}

struct InkSignal {
    var s: [Double]
    var mode: InkMode
    /// Background colour (border median per channel); 0 in alpha mode.
    var background: (r: Double, g: Double, b: Double)

    /// Below this many units (of 255) a channel difference is noise when deciding polarity.
    static let polarityMargin = 32.0

    static func measure(_ image: RGBAImage) -> InkSignal {
        let w = image.width, h = image.height, n = w * h
        let p = image.pixels
        // Border pixels: the outer one-pixel ring, which is background in any sane drawing.
        var border = [Int]()
        border.reserveCapacity(2 * (w + h))
        for y in 0..<h {
            if y == 0 || y == h - 1 {
                for x in 0..<w { border.append(y * w + x) }
            } else {
                border.append(y * w)
                if w > 1 { border.append(y * w + w - 1) }
            }
        }
        var alphaHist = [Int](repeating: 0, count: 256)
        for i in border { alphaHist[Int(p[4 * i + 3])] += 1 }
        if Histogram.kth(alphaHist, (border.count - 1) / 2) < 128 {
            // Transparent background: coverage is the ink, so white-on-transparent and
            // colour-on-transparent are read the same as black-on-transparent.
            var s = [Double](repeating: 0, count: n)
            for i in 0..<n { s[i] = Double(p[4 * i + 3]) }
            return InkSignal(s: s, mode: .alpha, background: (0, 0, 0))
        }
        // Opaque background: its colour is the per-channel median of the opaque border pixels.
        var hr = [Int](repeating: 0, count: 256), hg = hr, hb = hr
        var opaque = 0
        for i in border where p[4 * i + 3] >= 128 {
            hr[Int(p[4 * i])] += 1; hg[Int(p[4 * i + 1])] += 1; hb[Int(p[4 * i + 2])] += 1
            opaque += 1
        }
        let br = Double(Histogram.kth(hr, (opaque - 1) / 2))
        let bg = Double(Histogram.kth(hg, (opaque - 1) / 2))
        let bb = Double(Histogram.kth(hb, (opaque - 1) / 2))
        // Each pixel, composited over the background, differs from it by `dark` (largest drop
        // over the channels: yellow ink on white paper shows in blue) or `light` (largest rise).
        var sd = [Double](repeating: 0, count: n), sl = sd
        var energyDark = 0.0, energyLight = 0.0
        for i in 0..<n {
            let a = Double(p[4 * i + 3]), ia = 255 - a
            let r = (Double(p[4 * i]) * a + br * ia) / 255
            let g = (Double(p[4 * i + 1]) * a + bg * ia) / 255
            let b = (Double(p[4 * i + 2]) * a + bb * ia) / 255
            var dark = br - r, light = r - br
            if bg - g > dark { dark = bg - g }
            if bb - b > dark { dark = bb - b }
            if g - bg > light { light = g - bg }
            if b - bb > light { light = b - bb }
            if dark > 0 { sd[i] = dark }
            if light > 0 { sl[i] = light }
            if dark > polarityMargin { energyDark += dark - polarityMargin }
            if light > polarityMargin { energyLight += light - polarityMargin }
        }
        // Polarity: whichever direction carries more ink beyond the noise margin (ties: dark ink).
        if energyDark >= energyLight { return InkSignal(s: sd, mode: .dark, background: (br, bg, bb)) }
        return InkSignal(s: sl, mode: .light, background: (br, bg, bb))
    }
}

/// 256-bin histograms: medians and percentiles without sorting.
enum Histogram {
    /// The k-th smallest value (0-based) of the histogrammed values.
    static func kth(_ hist: [Int], _ k: Int) -> Int {
        var seen = 0
        for v in 0..<hist.count {
            seen += hist[v]
            if seen > k { return v }
        }
        return hist.count - 1
    }
}

/// Rounding written out, so Swift and JavaScript agree on every half (JS `Math.round` and
/// Swift's `.rounded()` differ on negative halves): floor(x + 0.5).
@inline(__always) func roundHalfUp(_ x: Double) -> Double { (x + 0.5).rounded(.down) }
