import ArgumentParser
import Foundation
import InklingCore

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure training and batch-inference throughput (images/s) for refnet and the shipped model.",
        discussion: """
        refnet is the peers' reference net, trained as they do (SGD momentum 0.9, lr 0.01, batch 64,
        no augmentation); inference runs in batches of 1,000. The shipped model trains with its own
        recipe (Adam, augmentation, dropout). Each figure is the median of --repeats timed runs after a
        warm-up. Compare with ../shared/bench/peers (scripts/bench.sh runs both in one sitting).
        """)

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var threadOptions: ThreadOptions
    @Option(help: "Images per timed training run.") var trainImages = 6400
    @Option(help: "Images per timed inference run.") var inferImages = 10000
    @Option(help: "Timed runs per figure (the median is reported).") var repeats = 5
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        try reportingErrors {
            Engine.configure(threads: threadOptions.threads)
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
                let infer = median((0..<repeats).map { _ in inferenceRate(config, inferSet) })
                results["\(name)_train_images_per_s"] = (train * 10).rounded() / 10
                results["\(name)_infer_images_per_s"] = (infer * 10).rounded() / 10
                if !json {
                    print(String(format: "%@: train %.0f images/s, batch-1000 inference %.0f images/s (median of %d, %d thread(s))",
                                 name, train, infer, repeats, threadOptions.threads))
                }
            }
            if json { print(try jsonLine(results)) }
        }
    }

    /// Images/s for one epoch over `data` after a short warm-up (buffers sized, caches hot).
    private func trainingRate(_ config: TrainingConfig, _ data: Dataset) throws -> Double {
        var c = config
        c.epochs = 1
        let trainer = Trainer(config: c)
        try trainer.train(on: data.prefix(640), test: nil, report: { _ in })
        let start = Date()
        try trainer.train(on: data, test: nil, report: { _ in })
        return Double(data.count) / Date().timeIntervalSince(start)
    }

    private func inferenceRate(_ config: TrainingConfig, _ data: Dataset) -> Double {
        let trainer = Trainer(config: config)
        _ = trainer.predict(data.prefix(1000))
        let start = Date()
        _ = trainer.predict(data)
        return Double(data.count) / Date().timeIntervalSince(start)
    }

    private func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
