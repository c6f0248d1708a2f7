import CZlib
import Foundation

/// gzip decompression through zlib, with a cap on the inflated size.
///
/// A gzip stream can inflate about a thousand times over (4 MB of zeros-deflate give 4 GB),
/// so the output is never trusted to be small: inflation stops with an error as soon as it
/// passes `limit.maxBytes`. A reader whose format states its own length (IDX: the header
/// gives the count and dimensions) passes `limit.header`: the first `headerBytes` are
/// inflated alone, the header is checked and sized, and the rest is inflated into a buffer of
/// exactly that size; a stream that inflates beyond it is refused without inflating further.
///
/// The gzip trailer stores the uncompressed size (mod 2^32); it is only a capacity hint.
/// Concatenated gzip members (what `cat a.gz b.gz` produces) are decoded one after another.
public enum Gzip {
    /// How much a stream may inflate to.
    public struct Limit {
        /// Hard cap on the inflated size, whatever the content says.
        public var maxBytes: Int
        /// Bytes to inflate before asking `header` for the exact size (0: no header check).
        public var headerBytes: Int
        /// Given the first `headerBytes` inflated bytes, the total size the content promises
        /// (header included). Throws when the header itself is bad.
        public var header: (([UInt8]) throws -> Int)?

        public init(maxBytes: Int = DataFile.maxInflatedBytes, headerBytes: Int = 0,
                    header: (([UInt8]) throws -> Int)? = nil) {
            self.maxBytes = maxBytes; self.headerBytes = headerBytes; self.header = header
        }
    }

    /// True when `data` starts with the gzip magic bytes 1f 8b.
    public static func isGzip(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b
    }

    /// Inflates the gzip stream `data`; `name` (the file) is used in errors.
    public static func decompress(_ data: Data, name: String, limit: Limit = Limit()) throws -> Data {
        Data(try decompressBytes(data, name: name, limit: limit))
    }

    /// Same as `decompress`, returning bytes (saves a copy for callers that want `[UInt8]`).
    public static func decompressBytes(_ data: Data, name: String, limit: Limit = Limit()) throws -> [UInt8] {
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
            return try inflateAll(input, name: name, limit: limit)
        }
    }

    // MARK: - internals

    private static func inflateAll(_ input: UnsafeBufferPointer<UInt8>, name: String, limit: Limit) throws -> [UInt8] {
        // ISIZE: last 4 bytes, little-endian. Trust it only as a hint, bounded by the cap
        // and by zlib's maximum ratio, so a hostile trailer cannot make us allocate up front.
        let n = input.count
        let isize = Int(input[n - 4]) | Int(input[n - 3]) << 8 | Int(input[n - 2]) << 16 | Int(input[n - 1]) << 24
        // `cap`: the most bytes we accept. The buffer never grows past cap + 1: one byte
        // more than allowed is enough to know the stream is too long.
        var cap = limit.maxBytes
        var promised: Int? = nil               // the header's exact size, once known
        let hint = min(isize + 1, n * 1032 + 1024)  // zlib inflates at most ~1032x
        var capacity = limit.header != nil ? limit.headerBytes : min(max(64 * 1024, hint), cap + 1)
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
            // Size the stream from its header as soon as the header is out.
            if promised == nil, let header = limit.header, produced >= limit.headerBytes {
                let size = try header(Array(output[0..<limit.headerBytes]))
                guard size <= limit.maxBytes else {
                    throw DataFileError(.tooLarge, file: name, expected: "at most \(describeBytes(limit.maxBytes)) of data",
                                        found: "a header promising \(size) bytes (\(describeBytes(size)))")
                }
                promised = size
                cap = size
                // One allocation of the promised size (+1 to detect overrun), unless the
                // compressed data is too short to ever fill it.
                capacity = max(capacity, min(cap + 1, max(64 * 1024, n * 1032 + 1024)))
                output.append(contentsOf: repeatElement(0, count: capacity - output.count))
            }
            if produced > cap { throw overrun(name: name, cap: cap, promised: promised) }
            if produced == capacity {
                capacity = min(capacity * 2, cap + 1)
                output.append(contentsOf: repeatElement(0, count: capacity - output.count))
            }
            // Until the header is known, inflate only the header.
            let window = (promised == nil && limit.header != nil) ? min(capacity, limit.headerBytes) : capacity
            let status: Int32 = output.withUnsafeMutableBufferPointer { out in
                stream.next_out = out.baseAddress! + produced
                stream.avail_out = uInt(window - produced)
                let s = inflate(&stream, Z_NO_FLUSH)
                produced = window - Int(stream.avail_out)
                return s
            }
            switch status {
            case Z_STREAM_END:
                let remaining = Int(stream.avail_in)
                if remaining == 0 {
                    if produced > cap { throw overrun(name: name, cap: cap, promised: promised) }
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
                // No progress possible: the output window is full (loop: grow, or read the
                // header) or input ran out.
                if produced == window { continue }
                throw DataFileError(.truncatedGzip, file: name, expected: "a complete gzip stream",
                                    found: "it cut off after \(n) compressed bytes (\(produced) bytes inflated)")
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                throw DataFileError(.corruptGzip, file: name, expected: "valid gzip data",
                                    found: "corrupt data (\(message)) after \(produced) bytes inflated")
            }
        }
    }

    /// The error for a stream that inflated past `cap`.
    private static func overrun(name: String, cap: Int, promised: Int?) -> DataFileError {
        if let promised {
            return DataFileError(.trailingBytes, file: name,
                                 expected: "\(promised) bytes once inflated (what its header promises)",
                                 found: "a gzip stream that inflates beyond that (stopped after \(cap + 1) bytes)")
        }
        return DataFileError(.tooLarge, file: name, expected: "at most \(describeBytes(cap)) once inflated",
                             found: "a gzip stream that inflates beyond that (stopped after \(cap + 1) bytes)")
    }

    /// "256 MiB", "1.5 GiB", "2368 bytes": sizes in messages.
    static func describeBytes(_ n: Int) -> String {
        if n < 1 << 20 { return "\(n) bytes" }
        let units = ["MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(n) / Double(1 << 20), unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return value == value.rounded() ? "\(Int(value)) \(units[unit])" : String(format: "%.1f %@", value, units[unit])
    }

    /// The first bytes of `data` in hex, for "found ..." messages.
    static func hexPrefix(_ data: Data, count: Int = 4) -> String {
        data.prefix(count).map { String(format: "%02x", $0) }.joined(separator: " ")
    }
}
