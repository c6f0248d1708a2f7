import Foundation
import InklingCore
import InklingSite
import XCTest

/// The model card states the evaluation's figures exactly, and nothing inserted can
/// become markup.
final class ModelCardTests: XCTestCase {
    func testCardFiguresEqualTheEvaluation() throws {
        let f = try Fixture.make()
        let e = f.evaluationValue
        let card = try SiteBuildTests.page(f, "model-card.html")

        XCTAssertEqual(attribute(card, id: "test-accuracy", "data-value"), String(format: "%.6f", e.accuracy))
        XCTAssertTrue(card.contains(String(format: ">%.2f%%<", e.accuracy * 100)), "the test accuracy is not shown as a percentage")

        let rows = SiteBuildTests.matches(#"<tr data-digit="(\d)" data-accuracy="([0-9.]+)">"#, in: card)
        XCTAssertEqual(rows, (0..<10).map(String.init))
        let accuracies = SiteBuildTests.matches(#"<tr data-digit="\d" data-accuracy="([0-9.]+)">"#, in: card).map { Double($0)! }
        XCTAssertEqual(accuracies, e.perClassAccuracy.map { (($0 * 1e6).rounded()) / 1e6 })

        // The numeric confusion table, row by row, equals the evaluation's matrix.
        var confusion: [[Int]] = []
        for t in 0..<10 {
            let row = try XCTUnwrap(SiteBuildTests.matches(#"<tr data-label="\#(t)">(.*?)</tr>"#, in: card).first)
            confusion.append(SiteBuildTests.matches(#"<td>(\d+)</td>"#, in: row).map { Int($0)! })
        }
        XCTAssertEqual(confusion, e.confusion)
        // The heat map has one cell per entry, with the count in its tooltip.
        for (t, row) in e.confusion.enumerated() {
            for (p, n) in row.enumerated() {
                XCTAssertTrue(card.contains("<title>true \(t), predicted \(p): \(n)</title>"), "heat map cell \(t),\(p) missing")
            }
        }

        let model = try ModelFile.decode(f.modelBytes, name: "fixture")
        XCTAssertEqual(attribute(card, id: "parameter-count", "data-value"), String(model.parameterCount))
        XCTAssertEqual(attribute(card, id: "multiply-adds", "data-value"), String(model.multiplyAdds))
        XCTAssertEqual(attribute(card, id: "weights-size", "data-bytes"), String(f.modelBytes.count))
        XCTAssertTrue(card.contains(">\(FileDigest.sha256(data: f.modelBytes))</code>"), "the weights SHA-256 is missing")
        XCTAssertTrue(card.contains("<b id=\"temperature\">1.2500</b>"))
        XCTAssertTrue(card.contains("<span id=\"ece-before\">3.10%</span>") && card.contains("<span id=\"ece-after\">1.20%</span>"))
        XCTAssertTrue(card.contains("<dd id=\"training-seed\">42</dd>"))

        // One gallery entry per misread digit, each a PNG data URI with true and predicted labels.
        let entries = SiteBuildTests.matches(#"<li data-label="(\d)" data-predicted="\d"><img src="data:image/png;base64,"#, in: card)
        XCTAssertEqual(entries.map { Int($0)! }, e.misread.map(\.label))
        XCTAssertGreaterThan(e.misread.count, 0, "the fixture should misread some digits")
        // Curves: one point per epoch for loss, two series for accuracy.
        let loss = try XCTUnwrap(SiteBuildTests.matches(#"<figure id="loss-curve">([\s\S]*?)</figure>"#, in: card).first)
        XCTAssertEqual(SiteBuildTests.matches(#"<circle class="dot (curve-a)""#, in: loss).count, 3)
        let acc = try XCTUnwrap(SiteBuildTests.matches(#"<figure id="accuracy-curve">([\s\S]*?)</figure>"#, in: card).first)
        XCTAssertEqual(SiteBuildTests.matches(#"<circle class="dot (curve-[ab])""#, in: acc).count, 6)
    }

    func testCardShowsUseLimitsAndTheDrawnSetFiguresFromTheFile() throws {
        let f = try Fixture.make()
        let card = try SiteBuildTests.page(f, "model-card.html")
        XCTAssertTrue(card.contains("<h2 id=\"h-use\">Intended use</h2>") && card.contains("<p id=\"intended-use\">"))
        XCTAssertGreaterThanOrEqual(SiteBuildTests.matches(#"(<li>)"#, in: try XCTUnwrap(
            SiteBuildTests.matches(#"<ul id="limitations">([\s\S]*?)</ul>"#, in: card).first)).count, 4, "expected the limitations listed")

        // Totals per kind, summed here from the file's sets: digit 36/40, number 8/10, sum 8/11.
        let totals = try XCTUnwrap(SiteBuildTests.matches(#"<table id="drawn-totals">([\s\S]*?)</table>"#, in: card).first)
        let rows = SiteBuildTests.matches(#"(<tr data-kind="[a-z]+" data-right="\d+" data-total="\d+">)"#, in: totals)
        var want: [String] = []
        for kind in DrawnEvaluation.kinds {
            let sets = f.drawnValue.sets.filter { $0.kind == kind }
            want.append("<tr data-kind=\"\(kind)\" data-right=\"\(sets.map(\.right).reduce(0, +))\" data-total=\"\(sets.map(\.total).reduce(0, +))\">")
        }
        XCTAssertEqual(rows, want)
        XCTAssertEqual(want[0], "<tr data-kind=\"digit\" data-right=\"36\" data-total=\"40\">")
        XCTAssertTrue(totals.contains("<td>36 of 40</td><td>90.0%</td>") && totals.contains("<td>8 of 11</td><td>72.7%</td>"), totals)
        // Every set, in the file's order.
        let sets = try XCTUnwrap(SiteBuildTests.matches(#"<table id="drawn-sets">([\s\S]*?)</table>"#, in: card).first)
        XCTAssertEqual(SiteBuildTests.matches(#"<tr data-kind="[a-z]+" data-right="\d+" data-total="\d+"><td>([^<]*)</td>"#, in: sets),
                       f.drawnValue.sets.map { HTML.escape($0.name) })
        XCTAssertTrue(card.contains("<code id=\"drawn-sha256\">\(FileDigest.sha256(data: f.modelBytes))</code>"))
        XCTAssertTrue(card.contains("How they were made: \(f.drawnValue.how)"))
    }

    func testAModelThatRecordsNoDataStillGetsACard() throws {
        // A valid model file from elsewhere (e.g. trained in train.html) may list no data files.
        let f = try Fixture.make(recordsData: false)
        let card = String(decoding: try XCTUnwrap(f.builder().render()["model-card.html"]), as: UTF8.self)
        XCTAssertTrue(card.contains("none recorded in the model file"))
    }

    func testCardWithoutDrawnFiguresSaysTheyWereNotMeasured() throws {
        let f = try Fixture.make()
        var builder = f.builder()
        builder.drawnEvaluationPath = nil
        let card = String(decoding: try XCTUnwrap(builder.render()["model-card.html"]), as: UTF8.self)
        XCTAssertTrue(card.contains("Not measured for this model"))
        XCTAssertFalse(card.contains("id=\"drawn-totals\""))
    }

    func testDefaultDrawnFiguresAreLeftOutForARetrainedModel() throws {
        // `inkling build` without --drawn-evaluation: a retrained model must still build.
        let f = try Fixture.make()
        let path = f.dir.appendingPathComponent("default-drawn.json").path
        XCTAssertTrue(DrawnEvaluation.useDefault(path, model: f.model) == (nil, nil), "a missing default file is not an error")
        try Fixture.drawnEvaluationJSON(sha256: String(repeating: "ab", count: 32)).write(to: URL(fileURLWithPath: path))
        let stale = DrawnEvaluation.useDefault(path, model: f.model)
        XCTAssertNil(stale.path)
        XCTAssertTrue(stale.note?.contains("figures of another model") ?? false, "\(String(describing: stale.note))")
        try Fixture.drawnEvaluationJSON(sha256: FileDigest.sha256(data: f.modelBytes)).write(to: URL(fileURLWithPath: path))
        XCTAssertTrue(DrawnEvaluation.useDefault(path, model: f.model) == (path, nil))
        try Data("{}".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertTrue(DrawnEvaluation.useDefault(path, model: f.model) == (path, nil), "an unreadable file goes on to be refused by name")
    }

    func testDrawnFiguresOfAnotherModelOrWrongCountsAreRefused() throws {
        let f = try Fixture.make()
        let cases: [(Data, String)] = [
            (Fixture.drawnEvaluationJSON(sha256: String(repeating: "ab", count: 32)), "they are stale"),
            (Fixture.drawnEvaluationJSON(sha256: FileDigest.sha256(data: f.modelBytes),
                                         sets: #"[{"kind": "digit", "name": "x", "right": 11, "total": 10}]"#), "with 11 of 10"),
            (Fixture.drawnEvaluationJSON(sha256: FileDigest.sha256(data: f.modelBytes),
                                         sets: #"[{"kind": "letter", "name": "x", "right": 1, "total": 10}]"#), "of kind \"letter\""),
            (Fixture.drawnEvaluationJSON(sha256: FileDigest.sha256(data: f.modelBytes), sets: "[]"), "at least one drawn set"),
            (Data("{}".utf8), "JSON it cannot read"),
        ]
        for (n, (bytes, problem)) in cases.enumerated() {
            let path = f.dir.appendingPathComponent("drawn-\(n).json").path
            try bytes.write(to: URL(fileURLWithPath: path))
            var builder = f.builder()
            builder.drawnEvaluationPath = path
            XCTAssertThrowsError(try builder.render(), "case \(n)") { error in
                let text = "\(error)"
                XCTAssertTrue(text.hasPrefix(path + ": expected "), text)
                XCTAssertTrue(text.contains(problem), "case \(n): expected \(problem) in \(text)")
            }
        }
    }

    func testEveryInsertedValueIsEscaped() throws {
        let hostile = "<script>alert('x')</script><img src=x onerror=alert(1)>\"&"
        let f = try Fixture.make(text: hostile)
        let pages = try f.builder().render()
        for (name, data) in pages {
            let text = String(decoding: data, as: UTF8.self)
            XCTAssertFalse(text.contains("<script>alert"), "\(name) contains the raw hostile <script>")
            XCTAssertFalse(text.contains("<img src=x"), "\(name) contains the raw hostile <img>")
            XCTAssertFalse(text.contains("onerror=alert(1)>\""), "\(name) contains the raw hostile text")
        }
        let card = String(decoding: pages["model-card.html"]!, as: UTF8.self)
        let escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&quot;&amp;"
        // command, architecture, optimizer, schedule, augmentation, data file, calibration split, evaluation data
        XCTAssertGreaterThanOrEqual(card.components(separatedBy: escaped).count - 1, 8, "expected every text field escaped on the card")
        // In script data blocks the JSON keeps its meaning with < escaped as \u003c.
        let index = String(decoding: pages["index.html"]!, as: UTF8.self)
        XCTAssertTrue(index.contains("\\u003cscript>alert('x')\\u003c/script>"))
        let json = try XCTUnwrap(SiteBuildTests.matches(#"<script type="application/json" id="model">([\s\S]*?)</script>"#, in: index).first)
        let text = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed) as? String)
        XCTAssertEqual(try ModelFile.decode(Data(text.utf8), name: "inlined").training.command, hostile)
    }

    func testContentSecurityPolicyAllowsExactlyTheInlineCode() throws {
        let f = try Fixture.make()
        let pages = try f.builder().render()
        for name in ["index.html", "model-card.html", "check.html", "train.html"] {
            let html = String(decoding: pages[name]!, as: UTF8.self)
            let csp = try XCTUnwrap(SiteBuildTests.matches(#"<meta http-equiv="Content-Security-Policy" content="([^"]+)">"#, in: html).first,
                                    "\(name) has no CSP meta tag")
            let directives = Dictionary(uniqueKeysWithValues: csp.split(separator: ";").map { d -> (String, String) in
                let parts = d.trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 1)
                return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
            })
            XCTAssertEqual(directives["default-src"], "'none'", name)
            XCTAssertEqual(directives["connect-src"], "'none'", name)
            XCTAssertEqual(directives["form-action"], "'none'", name)
            XCTAssertEqual(directives["base-uri"], "'none'", name)
            XCTAssertEqual(directives["img-src"], "data: blob:", name)
            XCTAssertFalse(csp.contains("unsafe"), "\(name): no unsafe-inline or unsafe-eval")

            // Independently hash every executable inline script and every style element.
            let scripts = SiteBuildTests.matches(#"<script>([\s\S]*?)</script>"#, in: html)
            let styles = SiteBuildTests.matches(#"<style>([\s\S]*?)</style>"#, in: html)
            let want = Set(scripts.map(Self.hashSource)), wantStyles = Set(styles.map(Self.hashSource))
            let gotScripts = Set((directives["script-src"] ?? "").split(separator: " ").map(String.init)).subtracting(["'self'"])
            let gotStyles = Set((directives["style-src"] ?? "").split(separator: " ").map(String.init))
            XCTAssertEqual(gotScripts, want.isEmpty ? ["'none'"] : want, "\(name): script hashes do not match the inline scripts")
            XCTAssertEqual(gotStyles, wantStyles, "\(name): style hashes do not match the inline styles")
            if name == "index.html" { XCTAssertEqual(scripts.count, 4, "inkling.js, numbers.js, app.js and teach.js inline") }
            if name == "model-card.html" { XCTAssertEqual(directives["script-src"], "'none'", "the card runs no script") }
        }
    }

    func testHTMLEscapeAndScriptSafeJSON() {
        XCTAssertEqual(HTML.escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;")
        XCTAssertEqual(HTML.scriptSafeJSON("{\"a\":\"</script>\"}"), "{\"a\":\"\\u003c/script>\"}")
        XCTAssertEqual(HTML.scriptSafeJSON("[\"é\u{2028}x\u{2029}<!--\"]"), "[\"é\\u2028x\\u2029\\u003c!--\"]")
        // Any text as a JSON string literal: safe in a data block, and parsing it gives the text back.
        let text = "{\n\t\"a\\b\": \"</script><!--\u{2028}é\u{0}\u{1F}😀\"\r\n}\n"
        let literal = HTML.scriptSafeJSONString(text)
        XCTAssertEqual(literal, #""{\n\t\"a\\b\": \"\u003c/script>\u003c!--\u2028é\u0000\u001f😀\"\r\n}\n""#)
        XCTAssertFalse(literal.contains("<"))
        XCTAssertEqual(try JSONSerialization.jsonObject(with: Data(literal.utf8), options: .fragmentsAllowed) as? String, text)
    }

    // MARK: - helpers

    static func hashSource(_ body: String) -> String {
        let hex = Array(SHA256.hex(Data(body.utf8)).utf8)
        let bytes = stride(from: 0, to: hex.count, by: 2).map { UInt8(String(decoding: hex[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
        return "'sha256-\(Data(bytes).base64EncodedString())'"
    }

    func attribute(_ html: String, id: String, _ name: String) -> String? {
        SiteBuildTests.matches(#"id="\#(id)"[^>]*?\#(name)="([^"]*)""#, in: html).first
    }
}

/// The size report's gzip is real gzip: it inflates back to the input.
final class GzipSizeTests: XCTestCase {
    func testCompressRoundTripsAndSizesMatch() throws {
        var state: UInt32 = 7
        let noisy = Data((0..<20_000).map { _ -> UInt8 in state = state &* 1_664_525 &+ 1_013_904_223; return UInt8(state >> 24) })
        let text = Data(String(repeating: "draw a digit ", count: 2_000).utf8)
        for input in [noisy, text, Data()] {
            let gz = GzipSize.compress(input)
            XCTAssertEqual(try Gzip.decompress(gz, name: "test"), input)
            XCTAssertEqual(GzipSize.compressedSize(input), gz.count)
        }
        XCTAssertLessThan(GzipSize.compressedSize(text), text.count / 50, "repetitive text compresses well")
        XCTAssertGreaterThan(GzipSize.compressedSize(noisy), noisy.count, "noise does not compress")
    }
}
