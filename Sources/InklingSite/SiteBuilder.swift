import Foundation
import InklingCore
import Mustache

/// `inkling build`: renders templates/ into site/.
///
///     index.html       the recognizer: one self-contained file (CSS, inkling.js, numbers.js,
///                      app.js and the model JSON inline), with a hash-based CSP
///     model-card.html  accuracy, confusion, curves, misread digits, size, calibration
///     check.html       the golden check in the page (loads golden.js; inlines learn.js for the training cases)
///     golden.js        window.INKLING_GOLDEN = <weights/golden.json>
///     train.html       the network trained from scratch in the page (learn.js), on
///     train-data.js    MNIST digits packed by scripts/make-train-data.js (copied as is)
///
/// The same inputs give the same bytes (no timestamps, fixed number formats, sorted keys),
/// and the output folder is replaced in one step (`AtomicDirectory`), only if Inkling built it.
public struct SiteBuilder {
    public var modelPath: String
    public var evaluationPath: String
    public var goldenPath: String
    public var templatesPath: String
    /// weights/drawn-evaluation.json, or nil: the card then says the drawn sets were not measured.
    public var drawnEvaluationPath: String?

    public init(model: String = "weights/model.json", evaluation: String = "weights/evaluation.json",
                golden: String = "weights/golden.json", templates: String = "templates", drawnEvaluation: String? = nil) {
        self.modelPath = model
        self.evaluationPath = evaluation
        self.goldenPath = golden
        self.templatesPath = templates
        self.drawnEvaluationPath = drawnEvaluation
    }

    /// Renders every page in memory: file name -> bytes. Throws `SiteError` naming the file.
    public func render() throws -> [String: Data] {
        let inputs = try SiteInputs.load(model: modelPath, evaluation: evaluationPath, golden: goldenPath, templates: templatesPath,
                                         drawn: drawnEvaluationPath)
        var library = MustacheLibrary()
        for (name, text) in inputs.templates.sorted(by: { $0.key < $1.key }) {
            do { try library.register(text, named: name) } catch {
                throw SiteError(file: "\(templatesPath)/\(name).mustache", expected: "a valid Mustache template", found: Self.describe(error))
            }
        }
        for (name, text) in inputs.assets {
            try HTML.checkInlinable(text, element: name.hasSuffix(".css") ? "style" : "script", file: "\(templatesPath)/assets/\(name)")
        }

        let model = inputs.model
        // The model file's exact text as a JSON string: the page hashes it for the golden check.
        let modelJSON = HTML.scriptSafeJSONString(String(decoding: inputs.modelBytes, as: UTF8.self))
        let card = ModelCard.context(model: model, modelBytes: inputs.modelBytes, evaluation: inputs.evaluation, drawn: inputs.drawn)
        let common: [String: Any] = [
            "csp": ContentSecurityPolicy.marker,
            "accuracy": card["accuracy"]!, "parameters": card["parameters"]!, "multiply_adds": card["multiply_adds"]!,
            "weights_sha256": card["weights_sha256"]!, "unsure_below": card["unsure_below"]!,
        ]
        func page(_ name: String, _ extra: [String: Any]) throws -> String {
            let context = common.merging(extra) { $1 }
            try TemplateNames.check(inputs.templates[name]!, context: context, file: "\(templatesPath)/\(name).mustache")
            let html = library.render(context, withTemplate: name) ?? ""
            return try ContentSecurityPolicy.apply(to: html, file: "\(templatesPath)/\(name).mustache",
                                                   extraScriptSources: ["check", "train"].contains(name) ? ["'self'"] : [])
        }

        let index = try page("index", [
            "style": inputs.assets["style.css"]!, "inkling_js": inputs.assets["inkling.js"]!,
            "numbers_js": inputs.assets["numbers.js"]!, "app_js": inputs.assets["app.js"]!, "teach_js": inputs.assets["teach.js"]!, "model_json": modelJSON,
        ])
        let modelCard = try page("model-card", card.merging(["style": inputs.assets["card.css"]!]) { $1 })
        let check = try page("check", [
            "style": inputs.assets["card.css"]!, "inkling_js": inputs.assets["inkling.js"]!,
            "learn_js": inputs.assets["learn.js"]!, "check_js": inputs.assets["check.js"]!, "model_json": modelJSON,
        ])
        let train = try page("train", [
            "style": inputs.assets["card.css"]!, "train_style": inputs.assets["train.css"]!,
            "inkling_js": inputs.assets["inkling.js"]!, "learn_js": inputs.assets["learn.js"]!,
            "digitpack_js": inputs.assets["digitpack.js"]!, "trainpage_js": inputs.assets["trainpage.js"]!,
        ])
        let golden = "window.INKLING_GOLDEN = " + HTML.scriptSafeJSON(inputs.goldenJSON.trimmingCharacters(in: .whitespacesAndNewlines)) + ";\n"
        return [
            "index.html": Data(index.utf8), "model-card.html": Data(modelCard.utf8),
            "check.html": Data(check.utf8), "golden.js": Data(golden.utf8),
            "train.html": Data(train.utf8), SiteInputs.trainData: inputs.trainData,
        ]
    }

    /// Renders and replaces `out` as a whole, with a `.inkling-site` marker listing the files
    /// (`SiteMarker`); returns what was written, with sizes. `out` is checked before
    /// rendering: only a folder built by Inkling, an empty one or a new one is replaced.
    @discardableResult
    public func build(to out: String, swap: AtomicDirectory.Swap = .exchange) throws -> BuildReport {
        let target = try AtomicDirectory.prepare(out)
        let files = try render()
        let notes = try AtomicDirectory.write(files, to: target, swap: swap)
        return BuildReport(files: files.keys.sorted().map { name in
            BuildReport.File(name: name, bytes: files[name]!.count, gzipBytes: GzipSize.compressedSize(files[name]!))
        }, notes: target.notes + notes)
    }

    static func describe(_ error: Error) -> String {
        if let e = error as? MustacheTemplate.ParserError {
            return "\(e.error) at line \(e.context.lineNumber), column \(e.context.columnNumber): \(e.context.line)"
        }
        return "\(error)"
    }
}

/// What `inkling build` wrote, for its size report.
public struct BuildReport: Sendable {
    public struct File: Sendable {
        public let name: String
        public let bytes: Int
        public let gzipBytes: Int
    }
    public let files: [File]
    /// What the build did to the output folder besides writing it (leftovers of an
    /// interrupted build removed, an old site put back), for stderr.
    public var notes: [String] = []

    /// The page budget: everything index.html loads, gzipped (it loads nothing else).
    public static let pageBudgetGzipBytes = 100_000

    public var summary: String {
        var lines = files.map { f in
            "  \(f.name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(Fmt.bytes(f.bytes).leftPad(9))  gzipped \(Fmt.bytes(f.gzipBytes).leftPad(9))"
        }
        if let index = files.first(where: { $0.name == "index.html" }) {
            let verdict = index.gzipBytes <= Self.pageBudgetGzipBytes ? "within" : "OVER"
            lines.append("  index.html loads nothing else: \(Fmt.bytes(index.gzipBytes)) gzipped, \(verdict) the \(Fmt.bytes(Self.pageBudgetGzipBytes)) budget")
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    fileprivate func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
