import Foundation

/// Images read from an IDX file: `pixels` is `count * rows * cols` bytes, image-major,
/// then row-major, exactly as stored.
public struct IDXImages: Sendable {
    public let count: Int
    public let rows: Int
    public let cols: Int
    public let pixels: [UInt8]
}

/// Reader for the IDX files MNIST ships in (raw or gzip).
///
/// IDX layout (big-endian):
///
///     images: magic 0x00000803 | count u32 | rows u32 | cols u32 | count*rows*cols u8
///     labels: magic 0x00000801 | count u32 |                        count u8
///
/// Every field is validated and the file length must be exactly what the header
/// promises: a truncated download and a file with trailing junk are both refused.
public enum IDXReader {
    public static let imagesMagic: UInt32 = 0x0000_0803
    public static let labelsMagic: UInt32 = 0x0000_0801
    /// MNIST's image side. Callers that read another IDX data set pass their own.
    public static let mnistSide = 28
    /// Labels must lie in 0..<classes (MNIST: the ten digits).
    public static let mnistClasses = 10

    /// Reads an IDX image file; `rows`/`cols` are the dimensions the caller expects.
    public static func readImages(path: String, rows: Int = mnistSide, cols: Int = mnistSide) throws -> IDXImages {
        try parseImages(DataFile.read(path: path), name: path, rows: rows, cols: cols)
    }

    /// Reads an IDX label file; every label must be below `classes`.
    public static func readLabels(path: String, classes: Int = mnistClasses) throws -> [UInt8] {
        try parseLabels(DataFile.read(path: path), name: path, classes: classes)
    }

    /// Parses the (already inflated) bytes of an IDX image file.
    public static func parseImages(_ bytes: [UInt8], name: String,
                                   rows: Int = mnistSide, cols: Int = mnistSide) throws -> IDXImages {
        let headerSize = 16
        try checkHeader(bytes, name: name, magic: imagesMagic, headerSize: headerSize, what: "image")
        let count = Int(bigEndianU32(bytes, 4))
        let fileRows = Int(bigEndianU32(bytes, 8))
        let fileCols = Int(bigEndianU32(bytes, 12))
        guard fileRows == rows && fileCols == cols else {
            throw DataFileError(.badDimensions, file: name, expected: "\(rows)x\(cols) images (rows x cols)",
                                found: "\(fileRows)x\(fileCols)")
        }
        let pixelsPerImage = rows * cols
        try checkLength(bytes.count, name: name, headerSize: headerSize, count: count, itemSize: pixelsPerImage,
                        item: "\(rows)x\(cols) image")
        return IDXImages(count: count, rows: rows, cols: cols, pixels: Array(bytes[headerSize...]))
    }

    /// Parses the (already inflated) bytes of an IDX label file.
    public static func parseLabels(_ bytes: [UInt8], name: String, classes: Int = mnistClasses) throws -> [UInt8] {
        let headerSize = 8
        try checkHeader(bytes, name: name, magic: labelsMagic, headerSize: headerSize, what: "label")
        let count = Int(bigEndianU32(bytes, 4))
        try checkLength(bytes.count, name: name, headerSize: headerSize, count: count, itemSize: 1, item: "label")
        let labels = Array(bytes[headerSize...])
        if let bad = labels.firstIndex(where: { Int($0) >= classes }) {
            throw DataFileError(.labelOutOfRange, file: name, expected: "labels 0...\(classes - 1)",
                                found: "\(labels[bad]) at index \(bad)")
        }
        return labels
    }

    // MARK: - validation helpers

    private static func checkHeader(_ bytes: [UInt8], name: String, magic: UInt32, headerSize: Int,
                                    what: String) throws {
        guard !bytes.isEmpty else {
            throw DataFileError(.emptyFile, file: name, expected: "an IDX \(what) file",
                                found: "an empty file (0 bytes)")
        }
        if bytes.count >= 4 {
            let found = bigEndianU32(bytes, 0)
            guard found == magic else {
                throw DataFileError(.badMagic, file: name, expected: "IDX \(what) magic \(hex(magic))",
                                    found: "\(hex(found))\(describeMagic(found))")
            }
        }
        guard bytes.count >= headerSize else {
            throw DataFileError(.truncated, file: name, expected: "a \(headerSize)-byte IDX \(what) header",
                                found: "\(bytes.count) bytes (truncated)")
        }
    }

    private static func checkLength(_ length: Int, name: String, headerSize: Int, count: Int, itemSize: Int,
                                    item: String) throws {
        let expected = headerSize + count * itemSize
        guard length == expected else {
            let body = "\(headerSize)-byte header + \(count) x \(itemSize) bytes"
            let problem = length < expected
                ? "truncated: \(length - headerSize) bytes hold only \((length - headerSize) / itemSize) complete \(item)s"
                : "\(length - expected) trailing bytes"
            throw DataFileError(length < expected ? .truncated : .trailingBytes, file: name,
                                expected: "\(expected) bytes (\(body))", found: "\(length) bytes (\(problem))")
        }
    }

    private static func bigEndianU32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }

    private static func hex(_ v: UInt32) -> String { String(format: "0x%08x", v) }

    /// A hint when the magic belongs to the other IDX kind (images and labels swapped).
    private static func describeMagic(_ v: UInt32) -> String {
        switch v {
        case imagesMagic: return " (an image file)"
        case labelsMagic: return " (a label file)"
        default: return ""
        }
    }
}
