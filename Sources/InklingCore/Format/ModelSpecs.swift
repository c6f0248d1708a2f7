/// The parts of the model file (see docs/weights-format.md), as Codable structs whose
/// coding keys are the file's snake_case names.

public struct InputSpec: Codable, Sendable, Equatable {
    public var height = 28, width = 28, channels = 1
    /// Pixels in [0,1] (1 = ink) become (x - mean) / std before the first layer.
    public var mean: Float, std: Float
    public init(mean: Float, std: Float) { self.mean = mean; self.std = std }
}

public struct LayerSpec: Codable, Sendable, Equatable {
    public var type: String
    public var name: String
    public var inputShape: [Int]
    public var outputShape: [Int]
    // conv2d
    public var inChannels: Int?, outChannels: Int?, kernel: Int?, stride: Int?, padding: Int?
    // maxpool2d
    public var size: Int?
    // dense
    public var inFeatures: Int?, outFeatures: Int?
    // conv2d, dense: tensor names
    public var weight: String?, bias: String?

    public init(type: String, name: String, inputShape: [Int], outputShape: [Int]) {
        self.type = type; self.name = name; self.inputShape = inputShape; self.outputShape = outputShape
    }

    enum CodingKeys: String, CodingKey {
        case type, name, kernel, stride, padding, size, weight, bias
        case inputShape = "input_shape", outputShape = "output_shape"
        case inChannels = "in_channels", outChannels = "out_channels"
        case inFeatures = "in_features", outFeatures = "out_features"
    }

}

public struct Calibration: Codable, Sendable, Equatable {
    /// Probabilities are softmax(logits / temperature).
    public var temperature: Float
    /// A prediction whose top calibrated probability is below this is `unsure`.
    public var unsureBelow: Float
    public var fittedOn: String
    public var eceBefore: Float, eceAfter: Float
    public var nllBefore: Float, nllAfter: Float

    public init(temperature: Float, unsureBelow: Float, fittedOn: String, eceBefore: Float, eceAfter: Float, nllBefore: Float, nllAfter: Float) {
        self.temperature = temperature; self.unsureBelow = unsureBelow; self.fittedOn = fittedOn
        self.eceBefore = eceBefore; self.eceAfter = eceAfter; self.nllBefore = nllBefore; self.nllAfter = nllAfter
    }

    /// No calibration: temperature 1.
    public static let identity = Calibration(temperature: 1, unsureBelow: 0.75, fittedOn: "none", eceBefore: 0, eceAfter: 0, nllBefore: 0, nllAfter: 0)

    enum CodingKeys: String, CodingKey {
        case temperature
        case unsureBelow = "unsure_below", fittedOn = "fitted_on"
        case eceBefore = "ece_before", eceAfter = "ece_after", nllBefore = "nll_before", nllAfter = "nll_after"
    }
}

public struct DataFileInfo: Codable, Sendable, Equatable {
    public var file: String
    public var sha256: String
    public init(file: String, sha256: String) { self.file = file; self.sha256 = sha256 }
}

public struct TrainingInfo: Codable, Sendable, Equatable {
    public var command: String
    public var architecture: String
    public var seed: UInt64
    public var epochs: Int
    public var batchSize: Int
    public var optimizer: String
    public var learningRateSchedule: String
    public var weightDecay: Float
    public var dropout: Float
    public var augmentation: String
    public var data: [DataFileInfo]
    public var trainCount: Int
    public var threads: Int
    /// Accuracy of the exported (float16, batch-norm folded) model on the test set.
    public var testAccuracy: Float
    public var testCount: Int
    public var history: [EpochRecord]

    public init(command: String, architecture: String, seed: UInt64, epochs: Int, batchSize: Int, optimizer: String,
                learningRateSchedule: String, weightDecay: Float, dropout: Float, augmentation: String,
                data: [DataFileInfo], trainCount: Int, threads: Int, testAccuracy: Float, testCount: Int, history: [EpochRecord]) {
        self.command = command; self.architecture = architecture; self.seed = seed; self.epochs = epochs
        self.batchSize = batchSize; self.optimizer = optimizer; self.learningRateSchedule = learningRateSchedule
        self.weightDecay = weightDecay; self.dropout = dropout; self.augmentation = augmentation; self.data = data
        self.trainCount = trainCount; self.threads = threads; self.testAccuracy = testAccuracy
        self.testCount = testCount; self.history = history
    }

    enum CodingKeys: String, CodingKey {
        case command, architecture, seed, epochs, optimizer, dropout, augmentation, data, threads, history
        case batchSize = "batch_size", learningRateSchedule = "learning_rate_schedule", weightDecay = "weight_decay"
        case trainCount = "train_count", testAccuracy = "test_accuracy", testCount = "test_count"
    }
}
