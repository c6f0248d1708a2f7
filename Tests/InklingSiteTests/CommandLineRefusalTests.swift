import Foundation
import XCTest

/// The `inkling` binary itself on bad input: a clear `error: <file>: <problem>`, exit 1, no
/// signal, and no JSON with NaN or infinity. (The loaders' own tests cover each problem in
/// detail; these check that every command reports them the same way.)
final class CommandLineRefusalTests: XCTestCase {
    static let repo = repositoryRoot

    func inkling(_ arguments: [String], in dir: URL, file: StaticString = #filePath, line: UInt = #line) throws
        -> (status: Int32, stdout: String, stderr: String) {
        try runInkling(arguments, in: dir, file: file, line: line)
    }

    func idx(_ magic: UInt32, _ dims: [UInt32], _ body: [UInt8] = []) -> Data {
        var d = Data()
        for v in [magic] + dims { withUnsafeBytes(of: v.bigEndian) { d.append(contentsOf: $0) } }
        return d + Data(body)
    }

    func testEveryCommandRefusesBadModelsByName() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("inkling-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = Self.repo.appendingPathComponent("weights/model.json").path
        var text = try String(contentsOfFile: model, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"padding\" : 2,", with: "\"padding\" : 2147483648,")
        XCTAssertTrue(text.contains("2147483648"))
        try Data(text.utf8).write(to: dir.appendingPathComponent("pad.json"))
        try (Data([0xEF, 0xBB, 0xBF]) + Data(contentsOf: URL(fileURLWithPath: model))).write(to: dir.appendingPathComponent("bom.json"))
        let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + Data(count: 64)
        try png.write(to: dir.appendingPathComponent("x.png"))
        for (file, problem) in [("pad.json", "layer 0 (conv1, conv2d): padding"), ("bom.json", "byte-order mark")] {
            for arguments in [["info", "--model", file], ["predict", "--json", "--model", file, "x.png"],
                              ["golden", "--check", "--model", file], ["evaluate", "--model", file, "--data", dir.path]] {
                let r = try inkling(arguments, in: dir)
                XCTAssertEqual(r.status, 1, "\(arguments)")
                XCTAssertTrue(r.stderr.hasPrefix("error: \(file): ") && r.stderr.contains(problem), "\(arguments): \(r.stderr)")
                XCTAssertFalse(r.stdout.contains("nan") || r.stdout.contains("inf"), "\(arguments): \(r.stdout)")
            }
        }
    }

    /// A test set with no images gives no accuracy (it used to print 0.00% (0/0) with exit 0).
    func testEvaluateRefusesAnEmptyTestSet() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("inkling-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try idx(0x803, [0, 28, 28]).write(to: dir.appendingPathComponent("t10k-images-idx3-ubyte"))
        try idx(0x801, [0]).write(to: dir.appendingPathComponent("t10k-labels-idx1-ubyte"))
        try idx(0x803, [1, 28, 28], [UInt8](repeating: 0, count: 784)).write(to: dir.appendingPathComponent("train-images-idx3-ubyte"))
        try idx(0x801, [1], [3]).write(to: dir.appendingPathComponent("train-labels-idx1-ubyte"))
        let model = Self.repo.appendingPathComponent("weights/model.json").path
        let r = try inkling(["evaluate", "--model", model, "--data", dir.path, "--json"], in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.hasPrefix("error: ") && r.stderr.contains("t10k-images-idx3-ubyte: the test set has no images"), r.stderr)
        XCTAssertEqual(r.stdout, "")
    }
}
