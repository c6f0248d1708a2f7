/// What the trainer reports while it works; the CLI turns these into lines.
public enum TrainingEvent {
    /// Within an epoch: images done so far, running loss and accuracy, throughput.
    case batch(epoch: Int, epochs: Int, done: Int, total: Int, loss: Float, accuracy: Float, imagesPerSecond: Double, etaSeconds: Double)
    /// A test-set measurement (each epoch's end, and every `evaluateEvery` steps).
    case evaluation(EvaluationPoint)
    case epoch(EpochRecord)
}

/// One test-set measurement during training (`inkling train --json` prints one per line).
public struct EvaluationPoint: Sendable, Equatable {
    /// Epochs done, fractional mid-epoch: global step / steps per epoch.
    public var epoch: Double
    /// Optimiser steps done since training started.
    public var step: Int
    /// Wall-clock seconds since training started, including the test-set evaluations.
    public var elapsedSeconds: Double
    /// Of `elapsedSeconds`, the time spent evaluating on the test set.
    public var evaluationSeconds: Double
    /// Mean training loss over the steps since the previous evaluation.
    public var trainLoss: Float
    /// Top-1 accuracy on the test set, 0...1.
    public var testAccuracy: Float
    /// The learning rate of the last step.
    public var learningRate: Float

    public init(epoch: Double, step: Int, elapsedSeconds: Double, evaluationSeconds: Double, trainLoss: Float,
                testAccuracy: Float, learningRate: Float) {
        self.epoch = epoch; self.step = step; self.elapsedSeconds = elapsedSeconds
        self.evaluationSeconds = evaluationSeconds; self.trainLoss = trainLoss
        self.testAccuracy = testAccuracy; self.learningRate = learningRate
    }
}

/// One epoch's summary, also stored in the model file's training history (the last one may
/// cover part of an epoch when training stopped at a target accuracy).
/// `seconds` is wall-clock time: reported while training, never written to the file, so that
/// the same training gives a byte-identical model file.
public struct EpochRecord: Codable, Sendable, Equatable {
    public var epoch: Int
    public var loss: Float
    public var trainAccuracy: Float
    public var testAccuracy: Float
    public var seconds: Double = 0
    public var learningRate: Float

    public init(epoch: Int, loss: Float, trainAccuracy: Float, testAccuracy: Float, seconds: Double, learningRate: Float) {
        self.epoch = epoch; self.loss = loss; self.trainAccuracy = trainAccuracy
        self.testAccuracy = testAccuracy; self.seconds = seconds; self.learningRate = learningRate
    }

    enum CodingKeys: String, CodingKey {
        case epoch, loss
        case trainAccuracy = "train_accuracy", testAccuracy = "test_accuracy", learningRate = "learning_rate"
    }
}

/// Why training ended.
public enum TrainingStop: String, Sendable, Equatable {
    /// Every epoch ran.
    case completed
    /// The test accuracy reached the `stopAtAccuracy` target.
    case reachedAccuracy
    /// `shouldStop` returned true (Ctrl-C).
    case interrupted
}

/// What `Trainer.train` did.
public struct TrainingRun: Sendable {
    /// One record per epoch started (the last may be partial when stopped at a target).
    public var history: [EpochRecord]
    /// Every test-set measurement, in order.
    public var evaluations: [EvaluationPoint]
    public var stop: TrainingStop
    /// Optimiser steps taken.
    public var steps: Int
}

/// Why training failed.
public struct TrainingError: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }

    /// A non-finite loss: the model is junk and must not be written.
    public static func diverged(epoch: Int, step: Int, loss: Float) -> TrainingError {
        let value = loss.isNaN ? "nan" : "\(loss)"  // not "-nan": the sign of a NaN means nothing
        return TrainingError("training diverged at epoch \(epoch) step \(step): loss is \(value)")
    }
}
