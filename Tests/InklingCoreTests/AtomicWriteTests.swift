import Foundation
import InklingCore
import XCTest

/// `writeAtomically` (train --out, evaluate --save, golden): the old file or the new one,
/// never half; a planted file or symlink cannot redirect the write; errors name the file.
final class AtomicWriteTests: XCTestCase {
    func tempDir(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("inkling-write-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func testPlantedSymlinksAtTheTemporaryNameAndTheTargetAreNotWrittenThrough() throws {
        let dir = try tempDir("planted")
        let victim = dir.appendingPathComponent("victim.txt"), other = dir.appendingPathComponent("other.txt")
        try Data("victim".utf8).write(to: victim)
        try Data("other".utf8).write(to: other)
        let target = dir.appendingPathComponent("evaluation.json")
        // The temporary name the old code used was predictable: .<name>.<pid>.tmp.
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent(".evaluation.json.\(getpid()).tmp").path,
                                                   withDestinationPath: victim.path)
        try writeAtomically(Data("new".utf8), to: target.path)
        XCTAssertEqual(FileManager.default.contents(atPath: victim.path), Data("victim".utf8), "the write followed a planted symlink")
        XCTAssertEqual(FileManager.default.contents(atPath: target.path), Data("new".utf8))

        // A symlink AT the target is replaced by the file, never written through.
        let linked = dir.appendingPathComponent("model.json")
        try FileManager.default.createSymbolicLink(atPath: linked.path, withDestinationPath: other.path)
        try writeAtomically(Data("model".utf8), to: linked.path)
        XCTAssertEqual(FileManager.default.contents(atPath: other.path), Data("other".utf8))
        let type = try FileManager.default.attributesOfItem(atPath: linked.path)[.type] as? FileAttributeType
        XCTAssertEqual(type, .typeRegular)
        XCTAssertEqual(FileManager.default.contents(atPath: linked.path), Data("model".utf8))
        // Nothing else appeared (no temporary file left).
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(),
                       [".evaluation.json.\(getpid()).tmp", "evaluation.json", "model.json", "other.txt", "victim.txt"])
    }

    func testReplacedFileKeepsItsPermissions() throws {
        let dir = try tempDir("mode")
        let path = dir.appendingPathComponent("golden.json").path
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(chmod(path, 0o600), 0)
        try writeAtomically(Data("new".utf8), to: path)
        let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        XCTAssertEqual(mode, 0o600)
        let fresh = dir.appendingPathComponent("fresh.json").path
        try writeAtomically(Data("x".utf8), to: fresh)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: fresh)[.posixPermissions] as? Int, 0o644)
    }

    func testFailedWriteLeavesNoTemporaryFileAndNamesTheFile() throws {
        let dir = try tempDir("fail")
        // A folder where the file should go: the rename fails after the data was written.
        let target = dir.appendingPathComponent("model.json")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        let inside = try sentinelIn(target)
        XCTAssertThrowsError(try writeAtomically(Data("new".utf8), to: target.path)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(target.path): cannot replace the file"), "\(error)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["model.json"])
        XCTAssertEqual(FileManager.default.contents(atPath: inside.path), Data("keep".utf8))

        // A folder that cannot be created (a file is in the way): the old file is untouched.
        let blocker = dir.appendingPathComponent("blocker")
        try Data("keep".utf8).write(to: blocker)
        let below = blocker.appendingPathComponent("x.json").path
        XCTAssertThrowsError(try writeAtomically(Data("new".utf8), to: below)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(below): cannot create its folder"), "\(error)")
        }
        XCTAssertEqual(FileManager.default.contents(atPath: blocker.path), Data("keep".utf8))
        XCTAssertThrowsError(try writeAtomically(Data(), to: "")) { error in
            XCTAssertEqual("\(error)", "\"\": expected a file name, found an empty path")
        }
    }

    func testCreateNewFileRefusesAnExistingEntry() throws {
        let dir = try tempDir("create")
        let victim = dir.appendingPathComponent("victim.txt")
        try Data("victim".utf8).write(to: victim)
        let link = dir.appendingPathComponent("index.html")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: victim.path)
        XCTAssertThrowsError(try createNewFile(Data("x".utf8), at: link.path)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(link.path): cannot create the file (File exists)"), "\(error)")
        }
        XCTAssertEqual(FileManager.default.contents(atPath: victim.path), Data("victim".utf8))
        XCTAssertThrowsError(try createNewFile(Data("x".utf8), at: victim.path))
        XCTAssertEqual(FileManager.default.contents(atPath: victim.path), Data("victim".utf8))
    }

    func sentinelIn(_ dir: URL) throws -> URL {
        let url = dir.appendingPathComponent("inside.txt")
        try Data("keep".utf8).write(to: url)
        return url
    }
}
