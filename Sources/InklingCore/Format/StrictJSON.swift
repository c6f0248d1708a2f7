import Foundation

/// A strict RFC 8259 check that runs before `JSONDecoder`, so that what the CLI accepts the
/// page's `JSON.parse` accepts too, with the same meaning:
///   - UTF-8 only (no byte-order mark, no UTF-16, no invalid sequences);
///   - no duplicate keys in any object (JSON.parse keeps the last, JSONDecoder the first);
///   - no trailing commas, comments, NaN/Infinity, single quotes or leading zeros;
///   - nesting at most `maxDepth` deep (a deep file cannot exhaust the stack).
/// It only validates; decoding stays with `JSONDecoder`.
public enum StrictJSON {
    public static let maxDepth = 64

    public struct Problem: Error, CustomStringConvertible, Equatable {
        public let offset: Int
        public let message: String
        public var description: String { "not strict JSON at byte \(offset): \(message)" }
    }

    public static func validate(_ data: Data) throws {
        try data.withUnsafeBytes { raw in
            var scanner = Scanner(bytes: raw.bindMemory(to: UInt8.self))
            try scanner.document()
        }
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var at = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        func fail(_ message: String) -> Problem { Problem(offset: at, message: message) }

        var peek: UInt8? { at < bytes.count ? bytes[at] : nil }

        mutating func document() throws {
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
                throw fail("starts with a UTF-8 byte-order mark")
            }
            if bytes.count >= 2, (bytes[0] == 0xFE && bytes[1] == 0xFF) || (bytes[0] == 0xFF && bytes[1] == 0xFE)
                || bytes[0] == 0 || bytes[1] == 0 {
                throw fail("UTF-16 or UTF-32 text; expected UTF-8")
            }
            skipSpace()
            try value(depth: 0)
            skipSpace()
            if at != bytes.count { throw fail("unexpected content after the top-level value") }
        }

        mutating func skipSpace() {
            while let c = peek, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { at += 1 }
        }

        mutating func value(depth: Int) throws {
            guard let c = peek else { throw fail("unexpected end of input, expected a value") }
            switch c {
            case UInt8(ascii: "{"): try object(depth: depth + 1)
            case UInt8(ascii: "["): try array(depth: depth + 1)
            case UInt8(ascii: "\""): _ = try string()
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            case 0: throw fail("NUL byte (UTF-16 text or binary data?)")
            default: throw fail("unexpected character '\(printable(c))', expected a value")
            }
        }

        mutating func literal(_ word: String) throws {
            for w in word.utf8 {
                guard peek == w else { throw fail("invalid literal, expected \(word)") }
                at += 1
            }
        }

        mutating func object(depth: Int) throws {
            guard depth <= StrictJSON.maxDepth else { throw fail("nested more than \(StrictJSON.maxDepth) levels deep") }
            at += 1
            skipSpace()
            if peek == UInt8(ascii: "}") { at += 1; return }
            var keys = Set<[UInt8]>()
            while true {
                guard peek == UInt8(ascii: "\"") else { throw fail("expected a key string") }
                let keyStart = at
                let key = try string()
                guard keys.insert(key).inserted else {
                    at = keyStart
                    throw fail("duplicate key \"\(String(decoding: key, as: UTF8.self))\"")
                }
                skipSpace()
                guard peek == UInt8(ascii: ":") else { throw fail("expected ':' after a key") }
                at += 1
                skipSpace()
                try value(depth: depth)
                skipSpace()
                if peek == UInt8(ascii: ",") {
                    at += 1
                    skipSpace()
                    if peek == UInt8(ascii: "}") { throw fail("trailing comma before '}'") }
                    continue
                }
                guard peek == UInt8(ascii: "}") else { throw fail("expected ',' or '}' in an object") }
                at += 1
                return
            }
        }

        mutating func array(depth: Int) throws {
            guard depth <= StrictJSON.maxDepth else { throw fail("nested more than \(StrictJSON.maxDepth) levels deep") }
            at += 1
            skipSpace()
            if peek == UInt8(ascii: "]") { at += 1; return }
            while true {
                try value(depth: depth)
                skipSpace()
                if peek == UInt8(ascii: ",") {
                    at += 1
                    skipSpace()
                    if peek == UInt8(ascii: "]") { throw fail("trailing comma before ']'") }
                    continue
                }
                guard peek == UInt8(ascii: "]") else { throw fail("expected ',' or ']' in an array") }
                at += 1
                return
            }
        }

        /// Returns the string's decoded UTF-8 bytes (to compare keys).
        mutating func string() throws -> [UInt8] {
            at += 1
            var out: [UInt8] = []
            while true {
                guard let c = peek else { throw fail("unterminated string") }
                switch c {
                case UInt8(ascii: "\""):
                    at += 1
                    return out
                case UInt8(ascii: "\\"):
                    at += 1
                    guard let e = peek else { throw fail("unterminated escape") }
                    at += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        // Decode to UTF-8, so "a" and "\u0061" compare equal as keys (as in JSON.parse).
                        var scalar = UInt32(try hex4())
                        if (0xD800...0xDBFF).contains(scalar) {
                            guard peek == UInt8(ascii: "\\"), at + 1 < bytes.count, bytes[at + 1] == UInt8(ascii: "u") else {
                                throw fail("unpaired UTF-16 surrogate in a \\u escape")
                            }
                            at += 2
                            let low = UInt32(try hex4())
                            guard (0xDC00...0xDFFF).contains(low) else { throw fail("unpaired UTF-16 surrogate in a \\u escape") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else if (0xDC00...0xDFFF).contains(scalar) {
                            throw fail("unpaired UTF-16 surrogate in a \\u escape")
                        }
                        out.append(contentsOf: String(UnicodeScalar(scalar)!).utf8)
                    default: throw fail("invalid escape '\\\(printable(e))'")
                    }
                case 0..<0x20:
                    throw fail("control character U+\(String(c, radix: 16, uppercase: true)) inside a string")
                case 0x80...:
                    let n = try utf8Sequence()
                    out.append(contentsOf: bytes[at..<(at + n)])
                    at += n
                default:
                    out.append(c)
                    at += 1
                }
            }
        }

        mutating func hex4() throws -> UInt16 {
            var v: UInt16 = 0
            for _ in 0..<4 {
                guard let c = peek else { throw fail("unterminated \\u escape") }
                let d: UInt8
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
                default: throw fail("invalid hex digit in \\u escape")
                }
                v = v << 4 | UInt16(d)
                at += 1
            }
            return v
        }

        /// Length of the valid UTF-8 sequence starting at `at` (RFC 3629: no overlongs,
        /// no surrogates, nothing above U+10FFFF).
        func utf8Sequence() throws -> Int {
            let b0 = bytes[at]
            let (n, lo, hi): (Int, UInt8, UInt8)
            switch b0 {
            case 0xC2...0xDF: (n, lo, hi) = (2, 0x80, 0xBF)
            case 0xE0: (n, lo, hi) = (3, 0xA0, 0xBF)
            case 0xE1...0xEC, 0xEE...0xEF: (n, lo, hi) = (3, 0x80, 0xBF)
            case 0xED: (n, lo, hi) = (3, 0x80, 0x9F)
            case 0xF0: (n, lo, hi) = (4, 0x90, 0xBF)
            case 0xF1...0xF3: (n, lo, hi) = (4, 0x80, 0xBF)
            case 0xF4: (n, lo, hi) = (4, 0x80, 0x8F)
            default: throw fail("invalid UTF-8 byte 0x\(String(b0, radix: 16, uppercase: true))")
            }
            guard at + n <= bytes.count else { throw fail("truncated UTF-8 sequence") }
            guard (lo...hi).contains(bytes[at + 1]) else { throw fail("invalid UTF-8 sequence") }
            for i in 2..<max(2, n) where !(0x80...0xBF).contains(bytes[at + i]) {
                throw fail("invalid UTF-8 sequence")
            }
            return n
        }

        mutating func number() throws {
            if peek == UInt8(ascii: "-") { at += 1 }
            guard let first = peek, isDigit(first) else { throw fail("expected a digit in a number") }
            at += 1
            if first == UInt8(ascii: "0"), let c = peek, isDigit(c) { throw fail("leading zero in a number") }
            while let c = peek, isDigit(c) { at += 1 }
            if peek == UInt8(ascii: ".") {
                at += 1
                guard let c = peek, isDigit(c) else { throw fail("expected a digit after '.'") }
                while let c = peek, isDigit(c) { at += 1 }
            }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                at += 1
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { at += 1 }
                guard let c = peek, isDigit(c) else { throw fail("expected a digit in the exponent") }
                while let c = peek, isDigit(c) { at += 1 }
            }
        }

        func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

        func printable(_ c: UInt8) -> String {
            (0x20..<0x7F).contains(c) ? String(UnicodeScalar(c)) : "\\x" + String(c, radix: 16, uppercase: true)
        }
    }
}
