/// Exact arithmetic on digit strings for a sum read from ink (numbers.js `evaluate`, which
/// uses BigInt): + - x (or *) and / (or ÷), any length. Division gives up to `decimals`
/// decimals (default 6), rounded half up, trailing zeros removed; by zero it is "undefined"
/// with an error.
public enum SumArithmetic {
    public struct Result: Sendable, Equatable {
        public var value: String
        public var error: String?
        public init(value: String, error: String?) { self.value = value; self.error = error }
    }

    public static func evaluate(_ left: String, _ op: String, _ right: String, decimals: Int = 6) -> Result {
        let isNumber = { (s: String) in !s.isEmpty && s.unicodeScalars.allSatisfy { $0.value >= 48 && $0.value <= 57 } }
        guard isNumber(left), isNumber(right) else { return Result(value: "undefined", error: "Not a number") }
        let op = OperatorShapes.value[op] ?? op
        guard ["+", "-", "x", "/"].contains(op) else { return Result(value: "undefined", error: "Unknown operator \(op)") }
        let a = Natural(left), b = Natural(right)
        switch op {
        case "+": return Result(value: a.adding(b).description, error: nil)
        case "-": return Result(value: a < b ? "-" + b.subtracting(a).description : a.subtracting(b).description, error: nil)
        case "x": return Result(value: a.multiplied(by: b).description, error: nil)
        default:
            if b.isZero { return Result(value: "undefined", error: "Cannot divide by zero") }
            // a * 10^places / b rounded half up: (2 a 10^places + b) / (2 b).
            let scaled = a.shifted(decimals).multiplied(by: Natural("2")).adding(b).divided(by: b.multiplied(by: Natural("2")))
            var digits = scaled.description
            if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
            let whole = String(digits.dropLast(decimals))
            var frac = String(digits.suffix(decimals))
            while frac.hasSuffix("0") { frac.removeLast() }
            return Result(value: frac.isEmpty ? whole : whole + "." + frac, error: nil)
        }
    }

    /// A non-negative integer as decimal digits, least significant first.
    struct Natural: Comparable, CustomStringConvertible {
        var d: [Int]
        init(_ s: String) { d = s.unicodeScalars.reversed().map { Int($0.value) - 48 }; trim() }
        init(digits: [Int]) { d = digits; trim() }
        mutating func trim() { while d.count > 1 && d.last == 0 { d.removeLast() }; if d.isEmpty { d = [0] } }
        var isZero: Bool { d == [0] }
        var description: String { String(d.reversed().map { Character(String($0)) }) }
        static func < (a: Natural, b: Natural) -> Bool {
            if a.d.count != b.d.count { return a.d.count < b.d.count }
            for i in stride(from: a.d.count - 1, through: 0, by: -1) where a.d[i] != b.d[i] { return a.d[i] < b.d[i] }
            return false
        }
        func adding(_ o: Natural) -> Natural {
            var r: [Int] = [], carry = 0
            for i in 0..<max(d.count, o.d.count) {
                let s = (i < d.count ? d[i] : 0) + (i < o.d.count ? o.d[i] : 0) + carry
                r.append(s % 10); carry = s / 10
            }
            if carry > 0 { r.append(carry) }
            return Natural(digits: r)
        }
        /// self - o, for self >= o.
        func subtracting(_ o: Natural) -> Natural {
            var r: [Int] = [], borrow = 0
            for i in 0..<d.count {
                var s = d[i] - (i < o.d.count ? o.d[i] : 0) - borrow
                borrow = s < 0 ? 1 : 0
                if s < 0 { s += 10 }
                r.append(s)
            }
            return Natural(digits: r)
        }
        func multiplied(by o: Natural) -> Natural {
            var r = [Int](repeating: 0, count: d.count + o.d.count)
            for i in d.indices { for j in o.d.indices { r[i + j] += d[i] * o.d[j] } }
            var carry = 0
            for k in r.indices { let s = r[k] + carry; r[k] = s % 10; carry = s / 10 }
            return Natural(digits: r)
        }
        func shifted(_ places: Int) -> Natural { Natural(digits: [Int](repeating: 0, count: places) + d) }
        /// Long division, quotient only.
        func divided(by o: Natural) -> Natural {
            var q = [Int](repeating: 0, count: d.count), rem = Natural(digits: [0])
            for i in stride(from: d.count - 1, through: 0, by: -1) {
                rem = Natural(digits: [d[i]] + rem.d)
                var k = 0
                while !(rem < o) { rem = rem.subtracting(o); k += 1 }
                q[i] = k
            }
            return Natural(digits: q)
        }
    }
}
