import Foundation
import InklingCore

/// Everything a build reads, loaded and checked up front so that a bad input fails the
/// build before anything is written.
struct SiteInputs {
    /// Template name (file name without `.mustache`) -> text, and asset file name -> text.
    var templates: [String: String]
    var assets: [String: String]
    var modelBytes: Data
    var model: ModelFile
    var evaluation: Evaluation
    var goldenJSON: String
    /// Accuracy on our own drawn digits, numbers and sums, if a file was given.
    var drawn: DrawnEvaluation?
    var trainData: Data

    /// The assets the templates inline; all are required.
    static let requiredAssets = ["style.css", "card.css", "inkling.js", "numbers.js", "app.js", "teach.js", "check.js",
                                 "train.css", "learn.js", "digitpack.js", "trainpage.js"]
    static let requiredTemplates = ["index", "model-card", "check", "train"]
    /// The MNIST digits train.html learns from (scripts/make-train-data.js), copied beside it.
    static let trainData = "train-data.js"
    static let trainDataPrefix = "window.INKLING_TRAIN_DATA = {"

    static func load(model modelPath: String, evaluation evaluationPath: String, golden goldenPath: String,
                     templates templatesPath: String, drawn drawnPath: String? = nil) throws -> SiteInputs {
        let modelBytes = try read(modelPath, what: "the model file (weights/model.json)")
        let model: ModelFile
        do { model = try ModelFile.decode(modelBytes, name: modelPath) } catch {
            throw SiteError(file: modelPath, expected: "a valid model file (format v1)", found: problem(error, file: modelPath))
        }

        _ = try read(evaluationPath, what: "the evaluation (weights/evaluation.json, from `inkling evaluate --save`)")
        let evaluation: Evaluation
        do { evaluation = try Evaluation.load(path: evaluationPath) } catch {
            throw SiteError(file: evaluationPath, expected: "an evaluation written by `inkling evaluate --save`",
                            found: problem(error, file: evaluationPath))
        }
        try check(evaluation, file: evaluationPath, modelBytes: modelBytes, modelPath: modelPath)

        let goldenBytes = try read(goldenPath, what: "the golden values (weights/golden.json)")
        // Validated as `golden --check` reads it (strict JSON, sizes), since the page parses it.
        do { _ = try GoldenFile.decode(goldenBytes, name: goldenPath) } catch {
            throw SiteError(file: goldenPath, expected: "golden values written by `inkling golden`", found: problem(error, file: goldenPath))
        }
        let golden = String(decoding: goldenBytes, as: UTF8.self)
        let drawn = try drawnPath.map { try DrawnEvaluation.load(path: $0, modelBytes: modelBytes, modelPath: modelPath) }

        var templates: [String: String] = [:]
        for name in requiredTemplates {
            templates[name] = try readText("\(templatesPath)/\(name).mustache", what: "the \(name) page template")
        }
        var assets: [String: String] = [:]
        for name in requiredAssets {
            let path = "\(templatesPath)/assets/\(name)"
            let text = try readText(path, what: "a page asset")
            // Inlined without comments and indentation (StripComments): the readable source
            // is the template asset; the pages carry the same tokens.
            assets[name] = name.hasSuffix(".css") ? try StripComments.css(text, file: path)
                                                  : try StripComments.javaScript(text, file: path)
        }
        let trainDataPath = "\(templatesPath)/assets/\(trainData)"
        let trainText = try readText(trainDataPath, what: "the training digits (from scripts/make-train-data.js)")
        guard trainText.contains("\n" + trainDataPrefix), trainText.hasSuffix("};\n") else {
            throw SiteError(file: trainDataPath, expected: "a script written by scripts/make-train-data.js (\(trainDataPrefix) ... };)",
                            found: "something else")
        }
        return SiteInputs(templates: templates, assets: assets, modelBytes: modelBytes, model: model,
                          evaluation: evaluation, goldenJSON: golden, drawn: drawn, trainData: Data(trainText.utf8))
    }

    /// The card prints these figures as facts about this model: refuse an evaluation of
    /// another model or one whose numbers do not add up.
    static func check(_ e: Evaluation, file: String, modelBytes: Data, modelPath: String) throws {
        func fail(_ expected: String, _ found: String) -> SiteError { SiteError(file: file, expected: expected, found: found) }
        if !e.modelSHA256.isEmpty {
            let actual = Digest.hex(modelBytes)
            guard e.modelSHA256 == actual else {
                throw fail("an evaluation of \(modelPath) (sha256 \(actual.prefix(12))...; run `inkling evaluate --save \(file)`)",
                           "one of another model (sha256 \(e.modelSHA256.prefix(12))...)")
            }
        }
        guard e.confusion.count == 10, e.confusion.allSatisfy({ $0.count == 10 }) else {
            throw fail("a 10x10 confusion matrix", "\(e.confusion.count) rows of \(e.confusion.map(\.count))")
        }
        guard e.perClassAccuracy.count == 10, e.perClassCount.count == 10 else {
            throw fail("10 per-class figures", "\(e.perClassAccuracy.count) accuracies and \(e.perClassCount.count) counts")
        }
        let total = e.confusion.joined().reduce(0, +)
        let diagonal = (0..<10).reduce(0) { $0 + e.confusion[$1][$1] }
        guard total == e.count, diagonal == e.correct else {
            throw fail("the confusion matrix to sum to count \(e.count) with \(e.correct) on the diagonal",
                       "\(total) with \(diagonal) on the diagonal")
        }
        for m in e.misread {
            guard let pixels = Data(base64Encoded: m.pixels), pixels.count == 784, (0...9).contains(m.label), (0...9).contains(m.predicted) else {
                throw fail("misread digits with 784 base64 pixels and labels 0...9", "a bad entry for test image \(m.index)")
            }
        }
    }

    /// Another reader's error text without its own "<file>: " prefix, which ours repeats.
    static func problem(_ error: Error, file: String) -> String {
        let text = "\(error)"
        return text.hasPrefix(file + ": ") ? String(text.dropFirst(file.count + 2)) : text
    }

    static func read(_ path: String, what: String) throws -> Data {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw SiteError(file: path, expected: what, found: "no such file")
        }
        guard !isDir.boolValue else { throw SiteError(file: path, expected: what, found: "a folder") }
        do { return try readLimitedFile(path, limit: 64 << 20, what: "file") } catch let e as InputFileError {
            throw SiteError(file: path, expected: what, found: e.problem)
        }
    }

    static func readText(_ path: String, what: String) throws -> String {
        let data = try read(path, what: what)
        guard let text = String(data: data, encoding: .utf8) else {
            throw SiteError(file: path, expected: "UTF-8 text (\(what))", found: "bytes that are not UTF-8")
        }
        return text
    }
}
