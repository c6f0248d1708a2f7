import Foundation

/// What `inkling predict --number` / `--sum` reports for one file.
public struct FileNumberReading: Sendable {
    public let file: String
    public let mode: NumberReading.Mode
    public let reading: NumberReading
    /// A sum's value (`SumArithmetic.evaluate`), when the sum was read.
    public let value: SumArithmetic.Result?
}

/// PNG file -> `PNGDecoder` -> `NumberReader` (the model reads every candidate glyph), one file
/// at a time, a bad file giving its own error so the others are still read. The page reads an
/// opened image the same way (numbers.js `read({ image })`).
public struct NumberPredictRunner {
    public let classifier: Classifier
    public let mode: NumberReading.Mode
    /// Taught examples (`predict --teach`), applied to every glyph.
    public let personalizer: Personalizer?

    public init(classifier: Classifier, mode: NumberReading.Mode, personalizer: Personalizer? = nil) {
        self.classifier = classifier
        self.mode = mode
        self.personalizer = personalizer
    }

    public func read(path: String) throws -> FileNumberReading {
        try read(image: try PNGDecoder.decode(path: path), file: path)
    }

    /// Reads an already decoded image; `file` names it in the result and in errors.
    public func read(image: RGBAImage, file: String) throws -> FileNumberReading {
        let reader = NumberReader(mode: mode, glyphReader: .model(classifier, personalizer: personalizer, file: file),
                                  unsureBelow: Double(classifier.file.calibration.unsureBelow))
        let reading = try reader.read(image: image)
        var value: SumArithmetic.Result?
        if mode == .sum, reading.error == nil, let left = reading.left, let op = reading.op, let right = reading.right {
            value = SumArithmetic.evaluate(left, op, right)
        }
        return FileNumberReading(file: file, mode: mode, reading: reading, value: value)
    }

    /// Every file in order; `each` sees each outcome as soon as it is known.
    @discardableResult
    public func run(files: [String], each: (Result<FileNumberReading, PNGError>) -> Void = { _ in })
        -> [Result<FileNumberReading, PNGError>] {
        eachFile(files, { try read(path: $0) }, each: each)
    }
}
