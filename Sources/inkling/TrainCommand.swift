import ArgumentParser
import Foundation
import InklingCore

/// Set by the SIGINT handler; the trainer polls it between batches.
nonisolated(unsafe) private var interrupted = false

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model on MNIST and write it as a model file (format v1).",
        discussion: """
        Holds out the last 5,000 training images (1/10 of a smaller set) to fit the confidence
        temperature, trains on the rest with on-the-fly augmentation, measures test accuracy after
        every epoch, then writes the model (batch norm folded, float16) atomically: Ctrl-C leaves the
        previous file untouched. Same seed, data and --threads give a byte-identical file.
        """)

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var threadOptions: ThreadOptions
    @Option(help: "Passes over the training data.") var epochs = 15
    @Option(help: "Seed for initialisation, shuffling, augmentation and dropout.") var seed: UInt64 = 1
    @Option(help: "Use only the first N training images (quick runs, tests).") var limit: Int?
    @Option(help: "Network: inkling (the shipped one) or refnet (the peers' reference).") var architecture = "inkling"
    @Option(help: "adam or sgd.") var optimizer = "adam"
    @Option(name: .customLong("lr"), help: "Peak learning rate (warm-up then cosine decay).") var learningRate: Float = 3e-3
    @Option(help: "Mini-batch size.") var batchSize = 64
    @Option(help: "Weight decay (decoupled for adam, L2 for sgd).") var weightDecay: Float = 1e-4
    @Flag(help: "Train without augmentation.") var noAugment = false
    @Option(help: "Where to write the model.") var out = "weights/model.json"

    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1") }
        guard Architecture(rawValue: architecture) != nil else { throw ValidationError("--architecture must be inkling or refnet") }
        guard TrainingConfig.OptimizerKind(rawValue: optimizer) != nil else { throw ValidationError("--optimizer must be adam or sgd") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        if let limit, limit < 20 { throw ValidationError("--limit must be at least 20") }
    }

    /// The command as recorded in the model file: every option that shapes the weights, none
    /// that is machine-specific (the data folder is identified by its files' SHA-256 instead).
    var canonicalCommand: String {
        var parts = ["inkling train", "--epochs \(epochs)", "--seed \(seed)", "--threads \(threadOptions.threads)"]
        if let limit { parts.append("--limit \(limit)") }
        if architecture != "inkling" { parts.append("--architecture \(architecture)") }
        if optimizer != "adam" { parts.append("--optimizer \(optimizer)") }
        if learningRate != 3e-3 { parts.append("--lr \(learningRate)") }
        if batchSize != 64 { parts.append("--batch-size \(batchSize)") }
        if weightDecay != 1e-4 { parts.append("--weight-decay \(weightDecay)") }
        if noAugment { parts.append("--no-augment") }
        return parts.joined(separator: " ")
    }

    func run() throws {
        try reportingErrors {
            let source = try dataOptions.locate()
            printError("data: \(source)")
            let fullTrain = try source.load(split: .train).prefix(limit)
            let test = try source.load(split: .test)
            let holdoutCount = min(5000, fullTrain.count / 10)
            let train = fullTrain.slice(0..<(fullTrain.count - holdoutCount))
            let holdout = fullTrain.slice((fullTrain.count - holdoutCount)..<fullTrain.count)

            var config = TrainingConfig()
            config.architecture = Architecture(rawValue: architecture)!
            config.epochs = epochs; config.seed = seed; config.batchSize = batchSize
            config.optimizer = TrainingConfig.OptimizerKind(rawValue: optimizer)!
            config.learningRate = learningRate; config.weightDecay = weightDecay
            config.augment = !noAugment
            if config.architecture == .refnet { config.dropout = 0 }

            let trainer = Trainer(config: config, threads: threadOptions.threads)
            printError("model: \(architecture), \(trainer.network.parameterCount) parameters, \(trainer.network.multiplyAdds) multiply-adds/image; "
                       + "training on \(train.count), calibrating on \(holdout.count), testing on \(test.count) images, \(threadOptions.threads) thread(s)")
            signal(SIGINT) { _ in interrupted = true }
            let progress = ProgressPrinter()
            let history = trainer.train(on: train, test: test, report: progress.handle, shouldStop: { interrupted })
            if interrupted || history.count < epochs {
                printError("\ninterrupted after \(history.count) epoch(s): \(out) was not written")
                throw ExitCode(130)
            }

            // Export, then measure what was exported (float16, batch norm folded).
            let digests = try source.fileDigests().map { DataFileInfo(file: $0.name, sha256: $0.sha256) }
            var file = ModelExport.modelFile(of: trainer, training: TrainingInfo(
                command: canonicalCommand, architecture: architecture, seed: seed, epochs: epochs, batchSize: batchSize,
                optimizer: trainer.optimizerDescription, learningRateSchedule: trainer.scheduleDescription,
                weightDecay: weightDecay, dropout: config.dropout,
                augmentation: config.augment ? config.augmentation.description : "none",
                data: digests, trainCount: train.count, threads: threadOptions.threads,
                testAccuracy: 0, testCount: test.count, history: history))
            file.calibration = TemperatureFit.calibrate(
                Classifier(file), holdout: holdout,
                description: "train[\(fullTrain.count - holdoutCount)..<\(fullTrain.count)] (\(holdoutCount) images held out from training)",
                unsureBelow: 0.75)
            let evaluation = Evaluation.run(Classifier(file), on: test, keepMisread: 0)
            file.training.testAccuracy = Float(evaluation.accuracy)
            try file.validate(file: out)
            try writeAtomically(file.encoded(), to: out)
            // Wall-clock figures go to the log, not the file (it must be byte-identical on retraining).
            var elapsed = 0.0, secondsTo99: Double?
            for r in history { elapsed += r.seconds; if secondsTo99 == nil && r.testAccuracy >= 0.99 { secondsTo99 = elapsed } }
            printError(String(format: "trained in %.1f s", elapsed) + (secondsTo99.map { String(format: "; 99%% test accuracy after %.1f s", $0) } ?? ""))
            let c = file.calibration
            print("wrote \(out): test accuracy \(String(format: "%.2f%%", evaluation.accuracy * 100)) (\(evaluation.correct)/\(evaluation.count)), "
                  + "temperature \(c.temperature), ECE \(c.eceBefore) -> \(c.eceAfter)")
        }
    }
}

/// Turns training events into progress lines: redrawn in place on a terminal, one line every
/// few seconds otherwise (CI logs).
final class ProgressPrinter {
    private let interactive = isatty(STDERR_FILENO) != 0
    private var lastLine = Date.distantPast

    func handle(_ event: TrainingEvent) {
        switch event {
        case let .batch(epoch, epochs, done, total, loss, accuracy, speed, eta):
            let fraction = Double(done) / Double(total)
            let width = 24, filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            let line = String(format: "epoch %d/%d [%@] %3.0f%%  loss %.4f  acc %.2f%%  %.0f img/s  ETA %@",
                              epoch, epochs, bar, fraction * 100, loss, accuracy * 100, speed, formatDuration(eta))
            if interactive {
                printError("\r" + line, terminator: "")
            } else if Date().timeIntervalSince(lastLine) >= 5 {
                lastLine = Date()
                printError(line)
            }
        case let .epoch(r):
            let summary = String(format: "epoch %d: loss %.4f  train acc %.2f%%  test acc %.2f%%  %.1f s  lr %.2g",
                                 r.epoch, r.loss, r.trainAccuracy * 100, r.testAccuracy * 100, r.seconds, r.learningRate)
            printError((interactive ? "\r\u{1B}[K" : "") + summary)
        }
    }
}

func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "?" }
    let s = Int(seconds.rounded())
    return s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
}
