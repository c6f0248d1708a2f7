import ArgumentParser
import Foundation
import InklingCore

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read the digit in PNG files.",
        discussion: """
        Each file is decoded with libpng (any colour type, bit depth 1 to 16, palette, \
        transparency, interlaced), preprocessed like MNIST (docs/preprocessing.md) and \
        classified. Prints the digit, its calibrated confidence, whether the model is unsure, \
        and the ten probabilities; an image with no digit is reported as blank.

        Limits: width and height at most \(PNGDecoder.maxSide) px, at most \(PNGDecoder.maxPixels) \
        pixels, files at most \(PNGDecoder.maxFileBytes >> 20) MiB. A bad file gets one line \
        `error: <file>: <problem>` on stderr, the other files are still read, and the exit \
        status is 1.

        --json prints one object per line per file: file, digit (null when blank), \
        confidence, unsure, blank, probabilities, logits (null when blank), and input \
        (784 values) with --include-input.

        --teach FILE applies taught examples (a teach file exported from the page, \
        docs/teach-format.md) exactly as the page does: drawings like a taught example that \
        the model reads as the example's old reading are read as its label.
        """)

    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "Teach file (docs/teach-format.md): personalize the model with its examples first.") var teach: String?
    @Flag(help: "One JSON object per line per file.") var json = false
    @Flag(help: "With --json, add the 784 preprocessed input values.") var includeInput = false
    @Argument(help: "PNG files to read.") var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one PNG file") }
        if includeInput && !json { throw ValidationError("--include-input needs --json") }
    }

    func run() throws {
        let classifier = try reportingErrors { try modelOptions.load() }
        let personalizer = try reportingErrors { try teach.map { try Personalizer(classifier: classifier, examples: try TeachFile.load(path: $0).examples) } }
        var failed = 0
        PredictRunner(classifier: classifier, personalizer: personalizer).run(files: files) { outcome in
            switch outcome {
            case .success(let prediction):
                print(json ? prediction.jsonLine(includeInput: includeInput) : prediction.humanText)
            case .failure(let error):
                failed += 1
                fflush(stdout)  // keep stdout and stderr in file order on a terminal
                printError("error: \(error)")
            }
        }
        if failed > 0 { throw ExitCode(1) }
    }
}
