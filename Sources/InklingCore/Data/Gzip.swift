import CZlib
import Foundation

/// gzip decompression through zlib.
///
/// The whole stream is inflated into one growing buffer. The gzip trailer stores the
/// uncompressed size (mod 2^32), which is used as the first capacity guess so that a
/// 47 MB MNIST file is inflated without repeated reallocation. Concatenated gzip
/// members (what `cat a.gz b.gz` produces) are decoded one after another.
public enum Gzip {
    /// True when `data` starts with the gzip magic bytes 1f 8b.
    public static func isGzip(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b
    }

    /// Inflates the gzip stream `data`; `name` (the file) is used in errors.
    public static func decompress(_ data: Data, name: String) throws -> Data {
        Data(try decompressBytes(data, name: name))
    }

    /// Same as `decompress`, returning bytes (saves a copy for callers that want `[UInt8]`).
    public static func decompressBytes(_ data: Data, name: String) throws -> [UInt8] {
        guard !data.isEmpty else {
            throw DataFileError(.emptyFile, file: name, expected: "gzip data", found: "an empty file (0 bytes)")
        }
        guard isGzip(data) else {
            throw DataFileError(.notGzip, file: name, expected: "gzip data (magic bytes 1f 8b)",
                                found: "\(hexPrefix(data)) (not a gzip file)")
        }
        guard data.count >= 18 else {  // 10-byte header + 8-byte trailer is the minimum
            throw DataFileError(.truncatedGzip, file: name, expected: "a complete gzip stream (at least 18 bytes)",
                                found: "\(data.count) bytes")
        }
        return try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> [UInt8] in
            let input = raw.bindMemory(to: UInt8.self)
            return try inflateAll(input, name: name)
        }
    }

    // MARK: - internals

    private static func inflateAll(_ input: UnsafeBufferPointer<UInt8>, name: String) throws -> [UInt8] {
        // ISIZE: last 4 bytes, little-endian. Trust it only as a hint, bounded so a
        // hostile trailer cannot make us allocate gigabytes up front.
        let n = input.count
        let isize = Int(input[n - 4]) | Int(input[n - 3]) << 8 | Int(input[n - 2]) << 16 | Int(input[n - 1]) << 24
        var capacity = max(64 * 1024, min(isize + 1, n * 1032 + 1024))
        var output = [UInt8](repeating: 0, count: capacity)
        var produced = 0

        var stream = z_stream()
        // 15 + 16: gzip wrapper only (the caller has already checked the magic).
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataFileError(.corruptGzip, file: name, expected: "zlib to initialise", found: "inflateInit2 failing")
        }
        defer { inflateEnd(&stream) }

        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress!)
        stream.avail_in = uInt(n)
        while true {
            if produced == capacity {
                capacity *= 2
                output.append(contentsOf: repeatElement(0, count: capacity - output.count))
            }
            let status: Int32 = output.withUnsafeMutableBufferPointer { out in
                stream.next_out = out.baseAddress! + produced
                stream.avail_out = uInt(capacity - produced)
                let s = inflate(&stream, Z_NO_FLUSH)
                produced = capacity - Int(stream.avail_out)
                return s
            }
            switch status {
            case Z_STREAM_END:
                let remaining = Int(stream.avail_in)
                if remaining == 0 {
                    output.removeSubrange(produced...)
                    return output
                }
                // Another gzip member may follow; anything else is garbage.
                let offset = n - remaining
                if remaining >= 2 && input[offset] == 0x1f && input[offset + 1] == 0x8b {
                    inflateReset(&stream)
                    continue
                }
                throw DataFileError(.corruptGzip, file: name, expected: "the file to end with the gzip stream",
                                    found: "\(remaining) trailing bytes after it")
            case Z_OK:
                continue
            case Z_BUF_ERROR:
                // No progress possible: output space is exhausted (grow) or input ran out.
                if produced == capacity { continue }
                throw DataFileError(.truncatedGzip, file: name, expected: "a complete gzip stream",
                                    found: "it cut off after \(n) compressed bytes (\(produced) bytes inflated)")
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                throw DataFileError(.corruptGzip, file: name, expected: "valid gzip data",
                                    found: "corrupt data (\(message)) after \(produced) bytes inflated")
            }
        }
    }

    /// The first bytes of `data` in hex, for "found ..." messages.
    static func hexPrefix(_ data: Data, count: Int = 4) -> String {
        data.prefix(count).map { String(format: "%02x", $0) }.joined(separator: " ")
    }
}
