import Foundation
import InklingCore
import XCTest

/// `inkling golden --check` on the committed weights/golden.json, and the checker itself.
final class GoldenTests: XCTestCase {
    private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    private var modelPath: String { root.appendingPathComponent("weights/model.json").path }
    private var goldenPath: String { root.appendingPathComponent("weights/golden.json").path }

    func testCommittedGoldenValuesPass() throws {
        let file = try GoldenFile.load(path: goldenPath)
        let report = try Golden.check(file, path: goldenPath, classifier: try Classifier.load(path: modelPath),
                                      modelSHA256: try FileDigest.sha256(path: modelPath))
        print(report)
        XCTAssertTrue(report.passed, report.description)
    }

    func testCommittedGoldenFileCoversEveryKindWithTheDocumentedTolerances() throws {
        let file = try GoldenFile.load(path: goldenPath)
        XCTAssertGreaterThanOrEqual(file.cases.count, 60)
        XCTAssertEqual(file.tolerances, GoldenFile.Tolerances(input: 1e-5, probabilities: 1e-5, logits: 1e-4))
        XCTAssertEqual(Set(file.cases.map(\.kind)), ["mnist", "mnist-preprocessed", "synthetic"])
        for name in ["single-dot", "blank-white", "very-wide-stroke", "very-tall-1", "touching-the-border-7", "thin-1px-line-3-on-320"] {
            XCTAssertNotNil(file.cases.first { $0.name == name }, name)
        }
        XCTAssertTrue(file.cases.first { $0.name == "single-dot" }!.blank)
        XCTAssertLessThan(try Data(contentsOf: URL(fileURLWithPath: goldenPath)).count, 4_000_000)
    }

    func testCheckNamesTheWorstCaseWhenAValueDrifted() throws {
        var file = try GoldenFile.load(path: goldenPath)
        let k = file.cases.firstIndex { $0.kind == "synthetic" && !$0.blank }!
        file.cases[k].logits[2] += 0.01
        file.cases[k].digit = (file.cases[k].digit + 1) % 10
        let report = try Golden.check(file, path: goldenPath, classifier: try Classifier.load(path: modelPath),
                                      modelSHA256: try FileDigest.sha256(path: modelPath))
        XCTAssertFalse(report.passed)
        XCTAssertEqual(report.worst?.caseName, file.cases[k].name)
        XCTAssertEqual(report.worst?.field, "logits")
        XCTAssertEqual(Set(report.failures.map(\.field)), ["logits", "digit"])
        XCTAssertTrue(report.description.contains(file.cases[k].name))
    }

    /// A file cannot loosen its own check: a drift beyond the code's tolerance fails even
    /// when the file claims a huge tolerance.
    func testCheckUsesTheCodesTolerancesNotTheFiles() throws {
        var file = try GoldenFile.load(path: goldenPath)
        file.tolerances = GoldenFile.Tolerances(input: 1, probabilities: 1, logits: 1)
        let k = file.cases.firstIndex { !$0.blank }!
        file.cases[k].logits[0] += 0.001
        let report = try Golden.check(file, path: goldenPath, classifier: try Classifier.load(path: modelPath),
                                      modelSHA256: try FileDigest.sha256(path: modelPath))
        XCTAssertFalse(report.passed)
        XCTAssertEqual(report.failures.map(\.field), ["logits"])
    }

    /// Zero cases prove nothing: refused when read, and failed by the checker itself.
    func testEmptyCaseListFails() throws {
        var file = try GoldenFile.load(path: goldenPath)
        file.cases = []
        XCTAssertThrowsError(try GoldenFile.decode(file.encoded(), name: "g.json")) {
            XCTAssertTrue("\($0)".contains("expected 1 to 10000 cases, found 0"), "\($0)")
        }
        let report = try Golden.check(file, path: "g.json", classifier: try Classifier.load(path: modelPath),
                                      modelSHA256: try FileDigest.sha256(path: modelPath))
        XCTAssertFalse(report.passed)
    }

    /// A declared raw size far beyond the data (which crashed `golden --check`) is refused
    /// by name, as are non-finite or out-of-range values.
    func testHugeRawSizesAndBadValuesAreRefused() throws {
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: goldenPath)), as: UTF8.self)
        let first = try XCTUnwrap(text.range(of: #""width": \d+, "height": \d+"#, options: .regularExpression))
        for (replacement, expected) in [(#""width": 4611686018427387904, "height": 4"#, "raw image must be 1 to 4096 pixels per side"),
                                        (#""width": 4096, "height": 4097"#, "raw image must be 1 to 4096 pixels per side"),
                                        (#""width": 0, "height": 0"#, "raw image must be 1 to 4096 pixels per side")] {
            let bad = text.replacingCharacters(in: first, with: replacement)
            XCTAssertThrowsError(try GoldenFile.decode(Data(bad.utf8), name: "g.json")) {
                XCTAssertTrue("\($0)".hasPrefix("g.json: ") && "\($0)".contains(expected), "\($0)")
            }
        }
        // A raw size that passes the limits but disagrees with the data: refused by image(of:).
        let bad = text.replacingCharacters(in: first, with: #""width": 4096, "height": 4096"#)
        let file = try GoldenFile.decode(Data(bad.utf8), name: "g.json")
        XCTAssertThrowsError(try GoldenFile.image(of: file.cases[0], file: "g.json")) {
            XCTAssertTrue("\($0)".contains("raw bytes"), "\($0)")
        }
        XCTAssertThrowsError(try Golden.check(file, path: "g.json", classifier: try Classifier.load(path: modelPath),
                                              modelSHA256: try FileDigest.sha256(path: modelPath)))
        let dup = text.replacingOccurrences(of: "\"version\": 1,", with: "\"version\": 1, \"version\": 1,")
        XCTAssertThrowsError(try GoldenFile.decode(Data(dup.utf8), name: "g.json")) {
            XCTAssertTrue("\($0)".contains("duplicate key"), "\($0)")
        }
    }

    func testCheckDetectsAStaleModel() throws {
        let file = try GoldenFile.load(path: goldenPath)
        let report = try Golden.check(file, path: goldenPath, classifier: try Classifier.load(path: modelPath), modelSHA256: "0" + String(repeating: "f", count: 63))
        XCTAssertFalse(report.passed)
        XCTAssertEqual(report.failures.first?.field, "model_sha256")
    }

    func testWritingIsDeterministicAndRoundTrips() throws {
        let classifier = try Classifier.load(path: modelPath)
        let inputs = Array(GoldenCases.synthetic().prefix(6))
        let a = Golden.make(inputs, classifier: classifier, model: "m", modelSHA256: "x", data: "none").encoded()
        let b = Golden.make(inputs, classifier: classifier, model: "m", modelSHA256: "x", data: "none").encoded()
        XCTAssertEqual(a, b)
        let tmp = NSTemporaryDirectory() + "golden-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        try a.write(to: URL(fileURLWithPath: tmp))
        let back = try GoldenFile.load(path: tmp)
        XCTAssertEqual(back.cases.count, 6)
        let report = try Golden.check(back, path: tmp, classifier: classifier, modelSHA256: "x")
        XCTAssertTrue(report.passed, report.description)
        XCTAssertLessThan(report.maxDifference["input"]!, 1e-7)
    }

    func testUnreadableOrForeignFilesAreRefusedByName() throws {
        let tmp = NSTemporaryDirectory() + "golden-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        XCTAssertThrowsError(try GoldenFile.load(path: tmp)) { XCTAssertTrue("\($0)".hasPrefix(tmp + ": cannot read")) }
        try Data(#"{"format":"inkling-model","version":1}"#.utf8).write(to: URL(fileURLWithPath: tmp))
        XCTAssertThrowsError(try GoldenFile.load(path: tmp)) { XCTAssertTrue("\($0)".hasPrefix(tmp + ": expected")) }
    }

    func testRasteriserIsDeterministic() {
        let a = GoldenCases.synthetic(), b = GoldenCases.synthetic()
        XCTAssertEqual(a.map(\.image), b.map(\.image))
    }
}
