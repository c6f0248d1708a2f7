import Foundation
import InklingSite
import XCTest

/// `inkling build --out` replaces a folder as a whole, so it must never take one that is not
/// a site Inkling built: trap paths (".", "..", "/", home ...) and foreign folders are
/// refused, and every file Inkling did not write survives. These tests use only
/// `SiteBuilder.build(to:)`, the API that existed before the checks.
final class SafeOutputTests: XCTestCase {
    /// A temporary working folder holding sentinel files, made the current folder for `body`.
    func inTempCwd(_ name: String, _ body: (URL) throws -> Void) throws {
        let dir = Fixture.tempDir(name).resolvingSymlinksInPath()
        let saved = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(dir.path))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(saved) }
        try body(dir)
    }

    func sentinel(_ dir: URL, _ name: String = "sentinel.txt") throws -> URL {
        let url = dir.appendingPathComponent(name)
        try Data("keep me \(name)".utf8).write(to: url)
        return url
    }

    func assertSurvives(_ url: URL, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(FileManager.default.contents(atPath: url.path), Data("keep me \(url.lastPathComponent)".utf8),
                       "\(url.path) did not survive", file: file, line: line)
    }

    func testTrapPathsAreRefusedAndTheirFilesSurvive() throws {
        let f = try Fixture.make()
        try inTempCwd("traps") { top in
            // cwd = top/work; a fake home = top/home (via $HOME), so nothing real is at risk.
            let work = top.appendingPathComponent("work"), home = top.appendingPathComponent("home")
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(work.path))
            let sentinels = [try sentinel(top, "top.txt"), try sentinel(work, "work.txt"), try sentinel(home, "home.txt")]
            try FileManager.default.createSymbolicLink(atPath: work.appendingPathComponent("to-home").path, withDestinationPath: home.path)
            try FileManager.default.createSymbolicLink(atPath: work.appendingPathComponent("to-here").path, withDestinationPath: ".")
            let savedHome = getenv("HOME").map { String(cString: $0) }
            setenv("HOME", home.path, 1)
            defer { if let savedHome { setenv("HOME", savedHome, 1) } else { unsetenv("HOME") } }

            let traps: [(String, String)] = [
                ("", "empty path"), (".", "the current folder"), ("./", "the current folder"), ("foo/..", "the current folder"),
                ("to-here", "the current folder"), ("..", "contains the current folder"), ("../..", "contains the current folder"),
                ("/", "the root folder"), (home.path, "your home folder"), (home.path + "/", "your home folder"),
                ("to-home", "your home folder"), ("to-home/.", "your home folder"), ("../home", "your home folder"),
            ]
            for (out, why) in traps {
                XCTAssertThrowsError(try f.builder().build(to: out), "--out \"\(out)\" was accepted") { error in
                    XCTAssertTrue("\(error)".contains(why), "--out \"\(out)\": \(error)")
                    XCTAssertTrue("\(error)".hasPrefix(out.isEmpty ? "\"\":" : "\(out):"), "the error must name the path: \(error)")
                }
                sentinels.forEach { assertSurvives($0) }
            }
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: work.path).sorted(), ["to-here", "to-home", "work.txt"])
        }
    }

    func testForeignFolderIsRefused() throws {
        let f = try Fixture.make()
        let dir = Fixture.tempDir("foreign")
        let folder = dir.appendingPathComponent("docs")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let notes = try sentinel(folder, "notes.txt")
        XCTAssertThrowsError(try f.builder().build(to: folder.path)) { error in
            XCTAssertEqual("\(error)", "\(folder.path): expected a folder built by inkling (it holds .inkling-site) or an empty one, " +
                           "found notes.txt, which inkling did not write; choose another --out, or empty or remove the folder yourself")
        }
        assertSurvives(notes)

        // An unmarked folder with only some of the files of an older site is not one either.
        try FileManager.default.removeItem(at: notes)
        let index = try sentinel(folder, "index.html")
        XCTAssertThrowsError(try f.builder().build(to: folder.path)) { error in
            XCTAssertTrue("\(error)".contains("found only index.html and no .inkling-site"), "\(error)")
        }
        assertSurvives(index)

        // Nor a file in a subfolder, nor a symlink under a listed name.
        try FileManager.default.removeItem(at: index)
        let nested = folder.appendingPathComponent("sub")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        let deep = try sentinel(nested, "deep.txt")
        XCTAssertThrowsError(try f.builder().build(to: folder.path)) { error in
            XCTAssertTrue("\(error)".contains("found sub, which inkling did not write"), "\(error)")
        }
        assertSurvives(deep)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["docs"], "no staging folder may be left")
    }

    func testMarkedSiteIsReplacedAndCarriesTheMarker() throws {
        let a = try Fixture.make(seed: 1), b = try Fixture.make(seed: 3)
        let out = Fixture.tempDir("marked").appendingPathComponent("site").path
        try a.builder().build(to: out)
        let marker = try XCTUnwrap(FileManager.default.contents(atPath: out + "/.inkling-site"), "a built site must carry .inkling-site")
        XCTAssertEqual(String(decoding: marker, as: UTF8.self),
                       "{\"files\":[\"check.html\",\"golden.js\",\"index.html\",\"model-card.html\",\"train-data.js\",\"train.html\"],\"format\":\"inkling-site\",\"version\":1}\n")
        let first = try SiteBuildTests.snapshot(out)
        try b.builder().build(to: out)
        let second = try SiteBuildTests.snapshot(out)
        XCTAssertEqual(Set(second.keys), Set(first.keys))
        XCTAssertNotEqual(second["index.html"], first["index.html"], "the site was not replaced")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: URL(fileURLWithPath: out).deletingLastPathComponent().path), ["site"])
    }

    func testUnmarkedSiteOfAnOlderInklingIsReplaced() throws {
        // What the repository's site/ was before the marker: exactly the four pages.
        let f = try Fixture.make()
        let out = Fixture.tempDir("legacy").appendingPathComponent("site")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        for name in ["check.html", "golden.js", "index.html", "model-card.html"] {
            try Data("old \(name)".utf8).write(to: out.appendingPathComponent(name))
        }
        try f.builder().build(to: out.path)
        let site = try SiteBuildTests.snapshot(out.path)
        XCTAssertNotNil(site[".inkling-site"], "the replaced site must carry the marker")
        XCTAssertEqual(site, try Self.fresh(f))
    }

    func testEmptyAndNewFoldersAreUsed() throws {
        let f = try Fixture.make()
        let dir = Fixture.tempDir("empty")
        let empty = dir.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        try f.builder().build(to: empty.path)
        try f.builder().build(to: dir.appendingPathComponent("new/deeper/site").path)
        XCTAssertEqual(try SiteBuildTests.snapshot(empty.path).keys.sorted(),
                       [".inkling-site", "check.html", "golden.js", "index.html", "model-card.html", "train-data.js", "train.html"])
        XCTAssertEqual(try SiteBuildTests.snapshot(empty.path), try Self.fresh(f))
        XCTAssertEqual(try SiteBuildTests.snapshot(dir.appendingPathComponent("new/deeper/site").path), try Self.fresh(f))
    }

    func testRebuildIsByteIdenticalMarkerIncluded() throws {
        let f = try Fixture.make()
        let out = Fixture.tempDir("same").appendingPathComponent("site").path
        try f.builder().build(to: out)
        let first = try SiteBuildTests.snapshot(out)
        XCTAssertNotNil(first[".inkling-site"])
        try f.builder().build(to: out)
        XCTAssertEqual(try SiteBuildTests.snapshot(out), first)
        XCTAssertEqual(first, try Self.fresh(f))
    }

    // MARK: - leftovers of an interrupted build

    func testLeftoversOfAnInterruptedBuildAreCleaned() throws {
        let f = try Fixture.make()
        let parent = Fixture.tempDir("leftovers")
        let out = parent.appendingPathComponent("site").path
        try f.builder().build(to: out)
        let fm = FileManager.default
        // The states a kill can leave: a staging folder with the marker and some files, an
        // empty one (killed right after mkdtemp), and an old copy between the two renames.
        try fm.copyItem(atPath: out, toPath: parent.appendingPathComponent(".site.old-Ab12Cd").path)
        try fm.createDirectory(at: parent.appendingPathComponent(".site.building-EmPty1"), withIntermediateDirectories: false)
        let half = parent.appendingPathComponent(".site.building-Half01")
        try fm.createDirectory(at: half, withIntermediateDirectories: false)
        try fm.copyItem(atPath: out + "/.inkling-site", toPath: half.appendingPathComponent(".inkling-site").path)
        try fm.copyItem(atPath: out + "/golden.js", toPath: half.appendingPathComponent("golden.js").path)
        // Look-alikes that are not Inkling's stay: a foreign file, another site's leftover.
        let foreign = parent.appendingPathComponent(".site.old-Foreign")
        try fm.createDirectory(at: foreign, withIntermediateDirectories: false)
        let keep = try sentinel(foreign, "mine.txt")
        let other = parent.appendingPathComponent(".other.old-Xy")
        try fm.createDirectory(at: other, withIntermediateDirectories: false)

        let report = try f.builder().build(to: out)
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: parent.path).sorted(), [".other.old-Xy", ".site.old-Foreign", "site"])
        assertSurvives(keep)
        XCTAssertEqual(try SiteBuildTests.snapshot(out), try Self.fresh(f))
        XCTAssertTrue(report.notes.contains { $0.contains(".site.old-Foreign") && $0.contains("mine.txt") }, "\(report.notes)")
        XCTAssertEqual(report.notes.filter { $0.hasPrefix("removed ") }.count, 3, "\(report.notes)")
    }

    func testOldCopyIsPutBackWhenTheSiteIsMissing() throws {
        // Killed between the two renames of the fallback swap: no site/, only .site.old-*.
        let f = try Fixture.make()
        let parent = Fixture.tempDir("recover")
        let out = parent.appendingPathComponent("site").path
        try f.builder().build(to: out)
        let before = try SiteBuildTests.snapshot(out)
        try FileManager.default.moveItem(atPath: out, toPath: parent.appendingPathComponent(".site.old-Kil1ed").path)

        // Even a build that then fails (bad model) puts the old site back first.
        let badModel = parent.appendingPathComponent("bad.json").path
        try Data("{}".utf8).write(to: URL(fileURLWithPath: badModel))
        XCTAssertThrowsError(try SiteBuilder(model: badModel, evaluation: f.evaluation, golden: f.golden, templates: f.templates).build(to: out))
        XCTAssertEqual(try SiteBuildTests.snapshot(out), before, "the old copy was not put back")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: parent.path).sorted(), ["bad.json", "site"])
    }

    func testLeftoverSymlinkIsNotFollowed() throws {
        let f = try Fixture.make()
        let parent = Fixture.tempDir("leftover-link")
        let elsewhere = Fixture.tempDir("elsewhere").appendingPathComponent("site").path
        try f.builder().build(to: elsewhere)
        let before = try SiteBuildTests.snapshot(elsewhere)
        let link = parent.appendingPathComponent(".site.old-Link01").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: elsewhere)
        try f.builder().build(to: parent.appendingPathComponent("site").path)
        XCTAssertEqual(try SiteBuildTests.snapshot(elsewhere), before)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), elsewhere)
    }

    // MARK: - the command line

    func testCommandLineRefusesTheCurrentFolder() throws {
        // The test bundle sits next to the inkling binary (.build/<config>/).
        let bin = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("inkling")
        guard FileManager.default.isExecutableFile(atPath: bin.path) else {
            return XCTFail("\(bin.path) is missing: build it first (swift build -c release)")
        }
        let f = try Fixture.make()
        let dir = Fixture.tempDir("cli")
        let files = [try sentinel(dir, "a.txt"), try sentinel(dir, "b.txt")]
        let process = Process()
        process.executableURL = bin
        process.currentDirectoryURL = dir
        process.arguments = ["build", "--model", f.model, "--evaluation", f.evaluation, "--golden", f.golden,
                             "--templates", f.templates, "--out", "."]
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = Pipe()
        try process.run()
        let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertNotEqual(process.terminationStatus, 0)
        XCTAssertTrue(message.hasPrefix("error: .: expected a folder that `inkling build` may replace as a whole, found the current folder"), message)
        files.forEach { assertSurvives($0) }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["a.txt", "b.txt"])
    }

    /// What a build of `f` into a new folder holds.
    static func fresh(_ f: Fixture) throws -> [String: Data] {
        let out = Fixture.tempDir("fresh").appendingPathComponent("site").path
        try f.builder().build(to: out)
        return try SiteBuildTests.snapshot(out)
    }
}
