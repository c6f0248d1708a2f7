import Foundation
import InklingSite
import XCTest

/// The site inlines its scripts and style sheets without comments (StripComments): every
/// token must survive byte for byte, whatever looks like a comment inside a string, template
/// or regular expression, and line breaks must stay where ASI needs them.
final class StripCommentsTests: XCTestCase {
    private func js(_ text: String) throws -> String { try StripComments.javaScript(text, file: "t.js") }

    func testCommentsIndentationAndBlankLinesGo() throws {
        XCTAssertEqual(try js("/* head\n * more */\n'use strict';\n\n  // note\n  const a = 1;   // trailing\n\n    return a;\n"),
                       "'use strict';\nconst a = 1;\nreturn a;\n")
        XCTAssertEqual(try js("a/**/b"), "a b\n", "a block comment still separates tokens")
        XCTAssertEqual(try js("a = 1 /* x */ + 2"), "a = 1 + 2\n")
        XCTAssertEqual(try js("return // why\nx"), "return\nx\n", "the line break after return must stay (ASI)")
        XCTAssertEqual(try js("a = b /* one\n two */ (c)"), "a = b\n(c)\n", "a multi-line comment stays a line break")
        XCTAssertEqual(try js("x\r\n  y\r\n"), "x\ny\n")
    }

    func testStringsKeepWhatLooksLikeComments() throws {
        let source = #"const u = "http://x/*y*/", v = 'it\'s // not', w = "a\\"; // gone"#
        XCTAssertEqual(try js(source), #"const u = "http://x/*y*/", v = 'it\'s // not', w = "a\\";"# + "\n")
        XCTAssertEqual(try js("s = 'a\\\n  b'"), "s = 'a\\\n  b'\n", "a line continuation keeps its indentation")
    }

    func testTemplateLiteralsAreCopiedWithTheirLines() throws {
        let source = "t = `line 1 // not a comment\n    /* kept */ ${ a /* gone */ + `in ${b}` } end`; // gone"
        XCTAssertEqual(try js(source), "t = `line 1 // not a comment\n    /* kept */ ${ a + `in ${b}` } end`;\n")
        XCTAssertEqual(try js("f(`${ {a: 1}.a }`)"), "f(`${ {a: 1}.a }`)\n", "braces inside ${ } are counted")
    }

    func testRegularExpressionsAreTellFromDivision() throws {
        XCTAssertEqual(try js("r = /\\/\\/[/*]x/g; // c"), "r = /\\/\\/[/*]x/g;\n")
        XCTAssertEqual(try js("if (/^\\s*\\/\\//.test(l)) x()"), "if (/^\\s*\\/\\//.test(l)) x()\n")
        XCTAssertEqual(try js("q = a / b / c; // c"), "q = a / b / c;\n", "division after an identifier")
        XCTAssertEqual(try js("q = (a) / 2 /* c */ + x[1] / 3"), "q = (a) / 2 + x[1] / 3\n")
        XCTAssertEqual(try js("return /a*b/.test(s)"), "return /a*b/.test(s)\n", "a regex after return")
        XCTAssertEqual(try js("x = 'a' / 2 // c"), "x = 'a' / 2\n")
    }

    func testUnterminatedInputIsRefusedNamingTheFileAndLine() {
        for (source, what) in [("a = 'open", "a string"), ("a = 1 /* open", "a /* comment"), ("t = `open", "a template literal"),
                               ("t = `${ a ", "a template literal's ${"), ("r = (/open\n)", "a regular expression"),
                               ("s = \"a\nb\"", "a string")] {
            XCTAssertThrowsError(try js(source), source) { error in
                XCTAssertTrue("\(error)".hasPrefix("t.js: "), "\(error)")
                XCTAssertTrue("\(error)".contains(what), "\(source): \(error)")
            }
        }
    }

    func testCSS() throws {
        XCTAssertEqual(try StripComments.css("/* head */\n:root {\n  --a: 1px; /* why */\n}\n\na::after { content: \"/* x */\"; background: url(//x/y); }\n",
                                            file: "t.css"),
                       ":root {\n--a: 1px;\n}\na::after { content: \"/* x */\"; background: url(//x/y); }\n")
    }

    /// Every real asset strips to valid JavaScript (node parses it) and gets smaller.
    func testEveryScriptAssetStillParses() throws {
        let assets = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../templates/assets").standardized
        let names = try FileManager.default.contentsOfDirectory(atPath: assets.path)
            .filter { $0.hasSuffix(".js") && $0 != "train-data.js" }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 6, "\(names)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("inkling-strip-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in names {
            let text = try String(contentsOf: assets.appendingPathComponent(name), encoding: .utf8)
            let stripped = try StripComments.javaScript(text, file: name)
            XCTAssertLessThan(stripped.utf8.count, text.utf8.count, name)
            let file = dir.appendingPathComponent(name)
            try stripped.write(to: file, atomically: true, encoding: .utf8)
            let node = Process()
            node.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            node.arguments = ["node", "--check", file.path]
            let errors = Pipe()
            node.standardError = errors
            try node.run()
            node.waitUntilExit()
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            XCTAssertEqual(node.terminationStatus, 0, "\(name) stripped does not parse: \(message)")
        }
    }
}
