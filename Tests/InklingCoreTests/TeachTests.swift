import Foundation
import InklingCore
import XCTest

/// Teach files (docs/teach-format.md) and the personalization of `Personalizer`.
final class TeachTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let modelPath = repo.appendingPathComponent("weights/model.json").path

    /// The golden file's taught examples (made by `inkling golden` from drawn styles and
    /// misread MNIST digits).
    func goldenTeach() throws -> GoldenTeach {
        let golden = try GoldenFile.load(path: Self.repo.appendingPathComponent("weights/golden.json").path)
        return try XCTUnwrap(golden.teach, "weights/golden.json has no teach section; run inkling golden")
    }

    func examples(_ teach: GoldenTeach) -> [TeachExample] {
        teach.examples.map { TeachExample(label: $0.label, bytes: [UInt8](Data(base64Encoded: $0.input)!)) }
    }

    func testTeachFileRoundTripsAndMatchesTheJavaScriptLayout() throws {
        let file = TeachFile(modelSHA256: String(repeating: "ab", count: 32), examples: examples(try goldenTeach()))
        let text = file.encoded()
        XCTAssertEqual(try TeachFile.decode(text, name: "t.json"), file)
        let s = String(decoding: text, as: UTF8.self)
        XCTAssertTrue(s.hasPrefix("{\"format\":\"inkling-teach\",\"version\":1,\"model_sha256\":\"abab"), s)
        XCTAssertTrue(s.contains("\"examples\":[{\"label\":\(file.examples[0].label),\"input\":\""), s)
        XCTAssertEqual(String(decoding: TeachFile(modelSHA256: nil, examples: []).encoded(), as: UTF8.self),
                       "{\"format\":\"inkling-teach\",\"version\":1,\"model_sha256\":null,\"examples\":[]}\n")
        // A file the JavaScript wrote (Inkling.writeTeachFile, a fuzz seed) is written back byte for byte.
        let js = try Data(contentsOf: Self.repo.appendingPathComponent("fuzz/corpus/FuzzTeach/three-styles.json"))
        XCTAssertEqual(try TeachFile.decode(js, name: "three-styles.json").encoded(), js)
        // Quantization: the stored bytes are round(value * 255), and read back as byte / 255.
        let e = TeachExample(label: 3, input: [Float](repeating: 0.5, count: 783) + [2])
        XCTAssertEqual(e.bytes[0], 128)
        XCTAssertEqual(e.bytes[783], 255)
        XCTAssertEqual(e.input[0], Float(128.0 / 255))
    }

    func testBadTeachFilesAreRefusedNamingFileAndProblem() throws {
        let good = String(decoding: TeachFile(modelSHA256: nil, examples: Array(examples(try goldenTeach()).prefix(2))).encoded(), as: UTF8.self)
        let input = String(good.split(separator: "\"input\":\"")[1].prefix(while: { $0 != "\"" }))
        let cases: [(String, String)] = [
            (good.replacingOccurrences(of: "inkling-teach", with: "other"), "format is \"other\", expected \"inkling-teach\""),
            (good.replacingOccurrences(of: "\"version\":1", with: "\"version\":2"), "version is the number 2, expected 1"),
            (good.replacingOccurrences(of: "\"version\":1", with: "\"version\":true"), "version is the boolean true, expected 1"),
            (good.replacingOccurrences(of: "\"version\":1,", with: "\"version\":1,\"extra\":0,"), "unknown key \"extra\" at top level"),
            (good.replacingOccurrences(of: "\"version\":1,", with: "\"version\":1,\"version\":1,"), "duplicate"),
            (good.replacingOccurrences(of: "null", with: "\"ABC\""), "model_sha256 must be 64 lowercase hex digits or null"),
            (good.replacingOccurrences(of: "{\"label\":1,", with: "{\"label\": 10,"), "example 0: label must be an integer 0-9, found the number 10"),
            (good.replacingOccurrences(of: "{\"label\":1,", with: "{\"label\": 1.5,"), "example 0: label must be an integer 0-9, found the number 1.5"),
            (good.replacingOccurrences(of: "{\"label\":1,", with: "{\"label\": \"1\","), "example 0: label must be an integer 0-9, found \"1\""),
            (good.replacingOccurrences(of: "{\"label\":1,", with: "{\"note\": 0, \"label\": 1,"), "example 0: unknown key \"note\""),
            (good.replacingOccurrences(of: input, with: String(input.dropFirst(4))), "example 0: input must be padded base64 of 784 bytes"),
            (good.replacingOccurrences(of: input, with: String(input.dropLast(3)) + "B=="), "example 0: input must be padded base64 of 784 bytes"),
            (good.replacingOccurrences(of: "\"examples\":[", with: "\"examples\":{\"a\":["), "not strict JSON"),
            (good.replacingOccurrences(of: "\"examples\":[", with: "\"examples\":5,\"x\":["), "unknown key \"x\""),
            ("\u{FEFF}" + good, "byte-order mark"),
            ("[]", "expected a JSON object at top level, found an array"),
            ("{\"format\": \"inkling-teach\", \"version\": 1, \"model_sha256\": null, \"examples\": ["
                + Array(repeating: "{\"label\": 1, \"input\": \"\(input)\"}", count: 101).joined(separator: ",") + "]}", "101 examples, the limit is 100"),
        ]
        for (text, problem) in cases {
            XCTAssertThrowsError(try TeachFile.decode(Data(text.utf8), name: "mine.json"), problem) { error in
                let e = error as? TeachFileError
                XCTAssertEqual(e?.file, "mine.json")
                XCTAssertTrue(e.map { "\($0)".hasPrefix("mine.json: ") && "\($0)".contains(problem) } ?? false, "\(problem): got \(error)")
            }
        }
        XCTAssertThrowsError(try TeachFile.load(path: "/nonexistent/teach.json")) { error in
            XCTAssertTrue("\(error)".hasPrefix("/nonexistent/teach.json: cannot read the teach file"), "\(error)")
        }
    }

    func testPersonalizerReadsTaughtExamplesAndLeavesTheModelAlone() throws {
        let classifier = try Classifier.load(path: Self.modelPath)
        let teach = try goldenTeach(), taught = examples(teach)
        let misread = taught.filter { classifier.predict($0.input).digit != $0.label }
        XCTAssertGreaterThanOrEqual(misread.count, 10, "the golden taught examples should be misread by the shipped model")
        let personalizer = try Personalizer(classifier: classifier, examples: taught)
        for e in taught { XCTAssertEqual(personalizer.predict(e.input).digit, e.label) }
        // Nothing taught: the shipped answers exactly.
        let none = try Personalizer(classifier: classifier, examples: [])
        for probe in teach.probes {
            let x = TeachExample(label: 0, bytes: [UInt8](Data(base64Encoded: probe.input)!)).input
            XCTAssertEqual(none.predict(x), classifier.predict(x))
        }
        // The untaught MNIST probes keep the shipped digit.
        for probe in teach.probes where probe.name.hasPrefix("mnist-test-") && !probe.name.contains("taught") && !probe.name.contains("shifted") {
            let x = TeachExample(label: 0, bytes: [UInt8](Data(base64Encoded: probe.input)!)).input
            XCTAssertEqual(personalizer.predict(x).digit, classifier.predict(x).digit, probe.name)
        }
    }

    func testGoldenCheckRecomputesTheTeachProbes() throws {
        let path = Self.repo.appendingPathComponent("weights/golden.json").path
        var golden = try GoldenFile.load(path: path)
        let classifier = try Classifier.load(path: Self.modelPath)
        let sha = try FileDigest.sha256(path: Self.modelPath)
        let report = try Golden.check(golden, path: path, classifier: classifier, modelSHA256: sha)
        XCTAssertTrue(report.passed, "\(report)")
        XCTAssertEqual(report.count, golden.cases.count + golden.teach!.probes.count)
        golden.teach!.probes[0].digit = (golden.teach!.probes[0].digit + 1) % 10
        golden.teach!.probes[0].logits[0] += 0.01
        let bad = try Golden.check(golden, path: path, classifier: classifier, modelSHA256: sha)
        XCTAssertFalse(bad.passed)
        XCTAssertTrue(bad.failures.contains { $0.caseName.hasPrefix("teach ") && $0.field == "digit" }, "\(bad)")
        XCTAssertTrue(bad.failures.contains { $0.caseName.hasPrefix("teach ") && $0.field == "logits" }, "\(bad)")
    }

    /// `inkling golden` writes the same teach section every time, with misread MNIST digits
    /// whichever data it finds (real MNIST or the sample), and every taught probe read right.
    func testGoldenTeachSectionIsDeterministic() throws {
        let (_, test, _) = try RealData.require()
        let classifier = try Classifier.load(path: Self.modelPath)
        let a = try GoldenTeach.make(classifier: classifier, test: test), b = try GoldenTeach.make(classifier: classifier, test: test)
        XCTAssertEqual(a.encoded(), b.encoded())
        XCTAssertEqual(a.examples.count, 10 + 4)
        for p in a.probes where p.name.hasSuffix("-taught") {
            XCTAssertEqual(p.digit, a.examples.first { $0.input == p.input }?.label, p.name)
        }
    }

    func testExtraExamplesJoinTheTrainingSetOnly() throws {
        var images: [UInt8] = [], labels: [UInt8] = []
        for i in 0..<300 { images += [UInt8](repeating: UInt8(i % 256), count: 784); labels.append(UInt8(i % 10)) }
        let data = Dataset(images: images, labels: labels, rows: 28, cols: 28, source: "fixture")
        let taught = [TeachExample(label: 7, bytes: [UInt8](repeating: 9, count: 784)), TeachExample(label: 1, bytes: [UInt8](repeating: 3, count: 784))]
        var settings = TrainingSettings()
        settings.extra = ExtraExamples(name: "mine.json", sha256: String(repeating: "0", count: 64), examples: taught, repeats: 5)
        let pipeline = try TrainingPipeline(fullTrain: data, test: data.prefix(20), trainFile: "train", testFile: "test", data: [], settings: settings)
        XCTAssertEqual(pipeline.holdout.count, 30)
        XCTAssertEqual(pipeline.train.count, 270 + 10)
        XCTAssertEqual(Array(pipeline.train.labels.suffix(4)), [7, 1, 7, 1])
        XCTAssertEqual(Array(pipeline.train.images.suffix(784)), taught[1].bytes)
        XCTAssertEqual(pipeline.test.count, 20)
        XCTAssertEqual(pipeline.data, [DataFileInfo(file: "mine.json", sha256: String(repeating: "0", count: 64))])
        XCTAssertTrue(settings.command.hasSuffix("--extra mine.json"), settings.command)
    }
}
