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

    /// The largest image side accepted from any IDX header, before comparing with what the
    /// caller expects: a guard against hostile headers, not a format limit.
    public static let maxSide = 4096

    /// Reads an IDX image file; `rows`/`cols` are the dimensions the caller expects.
    /// A gzip file is sized by its header first: it is never inflated beyond what the header
    /// promises, nor beyond `DataFile.maxInflatedBytes`.
    public static func readImages(path: String, rows: Int = mnistSide, cols: Int = mnistSide) throws -> IDXImages {
        let limit = Gzip.Limit(headerBytes: imagesHeaderSize) { header in
            try imagesHeader(header, name: path, rows: rows, cols: cols).totalBytes
        }
        return try parseImages(DataFile.read(path: path, limit: limit), name: path, rows: rows, cols: cols)
    }

    /// Reads an IDX label file; every label must be below `classes`.
    public static func readLabels(path: String, classes: Int = mnistClasses) throws -> [UInt8] {
        let limit = Gzip.Limit(headerBytes: labelsHeaderSize) { header in
            try labelsHeader(header, name: path).totalBytes
        }
        return try parseLabels(DataFile.read(path: path, limit: limit), name: path, classes: classes)
    }

    /// Parses the (already inflated) bytes of an IDX image file.
    public static func parseImages(_ bytes: [UInt8], name: String,
                                   rows: Int = mnistSide, cols: Int = mnistSide) throws -> IDXImages {
        let header = try imagesHeader(bytes, name: name, rows: rows, cols: cols)
        try checkLength(bytes.count, name: name, header: header, item: "\(rows)x\(cols) image")
        return IDXImages(count: header.count, rows: rows, cols: cols, pixels: Array(bytes[imagesHeaderSize...]))
    }

    /// Parses the (already inflated) bytes of an IDX label file.
    public static func parseLabels(_ bytes: [UInt8], name: String, classes: Int = mnistClasses) throws -> [UInt8] {
        let header = try labelsHeader(bytes, name: name)
        try checkLength(bytes.count, name: name, header: header, item: "label")
        let labels = Array(bytes[labelsHeaderSize...])
        if let bad = labels.firstIndex(where: { Int($0) >= classes }) {
            throw DataFileError(.labelOutOfRange, file: name, expected: "labels 0...\(classes - 1)",
                                found: "\(labels[bad]) at index \(bad)")
        }
        return labels
    }

    // MARK: - headers

    public static let imagesHeaderSize = 16
    public static let labelsHeaderSize = 8

    /// What a header promises: `count` items of `itemSize` bytes after `headerSize` bytes.
    public struct Header: Sendable, Equatable {
        public let headerSize: Int
        public let count: Int
        public let itemSize: Int
        /// headerSize + count * itemSize, computed with overflow checks.
        public let totalBytes: Int
    }

    /// Checks an image header (magic, dimensions) and sizes the file it describes. Only the
    /// first 16 bytes are read, so this works on a header alone (gzip sizing).
    public static func imagesHeader(_ bytes: [UInt8], name: String, rows: Int = mnistSide,
                                    cols: Int = mnistSide) throws -> Header {
        try checkHeader(bytes, name: name, magic: imagesMagic, headerSize: imagesHeaderSize, what: "image")
        let count = Int(bigEndianU32(bytes, 4))
        let fileRows = Int(bigEndianU32(bytes, 8))
        let fileCols = Int(bigEndianU32(bytes, 12))
        guard (1...maxSide).contains(fileRows) && (1...maxSide).contains(fileCols) else {
            throw DataFileError(.badDimensions, file: name,
                                expected: "image dimensions 1...\(maxSide) (and \(rows)x\(cols) here)",
                                found: "\(fileRows)x\(fileCols)")
        }
        guard fileRows == rows && fileCols == cols else {
            let why = rows == mnistSide && cols == mnistSide ? "; MNIST images are 28x28" : ""
            throw DataFileError(.badDimensions, file: name, expected: "\(rows)x\(cols) images (rows x cols)\(why)",
                                found: "\(fileRows)x\(fileCols)")
        }
        return try sized(name: name, headerSize: imagesHeaderSize, count: count, itemSize: rows * cols,
                         item: "\(rows)x\(cols) images")
    }

    /// Checks a label header (magic) and sizes the file it describes.
    public static func labelsHeader(_ bytes: [UInt8], name: String) throws -> Header {
        try checkHeader(bytes, name: name, magic: labelsMagic, headerSize: labelsHeaderSize, what: "label")
        return try sized(name: name, headerSize: labelsHeaderSize, count: Int(bigEndianU32(bytes, 4)), itemSize: 1,
                         item: "labels")
    }

    /// headerSize + count * itemSize, refused when it overflows or passes the data-file cap.
    private static func sized(name: String, headerSize: Int, count: Int, itemSize: Int, item: String) throws -> Header {
        let (body, overflow1) = count.multipliedReportingOverflow(by: itemSize)
        let (total, overflow2) = headerSize.addingReportingOverflow(body)
        guard !overflow1 && !overflow2 && total <= DataFile.maxInflatedBytes else {
            throw DataFileError(.tooLarge, file: name,
                                expected: "at most \(Gzip.describeBytes(DataFile.maxInflatedBytes)) of data",
                                found: "a header promising \(count) \(item)"
                                    + (overflow1 || overflow2 ? " (a size that overflows)" : " (\(Gzip.describeBytes(total)))"))
        }
        return Header(headerSize: headerSize, count: count, itemSize: itemSize, totalBytes: total)
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

    private static func checkLength(_ length: Int, name: String, header h: Header, item: String) throws {
        let expected = h.totalBytes
        guard length == expected else {
            let body = "\(h.headerSize)-byte header + \(h.count) x \(h.itemSize) bytes"
            let problem = length < expected
                ? "truncated: \(length - h.headerSize) bytes hold only \((length - h.headerSize) / h.itemSize) complete \(item)s"
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
