/// Why a PNG file could not be decoded. One line, naming the file:
/// `"digit.png: truncated PNG: expected ..., found ..."`.
public struct PNGError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: String, Sendable {
        /// The file could not be opened or read (missing, a directory, no permission).
        case unreadable
        /// The first 8 bytes are not the PNG signature.
        case notPNG
        /// The data ends before the image does.
        case truncated
        /// A CRC mismatch, a broken zlib stream, or an invalid header or chunk.
        case corrupt
        /// Over one of the documented limits in `PNGDecoder` (side, pixel budget, file size).
        case tooLarge
        /// The image decoded, but the model gave NaN or infinity for it (extreme weights):
        /// refused rather than reported as a digit or printed as non-JSON.
        case nonFiniteOutput
    }

    public let file: String
    public let kind: Kind
    /// What was wrong, without the file name.
    public let problem: String

    public init(file: String, kind: Kind, problem: String) {
        self.file = file
        self.kind = kind
        self.problem = problem
    }

    public var description: String { "\(file): \(problem)" }
}
