import Foundation

/// Fixed, locale-independent number formatting, so the same inputs give the same bytes.
enum Fmt {
    /// `x` with exactly `digits` decimals ("0.9942").
    static func fixed(_ x: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", locale: nil, x)
    }

    /// A fraction as a percentage with `digits` decimals ("99.42%").
    static func percent(_ fraction: Double, _ digits: Int = 2) -> String {
        fixed(fraction * 100, digits) + "%"
    }

    /// An integer with thin thousands separators for reading ("21 840").
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "\u{202F}" }
            out.append(ch)
        }
        return n < 0 ? "-" + out : out
    }

    /// A byte count for people ("61.2 KB", base 1000 as browsers' network panels show).
    static func bytes(_ n: Int) -> String {
        if n < 1000 { return "\(n) B" }
        if n < 1_000_000 { return fixed(Double(n) / 1000, 1) + " KB" }
        return fixed(Double(n) / 1_000_000, 2) + " MB"
    }
}
