import Foundation
import XCTest
import FuzzSupport
import InklingCore

/// Replays the committed seed corpus and every minimized crash reproducer
/// (fuzz/corpus/<target>/, fuzz/regressions/<target>/) through the fuzz harnesses, so a
/// loader that starts crashing on a known input fails `swift test`, not only the fuzzer.
final class CorpusReplayTests: XCTestCase {
    private let fuzz = Shipped.root.appendingPathComponent("fuzz")

    private func replay(_ target: String, _ harness: ([UInt8]) -> Void, minimumSeeds: Int) throws {
        var seeds = 0
        for kind in ["corpus", "regressions"] {
            let dir = fuzz.appendingPathComponent(kind).appendingPathComponent(target).path
            for path in inputFiles([dir]) where FileManager.default.fileExists(atPath: path) {
                harness(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))))
                if kind == "corpus" { seeds += 1 }
            }
        }
        XCTAssertGreaterThanOrEqual(seeds, minimumSeeds, "fuzz/corpus/\(target) should hold seeds")
    }

    func testIDX() throws { try replay("FuzzIDX", HarnessIDX.run, minimumSeeds: 4) }
    func testSample() throws { try replay("FuzzSample", HarnessSample.run, minimumSeeds: 3) }
    func testPNG() throws { try replay("FuzzPNG", HarnessPNG.run, minimumSeeds: 5) }
    func testModel() throws { try replay("FuzzModel", HarnessModel.run, minimumSeeds: 3) }
    func testModelStructured() throws { try replay("FuzzModelStructured", HarnessModelStructured.run, minimumSeeds: 3) }
    func testGolden() throws { try replay("FuzzGolden", HarnessGolden.run, minimumSeeds: 2) }
    func testTeach() throws { try replay("FuzzTeach", HarnessTeach.run, minimumSeeds: 3) }

    /// The generator's output for any bytes chains from 28x28x1 to 10 logits.
    func testGeneratorChainsShapes() {
        var rng = SplitMix(seed: 7)
        for _ in 0..<200 {
            var b = FuzzBytes((0..<64).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
            let g = ModelGenerator.make(&b)
            XCTAssertEqual(g.file.layers.first?.inputShape, [1, 28, 28])
            XCTAssertEqual(g.file.layers.last?.outputShape, [10])
            for (a, n) in zip(g.file.layers, g.file.layers.dropFirst()) { XCTAssertEqual(a.outputShape, n.inputShape) }
        }
    }

    /// DataFile.decode (the in-memory form of DataFile.read) inflates gzip and checks `.gz` names.
    func testDataFileDecode() throws {
        let bytes: [UInt8] = Array("0,1,2\n".utf8)
        XCTAssertEqual(try InklingCore.DataFile.decode(Data(GzipWriter.compress(bytes)), name: "x"), bytes)
        XCTAssertEqual(try InklingCore.DataFile.decode(Data(bytes), name: "x.csv"), bytes)
        XCTAssertThrowsError(try InklingCore.DataFile.decode(Data(bytes), name: "x.csv.gz"))
        XCTAssertThrowsError(try InklingCore.DataFile.decode(Data(), name: "x"))
    }
}

/// Loader bugs the fuzzers found, checked directly (their inputs are also in fuzz/regressions/).
final class FuzzFindingTests: XCTestCase {
    /// A golden case with preprocess false feeds its raw bytes to the model; one that is not
    /// 28x28 made `Golden.check` trap in Classifier's precondition. It is now an error.
    func testGoldenCheckRefusesUnpreprocessedCaseThatIsNot28x28() throws {
        let path = Shipped.root.appendingPathComponent("fuzz/regressions/FuzzGolden/unpreprocessed-case-2x2-crashed-check.json").path
        let file = try GoldenFile.decode(Data(contentsOf: URL(fileURLWithPath: path)), name: path)
        XCTAssertThrowsError(try Golden.check(file, path: path, classifier: Shipped.classifier, modelSHA256: Shipped.modelSHA256)) {
            XCTAssertTrue("\($0)".contains("expected a 28x28 raw image (preprocess is false), found 2x2"), "\($0)")
        }
    }

    /// Classifier.activations reported a [C, 1, 1] map as [C] (the engine's Shape prints it so).
    func testActivationsKeepTheFilesShapes() {
        var b = FuzzBytes([UInt8](repeating: 7, count: 12))  // fuzz/regressions/FuzzModelStructured/activation-shape-C11-reported-as-C
        let model = ModelGenerator.make(&b).file
        XCTAssertTrue(model.layers.contains { $0.outputShape.count == 3 && $0.outputShape[1] == 1 && $0.outputShape[2] == 1 })
        let acts = Classifier(model).activations(Shipped.probe)
        XCTAssertEqual(acts.map(\.shape), model.layers.map(\.outputShape))
    }
}

final class PNGChunkLengthTests: XCTestCase {
    /// A 202-byte PNG whose zTXt chunk declares 594 MB made libpng allocate and zero 600 MB
    /// (6 s, 600 MB RSS) before noticing the end of the file. Refused up front now.
    func testChunkLongerThanTheFileIsRefusedBeforeLibpng() throws {
        let path = Shipped.root.appendingPathComponent("fuzz/regressions/FuzzPNG/ztxt-declares-594MB-in-202-bytes.png").path
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let start = Date()
        XCTAssertThrowsError(try PNGDecoder.decode(data: data, name: "z.png")) { error in
            guard let e = error as? PNGError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.kind, .truncated)
            XCTAssertTrue(e.description.contains("expected 594743280 bytes of \"zTXt\""), e.description)
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 0.5)
    }
}
