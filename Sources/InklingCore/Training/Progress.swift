/// What the trainer reports while it works; the CLI turns these into lines.
public enum TrainingEvent {
    /// Within an epoch: images done so far, running loss and accuracy, throughput.
    case batch(epoch: Int, epochs: Int, done: Int, total: Int, loss: Float, accuracy: Float, imagesPerSecond: Double, etaSeconds: Double)
    case epoch(EpochRecord)
}

/// One epoch's summary, also stored in the model file's training history.
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
