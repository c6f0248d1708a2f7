import ArgumentParser
import Foundation
import InklingCore

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read the digit, the number (--number) or the sum (--sum) in PNG files.",
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

        --number reads a number of several digits, touching or tight ones too, as the page's \
        Number mode reads an opened image (docs/numbers.md): the ink is cut into candidate \
        pieces, every run of pieces is read by the model, and a beam search picks the best \
        reading. A doubtful reading says so: `not sure: 47 or 4?`. --sum reads a sum such as \
        12+7 as Calculator mode does and prints its value, or why and where it cannot be \
        parsed; an operator's ink is read as straight strokes (as the page reads an opened \
        image). With --json, one object per file: file, mode, \
        status (read, unsure, error, empty, too-small), text, confidence, unsure, runner_up, \
        alternatives, height, glyphs (kind, digit, op, p, box, probabilities), and for --sum \
        left, operator, right, expression, value, error and error_at.
        --teach FILE applies taught examples (a teach file exported from the page, \
        docs/teach-format.md) exactly as the page does: drawings like a taught example that \
        the model reads as the example's old reading are read as its label (each glyph, with \
        --number and --sum).
        """)

    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "Teach file (docs/teach-format.md): personalize the model with its examples first.") var teach: String?
    @Flag(help: "One JSON object per line per file.") var json = false
    @Flag(help: "With --json, add the 784 preprocessed input values.") var includeInput = false
    @Flag(help: "Read a number of several digits in each image (the page's Number mode).") var number = false
    @Flag(help: "Read a sum such as 12+7 in each image and give its value (the page's Calculator mode).") var sum = false
    @Argument(help: "PNG files to read.") var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one PNG file") }
        if includeInput && !json { throw ValidationError("--include-input needs --json") }
        if number && sum { throw ValidationError("give --number or --sum, not both") }
        if includeInput && (number || sum) { throw ValidationError("--include-input reads one digit; it does not go with --number or --sum") }
    }

    func run() throws {
        let classifier = try reportingErrors { try modelOptions.load() }
        let personalizer = try reportingErrors { try teach.map { try Personalizer(classifier: classifier, examples: try TeachFile.load(path: $0).examples) } }
        var failed = 0
        if number || sum {
            NumberPredictRunner(classifier: classifier, mode: sum ? .sum : .number, personalizer: personalizer).run(files: files) { outcome in
                switch outcome {
                case .success(let reading):
                    print(json ? reading.jsonLine() : reading.humanText)
                case .failure(let error):
                    failed += 1
                    fflush(stdout)
                    printError("error: \(error)")
                }
            }
            if failed > 0 { throw ExitCode(1) }
            return
        }
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
