import XCTest
import InklingCore

/// The fused path (ConvBlock: conv + bias + batch norm + ReLU + 2x2 max-pool per chunk) against
/// the per-layer path (Conv2D, BatchNorm2D, ReLU, MaxPool2D one after another): forward
/// outputs, every parameter gradient and the batch-norm running statistics; and the same
/// fused results, bit for bit, for 1, 2 and 3 threads.
final class FusedEngineTests: XCTestCase {
    /// Largest |a - b| relative to the largest |b| (at least 1e-3), over the whole tensor.
    func relativeError(_ a: [Float], _ b: [Float]) -> Double {
        precondition(a.count == b.count)
        let scale = max(1e-3, b.map { Double(abs($0)) }.max() ?? 0)
        var worst = 0.0
        for i in 0..<a.count { worst = max(worst, Double(abs(a[i] - b[i])) / scale) }
        return worst
    }

    func randomInput(_ n: Int, _ shape: Shape, seed: UInt64) -> Tensor {
        var rng = SeededRNG(seed: seed)
        return Tensor(batch: n, shape: shape, data: (0..<(n * shape.size)).map { _ in rng.normal() })
    }

    struct StepResult {
        var logits: [Float], inference: [Float], grads: [[Float]], running: [[Float]]
    }

    /// Two training steps' worth of forward (training), backward and a forward in inference mode.
    func step(_ network: Network, _ x: Tensor, _ dlogits: Tensor) -> StepResult {
        let logits = network.forward(x, training: true).values
        network.backward(dlogits)
        let grads = network.parameters.map(\.grad)
        let running = network.layers.compactMap { $0 as? BatchNorm2D }.flatMap { [$0.runningMean, $0.runningVar] }
        let inference = network.forward(x, training: false).values
        return StepResult(logits: logits, inference: inference, grads: grads, running: running)
    }

    func compareFusedWithPerLayer(_ build: @escaping () -> Network, batch n: Int, file: StaticString = #filePath, line: UInt = #line) {
        let (fused, plain) = (build(), build())
        plain.fused = false
        XCTAssertGreaterThan(fused.fusedBlockCount, 0, "no block was fused", file: file, line: line)
        let x = randomInput(n, fused.layers[0].inputShape, seed: 11)
        let dlogits = randomInput(n, fused.layers.last!.outputShape, seed: 12)
        for round in 0..<2 {
            let a = step(fused, x, dlogits), b = step(plain, x, dlogits)
            XCTAssertLessThan(relativeError(a.logits, b.logits), 1e-5, "logits, round \(round)", file: file, line: line)
            XCTAssertLessThan(relativeError(a.inference, b.inference), 1e-5, "inference logits, round \(round)", file: file, line: line)
            for (p, name) in fused.parameters.map(\.name).enumerated() {
                let e = relativeError(a.grads[p], b.grads[p])
                XCTAssertLessThan(e, 1e-4, "gradient of \(name), round \(round)", file: file, line: line)
            }
            for (i, r) in a.running.enumerated() {
                XCTAssertLessThan(relativeError(r, b.running[i]), 1e-5, "running statistics \(i)", file: file, line: line)
            }
            // Take the same small SGD step on both so round 2 starts from moved weights.
            for net in [fused, plain] { for p in net.parameters { for i in 0..<p.value.count { p.value[i] -= 0.01 * p.grad[i] } } }
        }
    }

    func testShippedArchitectureFusedMatchesPerLayer() {
        // 10 images: conv1 is cut into 4 chunks of at most 3, so chunk sums are exercised.
        compareFusedWithPerLayer({ Architecture.inkling.build(seed: 5, dropout: 0) }, batch: 10)
    }

    func testRefnetFusedMatchesPerLayer() {
        compareFusedWithPerLayer({ Architecture.refnet.build(seed: 6) }, batch: 7)
    }

    func testBatchOfOneAndOddPoolInputMatchPerLayer() {
        compareFusedWithPerLayer({ Architecture.inkling.build(seed: 7, dropout: 0) }, batch: 1)
        // Conv output 7x5 (odd): the pool drops the last row and column; batch norm, no dropout.
        let build = { () -> Network in
            var rng = SeededRNG(seed: 8)
            let conv = Conv2D(name: "c", input: Shape(2, 7, 5), outChannels: 3, kernel: 3, padding: 1, rng: &rng)
            let bn = BatchNorm2D(name: "bn", input: conv.outputShape)
            let relu = ReLU(name: "r", input: conv.outputShape)
            let pool = MaxPool2D(name: "p", input: conv.outputShape)
            let conv2 = Conv2D(name: "c2", input: pool.outputShape, outChannels: 4, kernel: 3, padding: 1, rng: &rng)
            let relu2 = ReLU(name: "r2", input: conv2.outputShape)
            let flat = Flatten(name: "f", input: conv2.outputShape)
            let dense = Dense(name: "d", input: flat.outputShape, outFeatures: 3, rng: &rng)
            for i in 0..<3 { bn.gamma.value[i] = 0.5 + Float(i); bn.beta.value[i] = 0.1 * Float(i) }
            return Network(layers: [conv, bn, relu, pool, conv2, relu2, flat, dense], architecture: .inkling)
        }
        compareFusedWithPerLayer(build, batch: 5)
    }

    /// Same seed and data: identical weights (bit for bit) after training with 1, 2 and 3 threads.
    func testFusedTrainingIsIdenticalForOneTwoAndThreeThreads() throws {
        var rng = SeededRNG(seed: 3)
        let n = 200
        let data = Dataset(images: (0..<(n * 784)).map { _ in UInt8(truncatingIfNeeded: rng.next()) },
                           labels: (0..<n).map { _ in UInt8(rng.next() % 10) }, rows: 28, cols: 28, source: "random")
        for architecture in [Architecture.inkling, .refnet] {
            var weights: [[[Float]]] = []
            for threads in [1, 2, 3] {
                var config = TrainingConfig()
                config.architecture = architecture
                config.epochs = 1; config.batchSize = 64
                let trainer = Trainer(config: config, threads: threads)
                try trainer.train(on: data, test: nil, report: { _ in })
                weights.append(trainer.network.parameters.map(\.value)
                               + trainer.network.layers.compactMap { $0 as? BatchNorm2D }.flatMap { [$0.runningMean, $0.runningVar] })
            }
            XCTAssertEqual(weights[0], weights[1], "\(architecture): 1 and 2 threads differ")
            XCTAssertEqual(weights[0], weights[2], "\(architecture): 1 and 3 threads differ")
        }
    }

    /// Classifier: fused chunks, batch-1 and any thread count agree with the per-layer pass.
    func testClassifierFusedBatchesMatchPerLayerActivations() {
        let trainer = Trainer(config: TrainingConfig(), threads: 1)
        let file = ModelExport.modelFile(of: trainer, dtype: .float32, training: TrainingInfo(
            command: "test", architecture: "inkling", seed: 1, epochs: 0, batchSize: 64, optimizer: "", learningRateSchedule: "",
            weightDecay: 0, dropout: 0, augmentation: "", data: [], trainCount: 0, threads: 1, testAccuracy: 0, testCount: 0, history: []))
        var rng = SeededRNG(seed: 4)
        let count = 37
        let images = (0..<(count * 784)).map { _ in rng.uniform() }
        let one = Classifier(file, threads: 1), three = Classifier(file, threads: 3)
        let batched = one.logits(batch: images, count: count)
        XCTAssertEqual(batched, three.logits(batch: images, count: count), "thread count changed the logits")
        for i in [0, 15, 16, 36] {
            let image = Array(images[(i * 784)..<((i + 1) * 784)])
            let perLayer = one.activations(image).last!.values
            XCTAssertLessThan(relativeError(Array(batched[(i * 10)..<(i * 10 + 10)]), perLayer), 1e-5, "image \(i)")
            XCTAssertLessThan(relativeError(one.logits(batch: image, count: 1), perLayer), 1e-5, "batch-1 path, image \(i)")
        }
    }
}
