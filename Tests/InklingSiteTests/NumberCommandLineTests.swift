import Foundation
import InklingCore
import XCTest

/// `inkling predict --number` / `--sum` as a user runs it: a bad file is named in a clear
/// error with exit 1 while the others are still read; --json gives the reading, its doubt,
/// the glyphs and, for a sum, why and where it cannot be parsed.
final class NumberCommandLineTests: XCTestCase {
    static let repo = repositoryRoot

    func inkling(_ arguments: [String], in dir: URL, file: StaticString = #filePath, line: UInt = #line) throws
        -> (status: Int32, stdout: String, stderr: String) {
        try runInkling(arguments, in: dir, file: file, line: line)
    }

    /// "2026" written with a pen (the golden digit shapes), inked black on white at 200 px per unit.
    func penPNG(_ text: String) -> Data {
        let scale = 200.0
        let strokes = NumberComposer.handwrite(text, gap: 0.04).map { s in
            Drawing.Stroke(points: s.points.map { ($0.x * scale, $0.y * scale) }, width: 9)
        }
        let width = Int((strokes.flatMap(\.points).map(\.x).max() ?? 0) + 30)
        return PNGEncoder.encodeRGBA(Drawing(width: width, height: 200, background: { _, _ in .white }, ink: .black, strokes: strokes).render())
    }

    func testNumberModeReadsGoodFilesAndNamesTheBadOne() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("inkling-numbers-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try penPNG("2026").write(to: dir.appendingPathComponent("year.png"))
        try Data("not a png at all".utf8).write(to: dir.appendingPathComponent("bad.png"))
        let model = Self.repo.appendingPathComponent("weights/model.json").path

        let r = try inkling(["predict", "--number", "--json", "--model", model, "year.png", "bad.png", "missing.png"], in: dir)
        XCTAssertEqual(r.status, 1)
        let errors = r.stderr.split(separator: "\n").map(String.init)
        XCTAssertEqual(errors.count, 2, r.stderr)
        XCTAssertTrue(errors[0].hasPrefix("error: bad.png: ") && errors[0].contains("PNG"), errors[0])
        XCTAssertTrue(errors[1].hasPrefix("error: missing.png: "), errors[1])
        let lines = r.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, r.stdout)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        XCTAssertEqual(json["file"] as? String, "year.png")
        XCTAssertEqual(json["mode"] as? String, "number")
        XCTAssertEqual(json["text"] as? String, "2026")
        XCTAssertEqual((json["glyphs"] as? [[String: Any]])?.compactMap { $0["digit"] as? Int }, [2, 0, 2, 6])
        XCTAssertNotNil(json["unsure"] as? Bool)
        XCTAssertNotNil(json["alternatives"] as? [Any])

        let human = try inkling(["predict", "--number", "--model", model, "year.png"], in: dir)
        XCTAssertEqual(human.status, 0, human.stderr)
        XCTAssertTrue(human.stdout.hasPrefix("year.png: 2026 (") || human.stdout.hasPrefix("year.png: not sure: 2026 or "), human.stdout)
    }

    /// Sums in images: each operator's ink is read back as straight strokes (BlobStrokes, as
    /// the page reads an opened image) and the sum is worked out.
    func testSumModeReadsOperatorsInkedIntoTheImage() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("inkling-numbers-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let sums = [("12+7", "19"), ("9-3", "6"), ("6x4", "24"), ("8/2", "4")]
        for (n, (text, _)) in sums.enumerated() { try penPNG(text).write(to: dir.appendingPathComponent("sum\(n).png")) }
        let model = Self.repo.appendingPathComponent("weights/model.json").path
        let r = try inkling(["predict", "--sum", "--json", "--model", model] + sums.indices.map { "sum\($0).png" }, in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, sums.count, r.stdout)
        var right = 0
        for (line, (text, value)) in zip(lines, sums) {
            let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            if json["value"] as? String == value { right += 1 } else { print("sum \(text): read \(json["text"] ?? "nil"), \(json["error"] ?? "")") }
        }
        XCTAssertGreaterThanOrEqual(right, 3, "expected at least 3 of \(sums.count) inked sums worked out, found \(right): \(r.stdout)")
    }

    /// A sum without an operator is refused with the reason, and the exit status stays 0 (the
    /// file was read).
    func testSumModeSaysWhyASumCannotBeParsed() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("inkling-numbers-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try penPNG("47").write(to: dir.appendingPathComponent("47.png"))
        let model = Self.repo.appendingPathComponent("weights/model.json").path
        let r = try inkling(["predict", "--sum", "--json", "--model", model, "47.png"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["status"] as? String, "error")
        XCTAssertEqual(json["error"] as? String, "No operator between two numbers in 4 7: write + − × or ÷ between them")
        XCTAssertEqual(json["error_at"] as? Int, -1)
        XCTAssertTrue(json["value"] is NSNull)

        let both = try inkling(["predict", "--sum", "--number", "--model", model, "47.png"], in: dir)
        XCTAssertNotEqual(both.status, 0)
        XCTAssertTrue(both.stderr.contains("give --number or --sum, not both"), both.stderr)
    }
}
