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

    /// Trains for `config.epochs` epochs. Measures accuracy on `test` (if given) at the end of
    /// every epoch and, with `evaluateEvery`, every that many steps; stops early once it
    /// reaches `stopAtAccuracy`. `shouldStop` is polled between batches (Ctrl-C).
    ///
    /// Throws when `data` is empty and when the loss or the weights stop being finite (the
    /// model is then junk: the caller must not write it). Evaluating does not change the
    /// weights, so the same run with or without `evaluateEvery` trains identically.
    @discardableResult
    public func train(on data: Dataset, test: Dataset?, evaluateEvery: Int? = nil, stopAtAccuracy: Float? = nil,
                      report: (TrainingEvent) throws -> Void, shouldStop: () -> Bool = { false }) throws -> TrainingRun {
        let n = data.count, bs = config.batchSize
        guard n > 0 else { throw TrainingError("\(data.source): no training images") }
        let stepsPerEpoch = (n + bs - 1) / bs
        let totalSteps = stepsPerEpoch * config.epochs
        var run = TrainingRun(history: [], evaluations: [], stop: .completed, steps: 0)
        var order = SeededRNG(seed: config.seed, stream: 0x5EED)
        let trainingStart = Date()
        var evaluationSeconds = 0.0
        var sinceEvaluation = (loss: 0.0, images: 0)  // for EvaluationPoint.trainLoss

        /// Measures the test set (nil without one), records and reports the point.
        func evaluate(rate: Float) throws -> Float? {
            guard let test else { return nil }
            let start = Date()
            let accuracy = self.accuracy(on: test)
            evaluationSeconds += Date().timeIntervalSince(start)
            let point = EvaluationPoint(
                epoch: Double(run.steps) / Double(stepsPerEpoch), step: run.steps,
                elapsedSeconds: Date().timeIntervalSince(trainingStart), evaluationSeconds: evaluationSeconds,
                trainLoss: Float(sinceEvaluation.loss / Double(max(1, sinceEvaluation.images))),
                testAccuracy: accuracy, learningRate: rate)
            sinceEvaluation = (0, 0)
            run.evaluations.append(point)
            try report(.evaluation(point))
            return accuracy
        }

        for epoch in 1...max(1, config.epochs) {
            let permutation = order.permutation(n)
            let start = Date()
            var lossSum = 0.0, correct = 0, seen = 0
            var lastReport = Date.distantPast
            var rate: Float = 0
            var testAccuracy: Float? = nil
            for step in 0..<stepsPerEpoch {
                if shouldStop() { run.stop = .interrupted; return run }
                let lo = step * bs, hi = min(n, lo + bs)
                let indices = Array(permutation[lo..<hi])
                let labels = loadBatch(data, indices: indices, epoch: epoch, augment: config.augment)
                rate = schedule.rate(at: Double(run.steps) / Double(totalSteps))
                let result = labels.withUnsafeBufferPointer { lp -> SoftmaxCrossEntropy.Result in
                    let logits = network.forward(input, training: true)
                    return SoftmaxCrossEntropy.forwardBackward(logits: logits, labels: lp.baseAddress!, grad: dlogits)
                }
                guard result.loss.isFinite else {
                    throw TrainingError.diverged(epoch: epoch, step: step + 1, loss: result.loss)
                }
                network.backward(dlogits)
                optimizer.step(network.parameters, learningRate: rate)
                run.steps += 1
                lossSum += Double(result.loss) * Double(indices.count)
                sinceEvaluation.loss += Double(result.loss) * Double(indices.count)
                sinceEvaluation.images += indices.count
                correct += result.correct
                seen += indices.count
                let now = Date()
                if now.timeIntervalSince(lastReport) >= 0.5 || hi == n {
                    lastReport = now
                    let elapsed = now.timeIntervalSince(start)
                    let speed = Double(seen) / max(elapsed, 1e-9)
                    let remaining = Double(n - seen + (config.epochs - epoch) * n) / speed
                    try report(.batch(epoch: epoch, epochs: config.epochs, done: seen, total: n,
                                  loss: Float(lossSum / Double(seen)), accuracy: Float(correct) / Float(seen),
                                  imagesPerSecond: speed, etaSeconds: remaining))
                }
                let endOfEpoch = step == stepsPerEpoch - 1
                if endOfEpoch || (evaluateEvery.map { run.steps % $0 == 0 } ?? false) {
                    try checkWeights(epoch: epoch, step: step + 1)
                    testAccuracy = try evaluate(rate: rate)
                    if let target = stopAtAccuracy, let accuracy = testAccuracy, accuracy >= target {
                        run.stop = .reachedAccuracy
                    }
                }
                if run.stop == .reachedAccuracy { break }
            }
            let seconds = Date().timeIntervalSince(start)
            let record = EpochRecord(epoch: epoch, loss: Float(lossSum / Double(seen)),
                                     trainAccuracy: Float(correct) / Float(seen),
                                     testAccuracy: testAccuracy ?? 0,  // 0: no test set given (JSON has no NaN)
                                     seconds: (seconds * 1000).rounded() / 1000, learningRate: rate)
            run.history.append(record)
            try report(.epoch(record))
            if run.stop == .reachedAccuracy { break }
        }
        return run
    }

    /// Throws when a weight (or a batch-norm statistic) is no longer finite: a last step can
    /// blow the weights up while its own loss was still finite.
    private func checkWeights(epoch: Int, step: Int) throws {
        for p in network.parameters where !p.value.allSatisfy(\.isFinite) {
            throw TrainingError("training diverged at epoch \(epoch) step \(step): \(p.name) is not finite")
        }
        for case let bn as BatchNorm2D in network.layers
            where !(bn.runningMean.allSatisfy(\.isFinite) && bn.runningVar.allSatisfy(\.isFinite)) {
            throw TrainingError("training diverged at epoch \(epoch) step \(step): \(bn.name) statistics are not finite")
        }
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
