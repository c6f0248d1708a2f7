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
        // Byte loop over UTF-8: golden.json is megabytes, and this keeps the build fast.
        var out = [UInt8]()
        out.reserveCapacity(json.utf8.count + 64)
        let bytes = Array(json.utf8)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x3C {  // "<"
                out.append(contentsOf: Array("\\u003c".utf8))
            } else if b == 0xE2, i + 2 < bytes.count, bytes[i + 1] == 0x80, bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9 {
                out.append(contentsOf: Array((bytes[i + 2] == 0xA8 ? "\\u2028" : "\\u2029").utf8))
                i += 2
            } else {
                out.append(b)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Any text as a JSON string literal that is safe inside `<script type="application/json">`:
    /// `"`, `\` and control characters are escaped as JSON requires, `<` becomes `\u003c` (so
    /// no `</script>` or `<!--`), U+2028/2029 are escaped. `JSON.parse` of the element's text
    /// gives back exactly `text`: the page can hash the model file's own bytes.
    public static func scriptSafeJSONString(_ text: String) -> String {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count + text.utf8.count / 8 + 2)
        out.append(0x22)
        let bytes = Array(text.utf8), hex = Array("0123456789abcdef".utf8)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])  // \"
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])  // \\
            case 0x0A: out.append(contentsOf: [0x5C, 0x6E])  // \n
            case 0x0D: out.append(contentsOf: [0x5C, 0x72])  // \r
            case 0x09: out.append(contentsOf: [0x5C, 0x74])  // \t
            case 0x3C: out.append(contentsOf: Array("\\u003c".utf8))
            case 0x00..<0x20: out.append(contentsOf: Array("\\u00".utf8) + [hex[Int(b >> 4)], hex[Int(b & 15)]])
            case 0xE2 where i + 2 < bytes.count && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9):
                out.append(contentsOf: Array((bytes[i + 2] == 0xA8 ? "\\u2028" : "\\u2029").utf8))
                i += 2
            default: out.append(b)
            }
            i += 1
        }
        out.append(0x22)
        return String(decoding: out, as: UTF8.self)
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
