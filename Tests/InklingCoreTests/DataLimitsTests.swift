import CZlib
import Foundation
import InklingCore
import XCTest

/// Resource limits on data files: gzip bombs, hostile headers, oversized files and CSVs are
/// refused with an error naming the file, before they can exhaust memory.
final class DataLimitsTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws { dir = try DataFixture.makeTempDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    private func path(_ name: String) -> String { (dir as NSString).appendingPathComponent(name) }

    private func assertFails(_ kind: DataFileError.Kind, _ fragments: [String],
                             file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) {
        do {
            try body()
            XCTFail("expected a \(kind) error, got success", file: file, line: line)
        } catch let error as DataFileError {
            XCTAssertEqual(error.kind, kind, "\(error)", file: file, line: line)
            for fragment in fragments {
                XCTAssertTrue(error.description.contains(fragment),
                              "message \"\(error)\" should contain \"\(fragment)\"", file: file, line: line)
            }
        } catch {
            XCTFail("expected DataFileError, got \(error)", file: file, line: line)
        }
    }

    /// Peak resident memory of this process so far, in bytes (Linux: VmHWM).
    private func peakRSS() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
        return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
    }

    // MARK: gzip bombs

    /// 3 images promised, 1 GiB inflated: refused after the promised bytes, never inflated.
    func testIDXGzipBombIsRefusedAtWhatTheHeaderPromises() throws {
        let header = DataFixture.idxImages(count: 3, pixels: DataFixture.pixels(count: 3))
        try DataFixture.write(DataFixture.gzip(header, thenZeroMiB: 1024), to: path("train-images-idx3-ubyte.gz"))
        let before = peakRSS()
        assertFails(.trailingBytes, ["train-images-idx3-ubyte.gz", "expected 2368 bytes once inflated (what its header promises)",
                                     "inflates beyond that (stopped after 2369 bytes)"]) {
            _ = try IDXReader.readImages(path: self.path("train-images-idx3-ubyte.gz"))
        }
        // Without the cap the 1 GiB would be inflated (and kept) before the length check.
        XCTAssertLessThan(peakRSS() - before, 64 << 20, "inflating the bomb grew the process by \(peakRSS() - before) bytes")
    }

    /// A stream with no header to size it still stops at the global cap (here on the CSV path).
    func testGzipBombWithoutHeaderStopsAtTheGlobalCap() throws {
        XCTAssertEqual(DataFile.maxInflatedBytes, 256 << 20)
        try DataFixture.write(DataFixture.gzip([], thenZeroMiB: 264), to: path("mnist_5k.csv.gz"))
        assertFails(.tooLarge, ["mnist_5k.csv.gz", "expected at most 256 MiB once inflated",
                                "stopped after \((256 << 20) + 1) bytes"]) {
            _ = try MNISTSample.load(csvGz: self.path("mnist_5k.csv.gz"))
        }
        // The cap is a parameter of the inflater: the same stream under a 1 MiB cap.
        let small = Data(DataFixture.gzip([], thenZeroMiB: 3))
        assertFails(.tooLarge, ["small.gz", "expected at most 1 MiB once inflated", "stopped after 1048577 bytes"]) {
            _ = try Gzip.decompress(small, name: "small.gz", limit: Gzip.Limit(maxBytes: 1 << 20))
        }
        XCTAssertEqual(try Gzip.decompress(small, name: "small.gz", limit: Gzip.Limit(maxBytes: 3 << 20)).count, 3 << 20)
    }

    /// Concatenated members are counted together against the header's promise.
    func testConcatenatedMembersCannotExceedThePromise() throws {
        let labels = DataFixture.idxLabels([1, 2, 3])
        try DataFixture.write(DataFixture.gzip(labels) + DataFixture.gzip([4, 5]), to: path("labels.gz"))
        assertFails(.trailingBytes, ["labels.gz", "expected 11 bytes once inflated"]) {
            _ = try IDXReader.readLabels(path: self.path("labels.gz"))
        }
        // Split exactly at the promise: accepted.
        try DataFixture.write(DataFixture.gzip(Array(labels.prefix(9))) + DataFixture.gzip(Array(labels.dropFirst(9))),
                              to: path("split.gz"))
        XCTAssertEqual(try IDXReader.readLabels(path: path("split.gz")), [1, 2, 3])
    }

    // MARK: hostile headers

    func testHeaderPromising2To31ImagesIsRefusedBeforeInflating() throws {
        let header = [0, 0, 8, 3] + DataFixture.bigEndian(1 << 31) + DataFixture.bigEndian(28) + DataFixture.bigEndian(28)
        for name in ["huge-images.gz", "huge-images"] {
            let bytes = header + [UInt8](repeating: 0, count: 1000)
            try DataFixture.write(name.hasSuffix(".gz") ? DataFixture.gzip(bytes) : bytes, to: path(name))
            assertFails(.tooLarge, [name, "expected at most 256 MiB of data",
                                    "found a header promising 2147483648 28x28 images (1.5 TiB)"]) {
                _ = try IDXReader.readImages(path: self.path(name))
            }
        }
        let labels = [0, 0, 8, 1] + DataFixture.bigEndian(Int(UInt32.max)) + [1, 2]
        try DataFixture.write(DataFixture.gzip(labels), to: path("huge-labels.gz"))
        assertFails(.tooLarge, ["huge-labels.gz", "found a header promising 4294967295 labels (4.0 GiB)"]) {
            _ = try IDXReader.readLabels(path: self.path("huge-labels.gz"))
        }
    }

    func testImplausibleAndNonMNISTDimensions() throws {
        for (rows, cols) in [(0, 28), (28, 5000), (100_000, 100_000)] {
            let bytes = [0, 0, 8, 3] + DataFixture.bigEndian(1) + DataFixture.bigEndian(rows) + DataFixture.bigEndian(cols)
            try DataFixture.write(DataFixture.gzip(bytes), to: path("dims.gz"))
            assertFails(.badDimensions, ["dims.gz", "expected image dimensions 1...4096", "found \(rows)x\(cols)"]) {
                _ = try IDXReader.readImages(path: self.path("dims.gz"))
            }
        }
        try DataFixture.write(DataFixture.idxImages(count: 1, rows: 20, cols: 20, pixels: [UInt8](repeating: 0, count: 400)),
                              to: path("small-images"))
        assertFails(.badDimensions, ["small-images", "expected 28x28 images (rows x cols); MNIST images are 28x28", "found 20x20"]) {
            _ = try IDXReader.readImages(path: self.path("small-images"))
        }
    }

    /// A raw file over the cap is refused from its size alone (a sparse file: nothing is read).
    func testRawFileOverTheCapIsRefusedUnread() throws {
        _ = FileManager.default.createFile(atPath: path("big-images"), contents: Data(DataFixture.idxImages(count: 1, pixels: DataFixture.pixels(count: 1))))
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path("big-images")))
        try handle.truncate(atOffset: UInt64((256 << 20) + 1))
        try handle.close()
        let before = peakRSS()
        assertFails(.tooLarge, ["big-images", "expected at most 256 MiB", "found a file of 268435457 bytes"]) {
            _ = try IDXReader.readImages(path: self.path("big-images"))
        }
        XCTAssertLessThan(peakRSS() - before, 64 << 20)
    }

    func testFIFOAndDeviceAreRefusedWithoutBlocking() throws {
        // A FIFO given as a data file used to block the reader for ever.
        XCTAssertEqual(mkfifo(path("train-images-idx3-ubyte"), 0o600), 0)
        for file in [path("train-images-idx3-ubyte"), "/dev/zero"] {
            assertFails(.unreadable, [file, "regular file"]) { _ = try IDXReader.readImages(path: file) }
        }
    }

    // MARK: CSV limits

    private func row(_ label: Int) -> String {
        ((0..<784).map { String($0 % 256) } + [String(label)]).joined(separator: ",")
    }

    func testCSVRowCountAndLineLengthAreCapped() throws {
        XCTAssertEqual(MNISTSample.maxRows, 70_000)
        let csv = [UInt8]((0..<4).map { row($0) }.joined(separator: "\n").utf8)
        XCTAssertEqual(try MNISTSample.parse(csv, name: "ok.csv", maxRows: 4).count, 4)
        assertFails(.tooLarge, ["rows.csv", "expected at most 3 rows (digits)", "line 4"]) {
            _ = try MNISTSample.parse(csv, name: "rows.csv", maxRows: 3)
        }
        // One endless line (no newline in 100 kB): refused at the line cap, not scanned to the end.
        let long = [UInt8](repeating: UInt8(ascii: "1"), count: 100_000)
        assertFails(.tooLarge, ["long.csv", "line 1: at most 65536 bytes", "a longer line"]) {
            _ = try MNISTSample.parse(long, name: "long.csv")
        }
        // The longest valid line (every pixel 255) fits.
        let widest = ([String](repeating: "255", count: 784) + ["9"]).joined(separator: ",")
        XCTAssertLessThanOrEqual(widest.utf8.count, MNISTSample.maxLineBytes)
        XCTAssertEqual(try MNISTSample.parse([UInt8](widest.utf8), name: "wide.csv").labels, [9])
    }
}

extension DataFixture {
    /// gzip of `prefix` followed by `mebibytes` MiB of zero bytes, built in constant time and
    /// memory: one MiB of zeros is deflated after a full flush (which resets the compressor's
    /// history, so the block is self-contained) and that block is repeated; the trailer's
    /// CRC-32 and size are then set for the whole content. A valid stream, about 1 kB per MiB.
    static func gzip(_ prefix: [UInt8], thenZeroMiB mebibytes: Int) -> [UInt8] {
        var stream = z_stream()
        precondition(deflateInit2_(&stream, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY,
                                   ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        defer { deflateEnd(&stream) }
        func feed(_ input: [UInt8], _ flush: Int32) -> [UInt8] {
            var input = input, result = [UInt8]()
            var out = [UInt8](repeating: 0, count: 1 << 16)
            input.withUnsafeMutableBufferPointer { inp in
                stream.next_in = inp.baseAddress
                stream.avail_in = uInt(inp.count)
                repeat {
                    out.withUnsafeMutableBufferPointer { o in
                        stream.next_out = o.baseAddress
                        stream.avail_out = uInt(o.count)
                        _ = deflate(&stream, flush)
                        result.append(contentsOf: o[0..<(o.count - Int(stream.avail_out))])
                    }
                } while stream.avail_out == 0
            }
            return result
        }
        let mib = [UInt8](repeating: 0, count: 1 << 20)
        let head = feed(prefix, Z_FULL_FLUSH)
        let block = feed(mib, Z_FULL_FLUSH)
        var result = head
        for _ in 0..<mebibytes { result += block }
        result += feed([], Z_FINISH).dropLast(8)   // the final (empty) block; trailer below
        var crc = prefix.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        let crcMiB = mib.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        for _ in 0..<mebibytes { crc = crc32_combine(crc, crcMiB, 1 << 20) }
        let size = UInt32(truncatingIfNeeded: prefix.count + mebibytes << 20)
        for v in [UInt32(crc), size] { for shift: UInt32 in [0, 8, 16, 24] { result.append(UInt8((v >> shift) & 0xff)) } }
        return result
    }
}
