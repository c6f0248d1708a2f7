import Foundation

/// Everything that determines a training run. Same config + same data (+ same thread count)
/// = bit-identical weights.
public struct TrainingConfig: Sendable {
    public var architecture: Architecture = .inkling
    public var epochs = 15
    public var batchSize = 64
    public var seed: UInt64 = 1
    public enum OptimizerKind: String, Sendable { case adam, sgd }
    public var optimizer: OptimizerKind = .adam
    public var learningRate: Float = 3e-3
    public var constantLearningRate = false
    public var weightDecay: Float = 1e-4
    public var momentum: Float = 0.9
    public var dropout: Float = 0.25
    public var augment = true
    public var augmentation = Augmentation()
    /// Normalisation applied to [0,1] pixels before the first layer (MNIST's mean and std).
    public var mean: Float = 0.1307
    public var std: Float = 0.3081

    public init() {}
}

/// The mini-batch training loop: shuffle, augment, forward, loss, backward, step.
public final class Trainer {
    public let config: TrainingConfig
    public let network: Network
    private let optimizer: Optimizer
    private let schedule: LearningRateSchedule
    private let input = Tensor()
    private let dlogits = Tensor()

    /// Workers for the engine and the batch loader; weights do not depend on it.
    public var threads: Int { network.threads }

    public init(config: TrainingConfig, threads: Int = 1) {
        self.config = config
        network = config.architecture.build(seed: config.seed, dropout: config.dropout, threads: threads)
        switch config.optimizer {
        case .adam: optimizer = Adam(weightDecay: config.weightDecay)
        case .sgd: optimizer = SGD(momentum: config.momentum, weightDecay: config.weightDecay)
        }
        schedule = LearningRateSchedule(peak: config.learningRate, constant: config.constantLearningRate)
    }

    public var optimizerDescription: String { optimizer.description }
    public var scheduleDescription: String { schedule.description }

    /// Trains for `config.epochs` epochs; after each, measures accuracy on `test` (if given).
    /// `shouldStop` is polled between batches (Ctrl-C); returns the epochs completed.
    @discardableResult
    public func train(on data: Dataset, test: Dataset?, report: (TrainingEvent) -> Void,
                      shouldStop: () -> Bool = { false }) -> [EpochRecord] {
        let n = data.count, bs = config.batchSize
        let stepsPerEpoch = (n + bs - 1) / bs
        let totalSteps = stepsPerEpoch * config.epochs
        var history: [EpochRecord] = []
        var order = SeededRNG(seed: config.seed, stream: 0x5EED)

        for epoch in 1...max(1, config.epochs) {
            let permutation = order.permutation(n)
            let start = Date()
            var lossSum = 0.0, correct = 0, seen = 0
            var lastReport = Date.distantPast
            var rate: Float = 0
            for step in 0..<stepsPerEpoch {
                if shouldStop() { return history }
                let lo = step * bs, hi = min(n, lo + bs)
                let indices = Array(permutation[lo..<hi])
                let labels = loadBatch(data, indices: indices, epoch: epoch, augment: config.augment)
                rate = schedule.rate(at: Double((epoch - 1) * stepsPerEpoch + step) / Double(totalSteps))
                let result = labels.withUnsafeBufferPointer { lp -> SoftmaxCrossEntropy.Result in
                    let logits = network.forward(input, training: true)
                    return SoftmaxCrossEntropy.forwardBackward(logits: logits, labels: lp.baseAddress!, grad: dlogits)
                }
                network.backward(dlogits)
                optimizer.step(network.parameters, learningRate: rate)
                lossSum += Double(result.loss) * Double(indices.count)
                correct += result.correct
                seen += indices.count
                let now = Date()
                if now.timeIntervalSince(lastReport) >= 0.5 || hi == n {
                    lastReport = now
                    let elapsed = now.timeIntervalSince(start)
                    let speed = Double(seen) / max(elapsed, 1e-9)
                    let remaining = Double(n - seen + (config.epochs - epoch) * n) / speed
                    report(.batch(epoch: epoch, epochs: config.epochs, done: seen, total: n,
                                  loss: Float(lossSum / Double(seen)), accuracy: Float(correct) / Float(seen),
                                  imagesPerSecond: speed, etaSeconds: remaining))
                }
            }
            let seconds = Date().timeIntervalSince(start)
            let testAccuracy = test.map { accuracy(on: $0) } ?? 0  // 0: no test set given (JSON has no NaN)
            let record = EpochRecord(epoch: epoch, loss: Float(lossSum / Double(seen)),
                                     trainAccuracy: Float(correct) / Float(seen), testAccuracy: testAccuracy,
                                     seconds: (seconds * 1000).rounded() / 1000, learningRate: rate)
            history.append(record)
            report(.epoch(record))
        }
        return history
    }

    /// Fills `input` with the normalised (optionally augmented) images and returns the labels.
    /// Each image's augmentation draws from its own stream (seed, epoch, index), so the batch
    /// is the same however the work is split across threads.
    private func loadBatch(_ data: Dataset, indices: [Int], epoch: Int, augment: Bool) -> [UInt8] {
        let pixels = data.pixelsPerImage
        input.resize(batch: indices.count, shape: Shape(1, data.rows, data.cols))
        let (mean, invStd) = (config.mean, 1 / config.std)
        let augmentation = config.augmentation
        let seed = config.seed, threads = self.threads
        data.images.withUnsafeBufferPointer { src in
            input.data.withUnsafeMutableBufferPointer { dst in
                let (s, d) = (src.baseAddress!, dst.baseAddress!)
                parallelFor(indices.count, threads: threads) { b in
                    let out = d + b * pixels, image = s + indices[b] * pixels
                    if augment {
                        var rng = SeededRNG(seed: seed, stream: UInt64(epoch), UInt64(indices[b]))
                        augmentation.apply(image, to: out, rng: &rng)
                        for i in 0..<pixels { out[i] = (out[i] - mean) * invStd }
                    } else {
                        for i in 0..<pixels { out[i] = (Float(image[i]) / 255 - mean) * invStd }
                    }
                }
            }
        }
        return indices.map { data.labels[$0] }
    }

    /// Top-1 accuracy of the current network (inference mode) on `data`.
    public func accuracy(on data: Dataset) -> Float {
        let predictions = predict(data)
        var correct = 0
        for i in 0..<data.count where predictions[i] == Int(data.labels[i]) { correct += 1 }
        return Float(correct) / Float(max(1, data.count))
    }

    /// Argmax predictions of the current network, in batches of 1,000.
    public func predict(_ data: Dataset) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(data.count)
        let chunk = 1000
        for lo in stride(from: 0, to: data.count, by: chunk) {
            let hi = min(data.count, lo + chunk)
            _ = loadBatch(data, indices: Array(lo..<hi), epoch: 0, augment: false)
            let logits = network.forward(input, training: false)
            for b in 0..<(hi - lo) {
                var best = 0
                for j in 1..<10 where logits.data[b * 10 + j] > logits.data[b * 10 + best] { best = j }
                result.append(best)
            }
        }
        return result
    }
}
