/// What the trainer reports while it works; the CLI turns these into lines.
public enum TrainingEvent {
    /// Within an epoch: images done so far, running loss and accuracy, throughput.
    case batch(epoch: Int, epochs: Int, done: Int, total: Int, loss: Float, accuracy: Float, imagesPerSecond: Double, etaSeconds: Double)
    case epoch(EpochRecord)
}

/// One epoch's summary, also stored in the model file's training history.
public struct EpochRecord: Codable, Sendable, Equatable {
    public var epoch: Int
    public var loss: Float
    public var trainAccuracy: Float
    public var testAccuracy: Float
    public var seconds: Double
    public var learningRate: Float

    enum CodingKeys: String, CodingKey {
        case epoch, loss, seconds
        case trainAccuracy = "train_accuracy", testAccuracy = "test_accuracy", learningRate = "learning_rate"
    }
}
