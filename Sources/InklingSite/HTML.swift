/// Escaping for the three places the renderer puts text into a page.
///
/// Mustache's `{{ }}` already HTML-escapes; these helpers exist for the values the
/// renderer assembles itself (SVG, JSON) and then inserts with `{{{ }}}`.
public enum HTML {
    /// Text or attribute value: `& < > " '` become entities.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// JSON text made safe inside `<script type="application/json">` or a classic script:
    /// every `<` becomes `\u003c`, so neither `</script>` nor `<!--` can end or confuse the
    /// element. In valid JSON `<` only occurs inside strings, where `\u003c` means the same.
    /// U+2028/2029 are escaped too so the text is also a valid JavaScript expression.
    public static func scriptSafeJSON(_ json: String) -> String {
        var out = ""
        out.reserveCapacity(json.utf8.count)
        for c in json.unicodeScalars {
            switch c {
            case "<": out += "\\u003c"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Script or style source made safe to inline: a literal `</script` or `</style` inside
    /// it would end the element early, so the build refuses such a file rather than
    /// silently rewriting code (which would also change its CSP hash).
    static func checkInlinable(_ source: String, element: String, file: String) throws {
        if source.lowercased().contains("</\(element)") {
            throw SiteError(file: file, expected: "no literal \"</\(element)\" (it would end the inline <\(element)> element)",
                            found: "one in the file")
        }
    }
}
