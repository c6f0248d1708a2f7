import Foundation
import InklingCore
import XCTest

/// The golden training values (weights/golden.json, "training"): the committed ones re-run
/// in Swift, and the checker can fail.
final class GoldenTrainingTests: XCTestCase {
    private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    private var modelPath: String { root.appendingPathComponent("weights/model.json").path }
    private var goldenPath: String { root.appendingPathComponent("weights/golden.json").path }

    private func check(_ section: GoldenTraining.Section?) throws -> (GoldenReport, [GoldenTraining.Difference]) {
        var report = GoldenReport.empty(count: 0)
        let diffs = try GoldenTraining.check(section, model: try ModelFile.load(path: modelPath), file: goldenPath, report: &report)
        return (report, diffs)
    }

    func testCommittedTrainingCasesPass() throws {
        let section = try XCTUnwrap(try GoldenFile.load(path: goldenPath).training, "no training section: run inkling golden")
        XCTAssertEqual(Set(section.cases.map(\.network)), ["model", "inkling"])
        XCTAssertTrue(section.cases.allSatisfy { $0.runs.map(\.optimizer.kind) == ["sgd", "adamw"] })
        let (report, diffs) = try check(section)
        print(GoldenTraining.describe(diffs))
        XCTAssertTrue(report.passed, report.description)
        XCTAssertGreaterThan(diffs.count, 100)
    }

    func testADriftedGradientFailsNamingTheTensor() throws {
        var section = try XCTUnwrap(try GoldenFile.load(path: goldenPath).training)
        var bytes = [UInt8](Data(base64Encoded: section.cases[1].gradients["bn2.gamma"]!.data)!)
        var v = Float(bitPattern: UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24)
        v += 0.01
        for k in 0..<4 { bytes[k] = UInt8(v.bitPattern >> (8 * UInt32(k)) & 255) }
        section.cases[1].gradients["bn2.gamma"]!.data = Data(bytes).base64EncodedString()
        let (report, _) = try check(section)
        XCTAssertFalse(report.passed)
        XCTAssertEqual(report.failures.map(\.field), ["gradient bn2.gamma"])
    }

    func testAMissingSectionOrChangedLossFails() throws {
        XCTAssertFalse(try check(nil).0.passed)
        var section = try XCTUnwrap(try GoldenFile.load(path: goldenPath).training)
        section.cases[0].runs[1].losses[2] *= 1.01
        let (report, _) = try check(section)
        XCTAssertEqual(report.failures.map(\.field), ["adamw[1] losses"])
    }

    func testEncodingRoundTrips() throws {
        let section = try XCTUnwrap(try GoldenFile.load(path: goldenPath).training)
        let text = GoldenTraining.encoded(section)
        let back = try JSONDecoder().decode(GoldenTraining.Section.self, from: Data(text.utf8))
        XCTAssertEqual(GoldenTraining.encoded(back), text)
    }
}
