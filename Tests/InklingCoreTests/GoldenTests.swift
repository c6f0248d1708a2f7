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
