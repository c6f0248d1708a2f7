/// Removes comments, indentation and blank lines from the page's own scripts and style sheets
/// before they are inlined, leaving every token byte for byte: the readable source stays in
/// templates/assets/ (node runs it), and index.html stays within its size budget.
///
/// A lexer, not a pattern: strings, template literals (with `${ }` nesting) and regular
/// expressions are copied untouched, so `"//"`, `/[/*]/` or `` `a /* b */` `` survive. A line
/// comment keeps its line break and a block comment becomes a line break or a space, so
/// automatic semicolon insertion and token boundaries are what they were. Input that ends
/// inside a string, comment, template or regular expression is refused.
public enum StripComments {
    struct Unterminated: Error { let what: String; let line: Int }

    public static func javaScript(_ text: String, file: String) throws -> String {
        try run(file: file) { var lexer = JavaScriptStripper(Array(text.utf8)); return try lexer.strip() }
    }

    public static func css(_ text: String, file: String) throws -> String {
        try run(file: file) { var lexer = JavaScriptStripper(Array(text.utf8), css: true); return try lexer.strip() }
    }

    private static func run(file: String, _ body: () throws -> [UInt8]) throws -> String {
        do { return String(decoding: try body(), as: UTF8.self) } catch let e as Unterminated {
            throw SiteError(file: file, expected: "complete source", found: "\(e.what) left open at line \(e.line)")
        }
    }
}

/// One pass over the bytes. `css: true` knows only block comments and strings.
private struct JavaScriptStripper {
    let s: [UInt8]
    let css: Bool
    var out: [UInt8] = []
    var i = 0
    var line = 1
    /// Open `${` of template literals: the brace depth at which each resumes its template.
    var templateResume: [Int] = []
    var braces = 0
    /// The last byte written outside whitespace, and the identifier or number it ended (for
    /// telling a regular expression from a division).
    var last: UInt8? = nil
    var lastWord: [UInt8] = []

    init(_ s: [UInt8], css: Bool = false) { self.s = s; self.css = css }

    // Byte values used below.
    static let nl = UInt8(ascii: "\n"), space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), cr = UInt8(ascii: "\r")
    static let slash = UInt8(ascii: "/"), star = UInt8(ascii: "*"), backslash = UInt8(ascii: "\\")
    static let backtick = UInt8(ascii: "`"), dollar = UInt8(ascii: "$")
    static let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
    static let openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]")
    /// After one of these a `/` starts a regular expression.
    static let beforeRegex = Set("(,=:[!&|?{};+-*%<>~^".utf8)
    static let regexKeywords: Set<[UInt8]> = Set(["return", "typeof", "case", "do", "else", "in", "of", "new", "delete",
                                                  "void", "throw", "instanceof", "yield", "await"].map { Array($0.utf8) })

    static func isIdentifier(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x24 || b >= 0x80
    }

    var atLineStart: Bool { out.isEmpty || out.last == Self.nl }

    mutating func strip() throws -> [UInt8] {
        while i < s.count {
            let b = s[i]
            if b == Self.nl || b == Self.cr { newline(); i += 1; continue }
            if b == Self.space || b == Self.tab {
                if !atLineStart && out.last != Self.space { out.append(Self.space) }
                i += 1; continue
            }
            if b == Self.slash && next == Self.star { try blockComment(); continue }
            if !css && b == Self.slash && next == Self.slash { while i < s.count && s[i] != Self.nl { i += 1 }; continue }
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") { try string(quote: b); continue }
            if css { code(b); i += 1; continue }
            if b == Self.backtick { code(b); i += 1; try template(); continue }
            if b == Self.slash && startsRegex { try regex(); continue }
            if b == Self.openBrace { braces += 1 }
            if b == Self.closeBrace {
                braces -= 1
                if let resume = templateResume.last, resume == braces {
                    templateResume.removeLast()
                    code(b); i += 1
                    try template()
                    continue
                }
            }
            code(b); i += 1
        }
        if !templateResume.isEmpty { throw StripComments.Unterminated(what: "a template literal's ${", line: line) }
        trimTrailingSpace()
        if !out.isEmpty && out.last != Self.nl { out.append(Self.nl) }
        return out
    }

    var next: UInt8? { i + 1 < s.count ? s[i + 1] : nil }

    var startsRegex: Bool {
        guard let last else { return true }
        if Self.isIdentifier(last) { return Self.regexKeywords.contains(lastWord) }
        return Self.beforeRegex.contains(last)
    }

    /// A code byte: written, and remembered for the regex-or-division question.
    mutating func code(_ b: UInt8) {
        if Self.isIdentifier(b) {
            if let last, Self.isIdentifier(last), out.last == last { lastWord.append(b) } else { lastWord = [b] }
        } else {
            lastWord = []
        }
        out.append(b)
        last = b
    }

    mutating func trimTrailingSpace() {
        while let l = out.last, l == Self.space { out.removeLast() }
    }

    /// A line break in code: kept unless the line it ends is empty.
    mutating func newline() {
        if s[i] == Self.nl { line += 1 }
        if s[i] == Self.cr { return }   // CRLF: the LF breaks the line
        trimTrailingSpace()
        if !atLineStart { out.append(Self.nl) }
    }

    mutating func blockComment() throws {
        let startLine = line
        var sawNewline = false
        i += 2
        while i + 1 < s.count && !(s[i] == Self.star && s[i + 1] == Self.slash) {
            if s[i] == Self.nl { sawNewline = true; line += 1 }
            i += 1
        }
        guard i + 1 < s.count else { throw StripComments.Unterminated(what: "a /* comment", line: startLine) }
        i += 2
        if sawNewline {
            trimTrailingSpace()
            if !atLineStart { out.append(Self.nl) }
        } else if !atLineStart && out.last != Self.space {
            out.append(Self.space)
        }
    }

    /// Copies `bytes[i]` and the one after it when it is a backslash escape.
    mutating func copyEscaped() {
        out.append(s[i])
        if s[i] == Self.backslash && i + 1 < s.count {
            if s[i + 1] == Self.nl { line += 1 }
            out.append(s[i + 1]); i += 1
        }
        i += 1
    }

    mutating func string(quote: UInt8) throws {
        let startLine = line
        out.append(quote); i += 1
        while i < s.count && s[i] != quote {
            if s[i] == Self.nl { break }
            copyEscaped()
        }
        guard i < s.count, s[i] == quote else { throw StripComments.Unterminated(what: "a string", line: startLine) }
        out.append(quote); i += 1
        last = quote; lastWord = []
    }

    /// The body of a template literal, after its backtick or the `}` closing a `${`: copied as
    /// it is, line breaks and indentation included, until the closing backtick or a `${`.
    mutating func template() throws {
        let startLine = line
        while i < s.count {
            let b = s[i]
            if b == Self.backtick { out.append(b); i += 1; last = b; lastWord = []; return }
            if b == Self.dollar && next == Self.openBrace {
                out.append(b); out.append(Self.openBrace); i += 2
                templateResume.append(braces)
                braces += 1
                last = Self.openBrace; lastWord = []
                return
            }
            if b == Self.nl { line += 1 }
            copyEscaped()
        }
        throw StripComments.Unterminated(what: "a template literal", line: startLine)
    }

    mutating func regex() throws {
        let startLine = line
        out.append(Self.slash); i += 1
        var inClass = false
        while i < s.count {
            let b = s[i]
            if b == Self.nl { break }
            if b == Self.slash && !inClass { out.append(b); i += 1; last = b; lastWord = []; return }
            if b == Self.openBracket { inClass = true } else if b == Self.closeBracket { inClass = false }
            copyEscaped()
        }
        throw StripComments.Unterminated(what: "a regular expression", line: startLine)
    }
}
