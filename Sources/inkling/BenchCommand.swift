import ArgumentParser
import Foundation
import InklingCore

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure training and inference throughput (images/s) and batch-1 latency for refnet and the shipped model.",
        discussion: """
        refnet is the peers' reference net, trained as they do (SGD momentum 0.9, lr 0.01, batch 64,
        no augmentation); inference runs the exported model file (batch norm folded, no dropout) through
        Classifier, in batches of 1,000, and batch-1 latency is the median over single images. The
        shipped model trains with its own recipe (Adam, augmentation, dropout). Each figure is the median
        of --repeats timed runs after a warm-up. Compare with ../shared/bench/peers (scripts/bench.sh runs both in one sitting).
        """)

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var threadOptions: ThreadOptions
    @Option(help: "Images per timed training run.") var trainImages = 6400
    @Option(help: "Images per timed inference run.") var inferImages = 10000
    @Option(help: "Timed runs per figure (the median is reported).") var repeats = 5
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        try reportingErrors {
            // Real digits when available; the work per image does not depend on the pixels.
            let data: Dataset
            if let source = try? dataOptions.locate(), let d = try? source.load(split: .train) {
                data = d.prefix(max(trainImages, inferImages))
            } else {
                var rng = SeededRNG(seed: 7)
                let n = max(trainImages, inferImages)
                data = Dataset(images: (0..<(n * 784)).map { _ in UInt8(truncatingIfNeeded: rng.next()) },
                               labels: (0..<n).map { _ in UInt8(rng.next() % 10) }, rows: 28, cols: 28, source: "random")
            }
            let trainSet = data.prefix(trainImages), inferSet = data.prefix(inferImages)

            var refnet = TrainingConfig()
            refnet.architecture = .refnet; refnet.optimizer = .sgd; refnet.learningRate = 0.01
            refnet.constantLearningRate = true; refnet.weightDecay = 0; refnet.dropout = 0; refnet.augment = false
            let shipped = TrainingConfig()

            var results: [String: Any] = ["threads": threadOptions.threads, "repeats": repeats,
                                          "train_images": trainSet.count, "infer_images": inferSet.count, "data": data.source]
            for (name, config) in [("refnet", refnet), ("model", shipped)] {
                let train = median(try (0..<repeats).map { _ in try trainingRate(config, trainSet) })
                let classifier = exportedClassifier(config)
                let infer = median((0..<repeats).map { _ in inferenceRate(classifier, inferSet) })
                let latency = median((0..<repeats).map { _ in batchOneMicroseconds(classifier, inferSet) })
                results["\(name)_train_images_per_s"] = (train * 10).rounded() / 10
                results["\(name)_infer_images_per_s"] = (infer * 10).rounded() / 10
                results["\(name)_infer_b1_us"] = (latency * 10).rounded() / 10
                if !json {
                    print(String(format: "%@: train %.0f images/s, batch-1000 inference %.0f images/s, batch-1 %.1f us (median of %d, %d thread(s))",
                                 name, train, infer, latency, repeats, threadOptions.threads))
                }
            }
            if json { print(try jsonLine(results)) }
        }
    }

    /// Images/s for one epoch over `data` after a short warm-up (buffers sized, caches hot).
    private func trainingRate(_ config: TrainingConfig, _ data: Dataset) throws -> Double {
        var c = config
        c.epochs = 1
        let trainer = Trainer(config: c, threads: threadOptions.threads)
        try trainer.train(on: data.prefix(640), test: nil, report: { _ in })
        let start = Date()
        try trainer.train(on: data, test: nil, report: { _ in })
        return Double(data.count) / Date().timeIntervalSince(start)
    }

    /// The inference path as `predict` and `evaluate` run it: the model file of a (briefly
    /// trained) network, batch norm folded, loaded by Classifier.
    private func exportedClassifier(_ config: TrainingConfig) -> Classifier {
        var c = config
        c.epochs = 1
        let trainer = Trainer(config: c, threads: threadOptions.threads)
        let file = ModelExport.modelFile(of: trainer, dtype: .float32, training: TrainingInfo(
            command: "bench", architecture: c.architecture.rawValue, seed: c.seed, epochs: 0, batchSize: c.batchSize,
            optimizer: trainer.optimizerDescription, learningRateSchedule: trainer.scheduleDescription,
            weightDecay: c.weightDecay, dropout: c.dropout, augmentation: "none", data: [], trainCount: 0,
            threads: threadOptions.threads, testAccuracy: 0, testCount: 0, history: []))
        return Classifier(file, threads: threadOptions.threads)
    }

    /// Images/s for batches of 1,000.
    private func inferenceRate(_ classifier: Classifier, _ data: Dataset) -> Double {
        let inputs = data.images.map { Float($0) / 255 }
        let chunk = 1000 * 784
        _ = classifier.logits(batch: Array(inputs[0..<min(inputs.count, chunk)]), count: min(1000, data.count))
        let start = Date()
        for lo in stride(from: 0, to: data.count, by: 1000) {
            let n = min(1000, data.count - lo)
            _ = classifier.logits(batch: Array(inputs[(lo * 784)..<((lo + n) * 784)]), count: n)
        }
        return Double(data.count) / Date().timeIntervalSince(start)
    }

    /// Median microseconds of one `predict` call on a single image (1,000 calls after 200 warm-up).
    private func batchOneMicroseconds(_ classifier: Classifier, _ data: Dataset) -> Double {
        let images = (0..<min(100, data.count)).map { i in (0..<784).map { Float(data.images[i * 784 + $0]) / 255 } }
        for i in 0..<200 { _ = classifier.predict(images[i % images.count]) }
        var times: [Double] = []
        times.reserveCapacity(1000)
        for i in 0..<1000 {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = classifier.predict(images[i % images.count])
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1000)
        }
        return median(times)
    }

    private func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
