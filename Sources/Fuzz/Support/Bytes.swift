/// Turns the fuzzer's bytes into choices (like LLVM's FuzzedDataProvider): each call takes
/// the next bytes; once they run out every choice is its smallest value, so any input,
/// even an empty one, gives a complete answer.
public struct FuzzBytes {
    private let bytes: [UInt8]
    private var at = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var isEmpty: Bool { at >= bytes.count }

    public mutating func byte() -> UInt8 {
        guard at < bytes.count else { return 0 }
        defer { at += 1 }
        return bytes[at]
    }

    /// A value in `range`, from one byte (two when the range is wider than 256).
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        let span = range.upperBound - range.lowerBound + 1
        let raw = span <= 256 ? Int(byte()) : Int(byte()) << 8 | Int(byte())
        return range.lowerBound + raw % span
    }

    public mutating func bool() -> Bool { byte() & 1 == 1 }

    /// A weight-like value in [-scale, scale].
    public mutating func unit(_ scale: Float) -> Float {
        (Float(byte()) / 127.5 - 1) * scale
    }
}
