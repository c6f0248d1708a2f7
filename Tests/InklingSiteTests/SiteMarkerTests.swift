import Foundation
import InklingSite
import XCTest

/// The `.inkling-site` marker and the fallback swap (two renames) used where the file
/// system refuses renameat2(RENAME_EXCHANGE).
final class SiteMarkerTests: XCTestCase {
    func testCommittedSiteCarriesTheMarkerOfAFreshBuild() throws {
        let repo = Fixture.repo
        let builder = SiteBuilder(model: repo.appendingPathComponent("weights/model.json").path,
                                  evaluation: repo.appendingPathComponent("weights/evaluation.json").path,
                                  golden: repo.appendingPathComponent("weights/golden.json").path,
                                  templates: repo.appendingPathComponent("templates").path)
        let marker = try XCTUnwrap(FileManager.default.contents(atPath: repo.appendingPathComponent("site/.inkling-site").path),
                                   "site/.inkling-site is missing: run `inkling build` and commit site/")
        XCTAssertEqual(marker, SiteMarker(files: try builder.render().keys).encoded())
    }

    func testMarkerRoundTripsAndRefusesPathsOutsideItsFolder() throws {
        let marker = SiteMarker(files: ["index.html", "assets/a.js", "check.html"])
        XCTAssertEqual(marker.files, ["assets/a.js", "check.html", "index.html"])
        XCTAssertEqual(try SiteMarker.decode(marker.encoded(), file: "m"), marker)
        for bad in ["../victim", "/etc/passwd", "a/../../b", "", ".inkling-site", "a//b", "./a"] {
            let data = Data("{\"format\":\"inkling-site\",\"version\":1,\"files\":[\(Fixture.jsonString(bad))]}".utf8)
            XCTAssertThrowsError(try SiteMarker.decode(data, file: "m"), "\"\(bad)\" was accepted") { error in
                XCTAssertEqual("\(error)", "m: expected plain relative file names in \"files\", found \"\(bad)\"")
            }
        }
        XCTAssertThrowsError(try SiteMarker.decode(Data("{\"format\":\"inkling-site\",\"version\":2,\"files\":[]}".utf8), file: "m")) {
            XCTAssertTrue("\($0)".hasSuffix("found version 2"), "\($0)")
        }
    }

    func testMarkerListingAFileOutsideTheFolderIsRefused() throws {
        // A forged marker must not turn a build into a deletion elsewhere.
        let f = try Fixture.make()
        let dir = Fixture.tempDir("forged")
        let victim = dir.appendingPathComponent("victim.txt")
        try Data("keep".utf8).write(to: victim)
        let site = dir.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        try Data("{\"format\":\"inkling-site\",\"version\":1,\"files\":[\"../victim.txt\"]}".utf8)
            .write(to: site.appendingPathComponent(".inkling-site"))
        XCTAssertThrowsError(try f.builder().build(to: site.path)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(site.path)/.inkling-site: expected plain relative file names"), "\(error)")
        }
        XCTAssertEqual(FileManager.default.contents(atPath: victim.path), Data("keep".utf8))
    }

    func testFallbackSwapReplacesTheSiteAndLeavesNothingBehind() throws {
        let a = try Fixture.make(seed: 1), b = try Fixture.make(seed: 5)
        let parent = Fixture.tempDir("fallback")
        let out = parent.appendingPathComponent("site").path
        try a.builder().build(to: out, swap: .twoRenames)
        try b.builder().build(to: out, swap: .twoRenames)
        let viaRenames = try SiteBuildTests.snapshot(out)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: parent.path), ["site"])
        let other = Fixture.tempDir("exchange").appendingPathComponent("site").path
        try a.builder().build(to: other)
        try b.builder().build(to: other)
        XCTAssertEqual(try SiteBuildTests.snapshot(other), viaRenames)
    }
}
