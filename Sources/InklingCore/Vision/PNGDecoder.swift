import CPNG
import CZlib
import Foundation

/// Reads any PNG into 8-bit RGBA through libpng's simplified API.
///
/// Accepted: every colour type (grey, grey+alpha, RGB, RGBA, palette), bit depths 1 to 16,
/// tRNS transparency, Adam7 interlacing. Output: `RGBAImage`, `width * height * 4` bytes,
/// row-major, alpha straight (not premultiplied).
///
/// Sample values: low bit depths are scaled to 0...255 (a 1-bit 1 is 255, a 2-bit 1 is 85);
/// 16-bit samples are rounded to `v / 257` (65535 -> 255, 32768 -> 128). Without a gAMA,
/// sRGB or iCCP chunk every file is taken as sRGB, whatever its depth: libpng would
/// otherwise assume 16-bit files are *linear* and brighten them (32768 -> 188). A file that
/// does declare its gamma is converted to sRGB, as a browser displays it.
///
/// Why the simplified API: the classic API reports errors by `longjmp`, which Swift cannot
/// catch; the simplified one catches them inside libpng and returns a message.
///
/// Limits are checked from the IHDR chunk before any pixel is decoded (see the constants).
/// Interlaced 16-bit files go through `PNGDeinterlace` first, to avoid a libpng bug.
public enum PNGDecoder {
    /// Widest or tallest image accepted, in pixels.
    public static let maxSide = 10_000
    /// Most pixels accepted (`width * height`): 16 M pixels are 64 MB of RGBA.
    public static let maxPixels = 16_000_000
    /// Largest file accepted, in bytes (64 MiB).
    public static let maxFileBytes = 64 << 20

    /// The 8 bytes every PNG starts with.
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Reads and decodes the file at `path`; errors name `path`.
    public static func decode(path: String) throws -> RGBAImage {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PNGError(file: path, kind: .unreadable, problem: "cannot read file: no such file")
        }
        if isDirectory.boolValue {
            throw PNGError(file: path, kind: .unreadable, problem: "cannot read file: it is a directory")
        }
        // Refuse a huge file before reading it into memory.
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber,
           size.intValue > maxFileBytes {
            throw tooBigFile(path, size.intValue)
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? error.localizedDescription
            throw PNGError(file: path, kind: .unreadable, problem: "cannot read file: \(reason)")
        }
        return try decode(data: data, name: path)
    }

    /// Decodes PNG bytes; `name` is the file name used in errors.
    public static func decode(data: Data, name: String) throws -> RGBAImage {
        if data.count > maxFileBytes { throw tooBigFile(name, data.count) }
        let header = try readHeader(data, name: name)
        try checkLimits(width: header.width, height: header.height, name: name)
        try checkChunkLengths(data, name: name)
        // libpng mis-decodes interlaced 16-bit files to 8 bits: hand it a de-interlaced copy.
        let input = PNGDeinterlace.needed(data) ? try PNGDeinterlace.rewrite(data, name: name) : data
        return try decodePixels(input, name: name)
    }

    /// Width and height from the IHDR chunk, after checking the signature and IHDR's CRC.
    /// The CRC is checked here so that a damaged width is reported as corruption, not as a
    /// size over the limit.
    static func readHeader(_ data: Data, name: String) throws -> (width: Int, height: Int) {
        let bytes = [UInt8](data.prefix(33))  // signature 8 + length 4 + "IHDR" 4 + 13 + CRC 4
        let prefix = Array(bytes.prefix(8))
        if prefix != Array(signature.prefix(prefix.count)) || bytes.isEmpty {
            let found = bytes.isEmpty ? "an empty file" : prefix.map { String(format: "%02X", $0) }.joined(separator: " ")
            throw PNGError(file: name, kind: .notPNG,
                           problem: "not a PNG file: expected the signature 89 50 4E 47 0D 0A 1A 0A, found \(found)")
        }
        if bytes.count < 33 {
            throw PNGError(file: name, kind: .truncated,
                           problem: "truncated PNG: expected at least 33 bytes (signature and IHDR), found \(bytes.count)")
        }
        func u32(_ at: Int) -> UInt32 {
            UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
        }
        let length = u32(8)
        let type = String(decoding: bytes[12..<16], as: UTF8.self)
        guard type == "IHDR", length == 13 else {
            throw PNGError(file: name, kind: .corrupt,
                           problem: "corrupt PNG: expected a 13-byte IHDR chunk first, found \(type.debugDescription) of \(length) bytes")
        }
        let stored = u32(29)
        let computed = bytes[12..<29].withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, UInt32($0.count))) }
        guard stored == computed else {
            throw PNGError(file: name, kind: .corrupt,
                           problem: String(format: "corrupt PNG: IHDR CRC mismatch: expected %08X, found %08X", computed, stored))
        }
        return (Int(u32(16)), Int(u32(20)))
    }

    /// Every chunk must fit in the file. libpng allocates and zeroes a chunk's buffer from its
    /// declared length before reading it, so a 200-byte file declaring a 600 MB text chunk cost
    /// 600 MB and seconds (found by FuzzPNG). Chunks after IEND are not looked at.
    static func checkChunkLengths(_ data: Data, name: String) throws {
        try data.withUnsafeBytes { (b: UnsafeRawBufferPointer) in
            var at = 8
            while at + 8 <= b.count {
                let length = Int(b[at]) << 24 | Int(b[at + 1]) << 16 | Int(b[at + 2]) << 8 | Int(b[at + 3])
                let type = String(decoding: b[(at + 4)..<(at + 8)], as: UTF8.self)
                if length > b.count - at - 12 {
                    throw PNGError(file: name, kind: .truncated,
                                   problem: "truncated PNG: expected \(length) bytes of \(type.debugDescription) at offset \(at), found \(max(0, b.count - at - 12))")
                }
                if type == "IEND" { return }
                at += 12 + length
            }
        }
    }

    static func checkLimits(width: Int, height: Int, name: String) throws {
        if width == 0 || height == 0 {
            throw PNGError(file: name, kind: .corrupt,
                           problem: "corrupt PNG: expected a non-zero width and height, found \(width)x\(height)")
        }
        if width > maxSide || height > maxSide {
            throw PNGError(file: name, kind: .tooLarge,
                           problem: "image too large: expected width and height at most \(maxSide) px, found \(width)x\(height)")
        }
        if width * height > maxPixels {
            throw PNGError(file: name, kind: .tooLarge,
                           problem: "image too large: expected at most \(maxPixels) pixels, found \(width)x\(height) = \(width * height)")
        }
    }

    static func tooBigFile(_ name: String, _ size: Int) -> PNGError {
        PNGError(file: name, kind: .tooLarge,
                 problem: "file too large: expected at most \(maxFileBytes) bytes (64 MiB), found \(size) bytes")
    }

    /// The libpng part: header, then pixels into an RGBA8 buffer. libpng reads from `data`
    /// lazily, so both calls happen while its bytes are pinned.
    static func decodePixels(_ data: Data, name: String) throws -> RGBAImage {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }

        return try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> RGBAImage in
            guard png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count) != 0 else {
                throw libpngError(image, name: name, size: raw.count)
            }
            let width = Int(image.width), height = Int(image.height)
            try checkLimits(width: width, height: height, name: name)  // libpng's view of IHDR

            image.format = UInt32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)  // PNG_FORMAT_RGBA
            // No gAMA/sRGB chunk: treat 16-bit samples as sRGB like 8-bit ones (see above).
            image.flags |= UInt32(PNG_IMAGE_FLAG_16BIT_sRGB)
            var pixels = [UInt8](repeating: 0, count: width * height * 4)
            let ok = pixels.withUnsafeMutableBytes { buffer in
                png_image_finish_read(&image, nil, buffer.baseAddress, png_int_32(width * 4), nil)
            }
            guard ok != 0 else { throw libpngError(image, name: name, size: raw.count) }
            return RGBAImage(width: width, height: height, pixels: pixels)
        }
    }

    /// Sorts libpng's message into a kind: running out of bytes is truncation, anything else
    /// (CRC, zlib stream, invalid chunk) is corruption.
    static func libpngError(_ image: png_image, name: String, size: Int) -> PNGError {
        var copy = image.message
        let message = withUnsafeBytes(of: &copy) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        let lower = message.lowercased()
        if lower.contains("beyond end of data") || lower.contains("not enough image data")
            || lower.contains("unexpected end") || lower.contains("truncated") {
            return PNGError(file: name, kind: .truncated,
                            problem: "truncated PNG: expected more data, found the end of the file after \(size) bytes (libpng: \(message))")
        }
        if lower.contains("crc") {
            return PNGError(file: name, kind: .corrupt,
                            problem: "corrupt PNG: CRC mismatch (libpng: \(message))")
        }
        return PNGError(file: name, kind: .corrupt, problem: "corrupt PNG: libpng: \(message.isEmpty ? "unknown error" : message)")
    }
}
