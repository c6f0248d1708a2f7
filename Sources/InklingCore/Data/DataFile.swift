import Foundation

/// Reads a data file's bytes, inflating it when it is gzip.
///
/// gzip is recognised by its magic bytes (1f 8b), not by the name, so a compressed
/// file without `.gz` still loads. The name is still a claim worth checking: a file
/// called `*.gz` that is not gzip (a failed download, an HTML error page) is refused
/// with its own error rather than parsed as something else.
///
/// No data file may hold more than `maxInflatedBytes` (raw, or once inflated): the largest
/// real one, MNIST's training images, is 47,040,016 bytes, so the cap leaves 5x headroom
/// while a gzip bomb or a hostile header is refused before it can exhaust memory.
public enum DataFile {
    /// 256 MiB: the most bytes any data file may hold, raw or inflated.
    public static let maxInflatedBytes = 256 << 20

    /// The file's bytes (inflated if gzip), at most `limit.maxBytes` of them; with
    /// `limit.header`, a gzip stream is sized by its header before the body is inflated.
    public static func read(path: String, limit: Gzip.Limit = Gzip.Limit()) throws -> [UInt8] {
        try decode(readRaw(path: path, maxBytes: limit.maxBytes), name: path, limit: limit)
    }

    /// The bytes of a file already in memory, as `read` gives them; `name` is the file (errors).
    public static func decode(_ data: Data, name: String, limit: Gzip.Limit = Gzip.Limit()) throws -> [UInt8] {
        if data.isEmpty {
            throw DataFileError(.emptyFile, file: name, expected: "data", found: "an empty file (0 bytes)")
        }
        if Gzip.isGzip(data) { return try Gzip.decompressBytes(data, name: name, limit: limit) }
        if name.lowercased().hasSuffix(".gz") {
            throw DataFileError(.notGzip, file: name,
                                expected: "gzip data (magic bytes 1f 8b) since the name ends in .gz",
                                found: "\(Gzip.hexPrefix(data)) (not a gzip file)")
        }
        return [UInt8](data)
    }

    /// The file's bytes as stored, with an error naming the file when it cannot be read or is
    /// larger than `maxBytes` (checked before reading, so a huge file is never loaded).
    public static func readRaw(path: String, maxBytes: Int = maxInflatedBytes) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataFileError(.unreadable, file: path, expected: "a readable file", found: "no such file")
        }
        if isDirectory.boolValue {
            throw DataFileError(.unreadable, file: path, expected: "a file", found: "a directory")
        }
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber,
           size.int64Value > Int64(maxBytes) {
            throw DataFileError(.tooLarge, file: path, expected: "at most \(Gzip.describeBytes(maxBytes))",
                                found: "a file of \(size.int64Value) bytes (\(Gzip.describeBytes(Int(size.int64Value))))")
        }
        // readLimitedFile refuses FIFOs and devices before reading (a FIFO given as --data
        // would otherwise block for ever) and re-checks the size after reading.
        do {
            return try readLimitedFile(path, limit: maxBytes, what: "data file")
        } catch let error as InputFileError {
            throw DataFileError(.unreadable, file: path, expected: "a readable regular file",
                                found: error.problem)
        }
    }
}
