import ArgumentParser
import Foundation
import InklingSite

/// `inkling build`: renders templates/ into site/ (thin: parses options, calls SiteBuilder).
struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render the offline site (templates/ -> site/) from the model, its evaluation and the golden values.",
        discussion: """
        Writes site/index.html (the digit recognizer, one self-contained file), \
        site/model-card.html (with the drawn-set figures of --drawn-evaluation, refused if they \
        are of another model; without the option, weights/drawn-evaluation.json is used when it \
        is of this model and left out with a note when it is not), site/check.html and site/golden.js. The output is byte-identical \
        for the same inputs and replaces the old site in one step: a failed build leaves it intact.

        --out is refused if it is "", ".", "..", "/", the home folder (however spelled, symlinks \
        included) or an existing folder that inkling did not build: every site carries a \
        .inkling-site marker listing its files, and only a folder holding nothing but those \
        (or an empty folder) is replaced. Leftovers of an interrupted build are cleaned up.
        """)

    @Option(help: "The model file (format v1).") var model: String = "weights/model.json"
    @Option(help: "The evaluation written by `inkling evaluate --save`.") var evaluation: String = "weights/evaluation.json"
    @Option(help: "The golden values written by `inkling golden`.") var golden: String = "weights/golden.json"
    @Option(help: "The template folder.") var templates: String = "templates"
    @Option(help: "The accuracy on our own drawn digits, numbers and sums (scripts/drawn-evaluation.sh writes it), or \"none\" for a card without those figures. Default: weights/drawn-evaluation.json when it was measured on --model.")
    var drawnEvaluation: String?
    @Option(help: "The output folder: new, empty, or a site inkling built (it holds .inkling-site); replaced as a whole.")
    var out: String = "site"

    func run() throws {
        try reportingErrors {
            let start = Date()
            var drawn = drawnEvaluation
            if drawn == nil {
                let (path, note) = DrawnEvaluation.useDefault("weights/drawn-evaluation.json", model: model)
                drawn = path
                if let note { printError("note: \(note)") }
            }
            let report = try SiteBuilder(model: model, evaluation: evaluation, golden: golden, templates: templates,
                                     drawnEvaluation: drawn == "none" ? nil : drawn).build(to: out)
            let ms = Date().timeIntervalSince(start) * 1000
            for note in report.notes { printError("note: \(note)") }
            print(report.summary)
            print(String(format: "built %@ in %.0f ms", out, ms))
        }
    }
}
