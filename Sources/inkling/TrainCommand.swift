import ArgumentParser
import Foundation
import InklingCore

/// Set by the SIGINT handler; the trainer polls it between batches.
nonisolated(unsafe) private var interrupted = false

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model on MNIST and write it as a model file (format v1).",
        discussion: """
        Holds out the last 5,000 training images (1/10 of a smaller set) to fit the confidence \
        temperature, trains on the rest with on-the-fly augmentation, measures test accuracy after \
        every epoch (and every --eval-every steps), then writes the model (batch norm folded, \
        float16) atomically: Ctrl-C leaves the previous file untouched. Same seed, data and \
        options give a byte-identical file; the weights do not depend on --threads.

        Refuses fewer than 100 training images after the hold-out (or fewer than one batch, or \
        10 of any digit) and an empty test set. A loss that stops being finite ends training \
        with an error and writes nothing.

        --json prints one JSON object per evaluation on stdout: epoch (fractional mid-epoch), \
        step, elapsed_s (wall clock since training started, evaluations included), eval_s (the \
        part spent evaluating), train_loss (mean since the previous evaluation), test_accuracy \
        (0-1), learning_rate. Progress stays on stderr.

        --extra FILE adds the taught examples of a teach file (docs/teach-format.md) to the \
        training set, each \(ExtraExamples.defaultRepeats) times and augmented like the rest, so a \
        user's corrections can be baked into the shipped model; the file's name and SHA-256 are \
        recorded in the model.
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
    @Option(help: "Also measure test accuracy every N steps (mini-batches), not only at each epoch's end.") var evalEvery: Int?
    @Option(help: "Stop once test accuracy reaches A (0-1), then export, calibrate and write as usual.") var stopAtAccuracy: Float?
    @Flag(help: "Print one JSON object per evaluation on stdout (see above).") var json = false
    @Option(help: "Teach file whose examples are added to the training set (docs/teach-format.md).") var extra: String?
    @Option(help: "Where to write the model.") var out = "weights/model.json"

    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1") }
        guard Architecture(rawValue: architecture) != nil else { throw ValidationError("--architecture must be inkling or refnet") }
        guard TrainingConfig.OptimizerKind(rawValue: optimizer) != nil else { throw ValidationError("--optimizer must be adam or sgd") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        guard learningRate > 0 && learningRate.isFinite else { throw ValidationError("--lr must be a positive number") }
        guard weightDecay >= 0 && weightDecay.isFinite else { throw ValidationError("--weight-decay must be 0 or more") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if let evalEvery, evalEvery < 1 { throw ValidationError("--eval-every must be at least 1") }
        if let a = stopAtAccuracy, !(a > 0 && a <= 1) { throw ValidationError("--stop-at-accuracy must be in (0, 1]") }
    }

    var settings: TrainingSettings {
        var s = TrainingSettings()
        s.config.architecture = Architecture(rawValue: architecture)!
        s.config.epochs = epochs; s.config.seed = seed; s.config.batchSize = batchSize
        s.config.optimizer = TrainingConfig.OptimizerKind(rawValue: optimizer)!
        s.config.learningRate = learningRate; s.config.weightDecay = weightDecay
        s.config.augment = !noAugment
        if s.config.architecture == .refnet { s.config.dropout = 0 }
        s.limit = limit; s.threads = threadOptions.threads
        s.evaluateEvery = evalEvery; s.stopAtAccuracy = stopAtAccuracy
        return s
    }

    func run() throws {
        try reportingErrors {
            var settings = self.settings
            if let extra {  // read before the data, so a bad file is refused at once
                let file = try TeachFile.load(path: extra)
                settings.extra = ExtraExamples(name: (extra as NSString).lastPathComponent, sha256: try FileDigest.sha256(path: extra),
                                               examples: file.examples)
                printError("extra: \(file.examples.count) taught example(s) from \(extra), each \(ExtraExamples.defaultRepeats) times")
            }
            let source = try dataOptions.locate()
            printError("data: \(source)")
            let pipeline = try TrainingPipeline(source: source, settings: settings)
            let network = pipeline.trainer.network
            printError("model: \(architecture), \(network.parameterCount) parameters, \(network.multiplyAdds) multiply-adds/image; "
                       + "training on \(pipeline.train.count), calibrating on \(pipeline.holdout.count), "
                       + "testing on \(pipeline.test.count) images, \(threadOptions.threads) thread(s)")
            signal(SIGINT) { _ in interrupted = true }
            let progress = ProgressPrinter(json: json)
            let outcome = try pipeline.run(report: progress.handle, shouldStop: { interrupted })
            guard let file = outcome.file, let evaluation = outcome.evaluation else {
                printError("\ninterrupted after \(outcome.run.history.count) epoch(s): \(out) was not written")
                throw ExitCode(130)
            }
            try TrainingPipeline.write(file, to: out)
            // Wall-clock figures go to the log, not the file (it must be byte-identical on retraining).
            let points = outcome.run.evaluations
            let to99 = points.first { $0.testAccuracy >= 0.99 }
            let total = points.last?.elapsedSeconds ?? 0, evalTotal = points.last?.evaluationSeconds ?? 0
            printError(String(format: "trained in %.1f s (%.1f s of it evaluating)", total, evalTotal)
                       + (to99.map { String(format: "; 99%% test accuracy after %.1f s, epoch %.2f", $0.elapsedSeconds, $0.epoch) } ?? "")
                       + (outcome.run.stop == .reachedAccuracy ? "; stopped at the --stop-at-accuracy target" : ""))
            let c = file.calibration
            let summary = "wrote \(out): test accuracy \(String(format: "%.2f%%", evaluation.accuracy * 100)) (\(evaluation.correct)/\(evaluation.count)), "
                + "temperature \(c.temperature), ECE \(c.eceBefore) -> \(c.eceAfter)"
            if json { printError(summary) } else { print(summary) }
        }
    }
}

/// Turns training events into progress lines: redrawn in place on a terminal, one line every
/// few seconds otherwise (CI logs).
final class ProgressPrinter {
    private let interactive = isatty(STDERR_FILENO) != 0
    private var lastLine = Date.distantPast
    /// Also print each evaluation as a JSON line on stdout.
    private let json: Bool

    init(json: Bool) { self.json = json }

    func handle(_ event: TrainingEvent) throws {
        switch event {
        case let .evaluation(p):
            guard json else { return }
            func r(_ x: Double, _ digits: Double) -> Double { (x * digits).rounded() / digits }
            let line = try jsonLine([
                "epoch": r(p.epoch, 1e4), "step": p.step, "elapsed_s": r(p.elapsedSeconds, 1e3),
                "eval_s": r(p.evaluationSeconds, 1e3), "train_loss": r(Double(p.trainLoss), 1e6),
                "test_accuracy": r(Double(p.testAccuracy), 1e6), "learning_rate": Double(p.learningRate.description) ?? Double(p.learningRate),  // shortest Float form
            ])
            if interactive { printError("\r\u{1B}[K", terminator: "") }
            print(line)
            fflush(stdout)
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
