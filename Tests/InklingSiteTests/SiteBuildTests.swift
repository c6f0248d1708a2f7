import Foundation
import InklingCore
import InklingSite
import XCTest

/// `inkling build`: deterministic, atomic, self-contained, and its errors name the file.
final class SiteBuildTests: XCTestCase {
    func testBuildIsByteIdenticalTwice() throws {
        let f = try Fixture.make()
        let a = Fixture.tempDir("a").appendingPathComponent("site").path
        let b = Fixture.tempDir("b").appendingPathComponent("site").path
        try f.builder().build(to: a)
        try f.builder().build(to: b)
        let names = try FileManager.default.contentsOfDirectory(atPath: a).sorted()
        XCTAssertEqual(names, [".inkling-site", "check.html", "golden.js", "index.html", "model-card.html", "train-data.js", "train.html"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: b).sorted(), names)
        for name in names {
            let x = try Data(contentsOf: URL(fileURLWithPath: "\(a)/\(name)"))
            let y = try Data(contentsOf: URL(fileURLWithPath: "\(b)/\(name)"))
            XCTAssertEqual(x, y, "\(name) differs between two builds of the same inputs")
        }
    }

    func testBuildIsFastAndReportsSizes() throws {
        let f = try Fixture.make()
        let out = Fixture.tempDir("fast").appendingPathComponent("site").path
        let start = Date()
        let report = try f.builder().build(to: out)
        let seconds = Date().timeIntervalSince(start)
        XCTAssertLessThan(seconds, 1.0, "inkling build took \(seconds) s, expected under 1 s")
        let index = try XCTUnwrap(report.files.first { $0.name == "index.html" })
        let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(out)/index.html"))
        XCTAssertEqual(index.bytes, bytes.count)
        XCTAssertGreaterThan(index.gzipBytes, 0)
        XCTAssertLessThan(index.gzipBytes, index.bytes)
        XCTAssertTrue(report.summary.contains("index.html"), report.summary)
    }

    func testIndexIsOneSelfContainedFile() throws {
        let f = try Fixture.make()
        let html = try Self.page(f, "index.html")
        // No external resource: no src= at all, href only to the sibling pages and data:.
        XCTAssertFalse(html.contains(" src=\""), "index.html loads an external file")
        for href in Self.matches(#"href="([^"]*)""#, in: html) {
            XCTAssertTrue(["model-card.html", "check.html", "train.html", "data:,"].contains(href), "unexpected href \(href)")
        }
        XCTAssertFalse(html.contains("type=\"module\""), "ES modules do not load from file://")
        XCTAssertFalse(html.contains("fetch("), "the page must not fetch (file:// forbids it)")
        XCTAssertFalse(html.contains("INKLING_GOLDEN ="), "index.html must not load the golden values")
        // The model file's exact text is inlined as a JSON string in the data block the app
        // reads (so the page can check the golden file's model_sha256 over the same bytes).
        let json = try XCTUnwrap(Self.matches(#"<script type="application/json" id="model">([\s\S]*?)</script>"#, in: html).first)
        let text = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed) as? String)
        XCTAssertEqual(Data(text.utf8), f.modelBytes, "the data block must hold the model file's exact text")
        for hook in ["id=\"pad\"", "id=\"clear\"", "id=\"undo\"", "id=\"mode-digit\"", "id=\"mode-number\"", "id=\"mode-calc\"",
                     "id=\"prediction\"", "id=\"status\"", "id=\"bars\"", "id=\"input-preview\"", "id=\"number\"",
                     "id=\"number-digits\"", "id=\"calc\"", "id=\"file-input\"", "id=\"inside\"", "id=\"app\""] {
            XCTAssertTrue(html.contains(hook), "index.html lacks the page-contract hook \(hook)")
        }
    }

    func testGoldenScriptWrapsTheGoldenFile() throws {
        let f = try Fixture.make(text: "</script><!--")
        let js = try Self.page(f, "golden.js")
        XCTAssertTrue(js.hasPrefix("window.INKLING_GOLDEN = {"))
        XCTAssertFalse(js.contains("</script"), "golden.js must escape < so it can never end a script element")
        let body = js.dropFirst("window.INKLING_GOLDEN = ".count).dropLast(2)  // ";\n"
        let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        XCTAssertEqual(object?["data"] as? String, "</script><!--", "the escaped JSON must mean the same")
        let check = try Self.page(f, "check.html")
        XCTAssertTrue(check.contains("<script src=\"golden.js\"></script>"))
        XCTAssertTrue(check.contains("id=\"golden-result\""))
    }

    func testTrainPageLoadsItsDigitsBesideIt() throws {
        let f = try Fixture.make()
        let pages = try f.builder().render()
        let html = String(decoding: try XCTUnwrap(pages["train.html"]), as: UTF8.self)
        // One side file, the digits (a classic script: file:// pages cannot fetch); the
        // rest is inline, and the page is no part of what index.html loads.
        XCTAssertEqual(Self.matches(#" src="([^"]*)""#, in: html), ["train-data.js"])
        XCTAssertFalse(html.contains("fetch("), "the page must not fetch (file:// forbids it)")
        for hook in ["id=\"accuracy\" data-accuracy=", "id=\"speed\"", "id=\"pause\"", "id=\"lr\"", "id=\"download\"",
                     "id=\"accuracy-chart\"", "id=\"loss-chart\"", "id=\"filters\"", "id=\"test-digits\"", "id=\"pad\"", "CC BY-SA 3.0"] {
            XCTAssertTrue(html.contains(hook), "train.html lacks \(hook)")
        }
        let asset = try Data(contentsOf: URL(fileURLWithPath: f.templates + "/assets/train-data.js"))
        XCTAssertEqual(pages["train-data.js"], asset, "train-data.js must be the committed asset, byte for byte")
        let index = String(decoding: try XCTUnwrap(pages["index.html"]), as: UTF8.self)
        XCTAssertFalse(index.contains("INKLING_TRAIN_DATA"), "index.html must not carry the training digits")
    }

    func testTrainDataThatIsNotTheGeneratorsIsRefused() throws {
        let f = try Fixture.make()
        let copy = Fixture.tempDir("train-data").appendingPathComponent("t")
        try FileManager.default.copyItem(atPath: f.templates, toPath: copy.path)
        let data = copy.appendingPathComponent("assets/train-data.js")
        try Data("window.SOMETHING = 1;\n".utf8).write(to: data)
        XCTAssertThrowsError(try f.builder(templates: copy.path).render()) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(data.path): expected a script written by scripts/make-train-data.js"), "\(error)")
        }
        try FileManager.default.removeItem(at: data)
        XCTAssertThrowsError(try f.builder(templates: copy.path).render()) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(data.path): expected the training digits"), "\(error)")
        }
    }

    // MARK: - atomicity and errors

    func testFailedBuildLeavesTheOldSiteIntact() throws {
        let f = try Fixture.make()
        let parent = Fixture.tempDir("atomic")
        let out = parent.appendingPathComponent("site").path
        try f.builder().build(to: out)
        let before = try Self.snapshot(out)

        // A template with an unclosed section: the render fails before anything is written.
        let broken = Fixture.tempDir("broken-templates")
        try FileManager.default.copyItem(atPath: f.templates, toPath: broken.appendingPathComponent("t").path)
        let index = broken.appendingPathComponent("t/index.mustache")
        try (String(contentsOf: index, encoding: .utf8) + "{{#unclosed}}").write(to: index, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try f.builder(templates: broken.appendingPathComponent("t").path).build(to: out)) { error in
            XCTAssertTrue("\(error)".contains("index.mustache"), "expected the error to name index.mustache, found \(error)")
        }
        XCTAssertEqual(try Self.snapshot(out), before, "a failed build changed the old site")

        // A bad model: same.
        let badModel = parent.appendingPathComponent("bad.json").path
        try Data("{\"format\": \"inkling-model\", \"version\": 2}".utf8).write(to: URL(fileURLWithPath: badModel))
        XCTAssertThrowsError(try SiteBuilder(model: badModel, evaluation: f.evaluation, golden: f.golden, templates: f.templates).build(to: out))
        XCTAssertEqual(try Self.snapshot(out), before)
        // No staging folders are left next to the site.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: parent.path).sorted(), ["bad.json", "site"])
    }

    func testRebuildRefusesToDeleteAFileItDidNotWrite() throws {
        let f = try Fixture.make()
        let out = Fixture.tempDir("replace").appendingPathComponent("site").path
        try f.builder().build(to: out)
        try Data("old".utf8).write(to: URL(fileURLWithPath: "\(out)/stale.html"))
        XCTAssertThrowsError(try f.builder().build(to: out)) { error in
            XCTAssertTrue("\(error)".contains("found stale.html, which inkling did not write"), "\(error)")
        }
        XCTAssertEqual(FileManager.default.contents(atPath: "\(out)/stale.html"), Data("old".utf8), "a file inkling did not write was deleted")
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(out)/index.html"))
    }

    func testErrorsNameTheFileAndTheProblem() throws {
        let f = try Fixture.make()
        let dir = Fixture.tempDir("errors")
        func message(_ b: SiteBuilder) -> String {
            do { _ = try b.render(); return "no error" } catch { return "\(error)" }
        }
        let missing = dir.appendingPathComponent("nope.json").path
        XCTAssertTrue(message(SiteBuilder(model: missing, evaluation: f.evaluation, golden: f.golden, templates: f.templates))
            .hasPrefix("\(missing): expected the model file"))

        let notJSON = dir.appendingPathComponent("golden.json").path
        try Data("not json".utf8).write(to: URL(fileURLWithPath: notJSON))
        let m0 = message(SiteBuilder(model: f.model, evaluation: f.evaluation, golden: notJSON, templates: f.templates))
        XCTAssertTrue(m0.hasPrefix("\(notJSON): expected golden values written by `inkling golden`, found not strict JSON at byte 1"), m0)

        // An evaluation of another model is refused: the card would print wrong figures.
        let other = try Fixture.make(seed: 2)
        let m = message(SiteBuilder(model: f.model, evaluation: other.evaluation, golden: f.golden, templates: f.templates))
        XCTAssertTrue(m.hasPrefix("\(other.evaluation): expected an evaluation of \(f.model)"), m)

        let noTemplates = dir.appendingPathComponent("templates").path
        try FileManager.default.createDirectory(atPath: noTemplates, withIntermediateDirectories: true)
        XCTAssertEqual(message(SiteBuilder(model: f.model, evaluation: f.evaluation, golden: f.golden, templates: noTemplates)),
                       "\(noTemplates)/index.mustache: expected the index page template, found no such file")

        let out = dir.appendingPathComponent("a-file").path
        try Data().write(to: URL(fileURLWithPath: out))
        XCTAssertThrowsError(try f.builder().build(to: out)) { error in
            XCTAssertEqual("\(error)", "\(out): expected a folder (or nothing) to write the site into, found a file")
        }
    }

    func testTemplateNameTheRendererLacksIsRefused() throws {
        let f = try Fixture.make()
        let copy = Fixture.tempDir("names").appendingPathComponent("t")
        try FileManager.default.copyItem(atPath: f.templates, toPath: copy.path)
        let card = copy.appendingPathComponent("model-card.mustache")
        let text = try String(contentsOf: card, encoding: .utf8).replacingOccurrences(of: "{{accuracy}}", with: "{{acuracy}}")
        try text.write(to: card, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try f.builder(templates: copy.path).render()) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(card.path): expected only names the renderer provides"), "\(error)")
            XCTAssertTrue("\(error)".hasSuffix("found {{acuracy}}, which it does not"), "\(error)")
        }
    }

    func testInlineAssetThatWouldEndItsElementIsRefused() throws {
        let f = try Fixture.make()
        let copy = Fixture.tempDir("inline").appendingPathComponent("t")
        try FileManager.default.copyItem(atPath: f.templates, toPath: copy.path)
        let app = copy.appendingPathComponent("assets/app.js")
        try (String(contentsOf: app, encoding: .utf8) + "\nvar s = '</script>';\n").write(to: app, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try f.builder(templates: copy.path).render()) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(app.path): expected no literal \"</script\""), "\(error)")
        }
    }

    // MARK: - helpers

    static func page(_ f: Fixture, _ name: String) throws -> String {
        String(decoding: try XCTUnwrap(f.builder().render()[name]), as: UTF8.self)
    }

    static func snapshot(_ dir: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir) {
            out[name] = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(name)"))
        }
        return out
    }

    static func matches(_ pattern: String, in text: String) -> [String] {
        let re = try! NSRegularExpression(pattern: pattern)
        let ns = text as NSString
        return re.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range(at: 1)) }
    }
}
