import Foundation

/// Reads a data file's bytes, inflating it when it is gzip.
///
/// gzip is recognised by its magic bytes (1f 8b), not by the name, so a compressed
/// file without `.gz` still loads. The name is still a claim worth checking: a file
/// called `*.gz` that is not gzip (a failed download, an HTML error page) is refused
/// with its own error rather than parsed as something else.
public enum DataFile {
    public static func read(path: String) throws -> [UInt8] {
        try decode(readRaw(path: path), name: path)
    }

    /// The bytes of a file already in memory, as `read` gives them; `name` is the file (errors).
    public static func decode(_ data: Data, name: String) throws -> [UInt8] {
        if data.isEmpty {
            throw DataFileError(.emptyFile, file: name, expected: "data", found: "an empty file (0 bytes)")
        }
        if Gzip.isGzip(data) { return try Gzip.decompressBytes(data, name: name) }
        if name.lowercased().hasSuffix(".gz") {
            throw DataFileError(.notGzip, file: name,
                                expected: "gzip data (magic bytes 1f 8b) since the name ends in .gz",
                                found: "\(Gzip.hexPrefix(data)) (not a gzip file)")
        }
        return [UInt8](data)
    }

    /// The file's bytes as stored, with an error naming the file when it cannot be read.
    public static func readRaw(path: String) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataFileError(.unreadable, file: path, expected: "a readable file", found: "no such file")
        }
        if isDirectory.boolValue {
            throw DataFileError(.unreadable, file: path, expected: "a file", found: "a directory")
        }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw DataFileError(.unreadable, file: path, expected: "a readable file",
                                found: "a read error (\(error.localizedDescription))")
        }
    }
}
