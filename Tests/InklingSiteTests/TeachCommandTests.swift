import Foundation
import InklingCore
import XCTest

/// `inkling predict --teach FILE` and `inkling train --extra FILE` as a user runs them.
final class TeachCommandTests: XCTestCase {
    static let repo = repositoryRoot

    func inkling(_ arguments: [String], in dir: URL, file: StaticString = #filePath, line: UInt = #line) throws
        -> (status: Int32, stdout: String, stderr: String) {
        try runInkling(arguments, in: dir, file: file, line: line)
    }

    func digits(_ stdout: String) -> [Int?] {
        stdout.split(separator: "\n").map { line in
            let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return o?["digit"] as? Int
        }
    }

    func testPredictTeachReadsTaughtDrawingsAsTheirLabel() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("inkling-teach-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = Self.repo.appendingPathComponent("weights/model.json").path
        let teach = try XCTUnwrap(try GoldenFile.load(path: Self.repo.appendingPathComponent("weights/golden.json").path).teach)
        // The drawn styles (not MNIST digits, which preprocessing would move): taught and later variants.
        let probes = teach.probes.filter { !$0.name.hasPrefix("mnist") }
        var files: [String] = []
        for p in probes {
            try PNGEncoder.encodeGrey(width: 28, height: 28, pixels: [UInt8](Data(base64Encoded: p.input)!)).write(to: dir.appendingPathComponent(p.name + ".png"))
            files.append(p.name + ".png")
        }
        let examples = teach.examples.map { TeachExample(label: $0.label, bytes: [UInt8](Data(base64Encoded: $0.input)!)) }
        try TeachFile(modelSHA256: nil, examples: examples).encoded().write(to: dir.appendingPathComponent("mine.json"))
        let labels = probes.map { p in ["flagged-1": 1, "slashed-0": 0, "square-6": 6, "closed-4": 4, "narrow-0": 0].first { p.name.hasPrefix($0.key) }!.value }

        let plain = try inkling(["predict", "--json", "--model", model] + files, in: dir)
        XCTAssertEqual(plain.status, 0, plain.stderr)
        let taught = try inkling(["predict", "--json", "--model", model, "--teach", "mine.json"] + files, in: dir)
        XCTAssertEqual(taught.status, 0, taught.stderr)
        let before = zip(digits(plain.stdout), labels).filter { $0 == $1 }.count
        let after = zip(digits(taught.stdout), labels).filter { $0 == $1 }.count
        XCTAssertLessThanOrEqual(before, probes.count / 4, plain.stdout)
        for (k, p) in probes.enumerated() where p.name.hasSuffix("-taught") {
            XCTAssertEqual(digits(taught.stdout)[k], labels[k], "\(p.name) was taught")
        }
        XCTAssertGreaterThanOrEqual(after, probes.count - 2, taught.stdout)
        // --number reads each glyph with the same taught model, as the page's Number mode does.
        let taughtFiles = zip(probes, files).filter { $0.0.name.hasSuffix("-taught") }
        let number = try inkling(["predict", "--number", "--json", "--model", model, "--teach", "mine.json"] + taughtFiles.map(\.1), in: dir)
        XCTAssertEqual(number.status, 0, number.stderr)
        let texts = number.stdout.split(separator: "\n").map { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["text"] as? String
        }
        let wanted = taughtFiles.map { t in labels[probes.firstIndex { $0.name == t.0.name }!] }
        XCTAssertEqual(texts, wanted.map { String($0) }, number.stdout)

        // A bad teach file: one error naming it, exit 1, nothing predicted.
        try Data("{\"format\": \"inkling-teach\", \"version\": 1, \"model_sha256\": null, \"examples\": [{\"label\": 12, \"input\": \"\"}]}".utf8)
            .write(to: dir.appendingPathComponent("bad.json"))
        let bad = try inkling(["predict", "--model", model, "--teach", "bad.json"] + files, in: dir)
        XCTAssertEqual(bad.status, 1)
        XCTAssertEqual(bad.stdout, "")
        XCTAssertEqual(bad.stderr, "error: bad.json: example 0: label must be an integer 0-9, found the number 12\n")
        let trainBad = try inkling(["train", "--epochs", "1", "--extra", "bad.json", "--out", "m.json"], in: dir)
        XCTAssertEqual(trainBad.status, 1)
        XCTAssertTrue(trainBad.stderr.contains("error: bad.json: example 0: label must be an integer 0-9"), trainBad.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("m.json").path))
    }
}
