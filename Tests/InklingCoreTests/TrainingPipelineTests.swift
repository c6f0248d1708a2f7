import Foundation
import InklingCore
import XCTest

/// The pipeline `inkling train` runs (TrainingPipeline): data checks, divergence, early stop,
/// evaluation points; plus the loss and schedule fixes it depends on.
final class TrainingPipelineTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = try DataFixture.makeTempDirectory()
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    private func path(_ name: String) -> String { (dir as NSString).appendingPathComponent(name) }

    /// Writes an MNIST folder whose train split holds `labels` (images from `pixels`) and whose
    /// test split holds `testCount` images.
    private func writeMNIST(trainLabels labels: [UInt8], testCount: Int = 10) throws {
        try DataFixture.write(DataFixture.gzip(DataFixture.idxImages(count: labels.count, pixels: DataFixture.pixels(count: labels.count))),
                              to: path("train-images-idx3-ubyte.gz"))
        try DataFixture.write(DataFixture.gzip(DataFixture.idxLabels(labels)), to: path("train-labels-idx1-ubyte.gz"))
        let testLabels = (0..<testCount).map { UInt8($0 % 10) }
        try DataFixture.write(DataFixture.gzip(DataFixture.idxImages(count: testCount, pixels: DataFixture.pixels(count: testCount))),
                              to: path("t10k-images-idx3-ubyte.gz"))
        try DataFixture.write(DataFixture.gzip(DataFixture.idxLabels(testLabels)), to: path("t10k-labels-idx1-ubyte.gz"))
    }

    private func assertTooFew(_ fragments: [String], settings: TrainingSettings = TrainingSettings(),
                              file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try TrainingPipeline(source: .mnist(directory: dir), settings: settings)
            XCTFail("expected the data to be refused", file: file, line: line)
        } catch let error as DataFileError {
            XCTAssertEqual(error.kind, .tooFew, "\(error)", file: file, line: line)
            for fragment in fragments {
                XCTAssertTrue(error.description.contains(fragment), "\"\(error)\" lacks \"\(fragment)\"", file: file, line: line)
            }
        } catch {
            XCTFail("expected DataFileError, got \(error)", file: file, line: line)
        }
    }

    // MARK: too little data

    /// 0 images used to give a NaN loss and a crash (SIGILL) when the model was written.
    func testZeroTrainingImagesIsRefused() throws {
        try writeMNIST(trainLabels: [])
        assertTooFew([path("train-images-idx3-ubyte.gz") + ": expected at least 100 training images",
                      "found 0 images, 0 after holding out 0"])
    }

    /// 5 images used to give a junk model and exit 0.
    func testTinyTrainingSetIsRefused() throws {
        try writeMNIST(trainLabels: [0, 1, 2, 3, 4])
        assertTooFew(["train-images-idx3-ubyte.gz: expected at least 100 training images", "found 5 images"])
        // --limit is counted before the hold-out and named in the message.
        try writeMNIST(trainLabels: (0..<300).map { UInt8($0 % 10) })
        var settings = TrainingSettings()
        settings.limit = 50
        assertTooFew(["found 50 images (--limit 50), 45 after holding out 5"], settings: settings)
        // A batch bigger than the training set is refused too.
        settings.limit = nil
        settings.config.batchSize = 512
        assertTooFew(["expected at least 512 training images", "one batch of 512"], settings: settings)
    }

    func testMissingDigitAndEmptyTestSetAreRefused() throws {
        try writeMNIST(trainLabels: (0..<300).map { UInt8($0 % 9) })  // no 9s
        assertTooFew(["train-images-idx3-ubyte.gz: expected at least 10 training images of each digit",
                      "found 0 of digit 9 among 270"])
        try writeMNIST(trainLabels: (0..<300).map { UInt8($0 % 10) }, testCount: 0)
        assertTooFew(["t10k-images-idx3-ubyte.gz: expected at least one test image", "found none"])
        // The trainer itself refuses an empty set (no NaN epoch).
        let empty = Dataset(images: [], labels: [], rows: 28, cols: 28, source: "empty.idx")
        XCTAssertThrowsError(try Trainer(config: TrainingConfig()).train(on: empty, test: nil, report: { _ in })) {
            XCTAssertEqual("\($0)", "empty.idx: no training images")
        }
    }

    // MARK: divergence

    /// A huge learning rate makes the loss NaN: training stops with the documented message
    /// and nothing is written.
    func testNonFiniteLossStopsTrainingWithAClearError() throws {
        let (train, test, _) = try RealData.require()
        var settings = TrainingSettings()
        settings.config.epochs = 1
        settings.config.learningRate = 1e30
        settings.config.augment = false
        let pipeline = try TrainingPipeline(fullTrain: train.prefix(400), test: test.prefix(100), trainFile: "train.idx",
                                            testFile: "test.idx", data: [], settings: settings)
        let out = path("model.json")
        do {
            let outcome = try pipeline.run()
            try TrainingPipeline.write(outcome.file!, to: out)
            XCTFail("training with lr 1e30 must diverge")
        } catch let error as TrainingError {
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("training diverged at epoch 1 step "), message)
            XCTAssertTrue(message.hasSuffix(": loss is nan"), message)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    /// A file holding a NaN is refused with an error naming it, never a crash.
    func testModelFileWithNaNIsNotWritten() throws {
        let trainer = Trainer(config: TrainingConfig())
        var file = TrainingTests.exportFile(trainer, history: [EpochRecord(epoch: 1, loss: .nan, trainAccuracy: 0,
                                                                            testAccuracy: 0, seconds: 0, learningRate: 0)])
        file.calibration.temperature = 1
        XCTAssertThrowsError(try TrainingPipeline.write(file, to: path("nan.json"))) {
            XCTAssertTrue("\($0)".hasPrefix(self.path("nan.json") + ": cannot write nan at .training.history[0].loss"), "\($0)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("nan.json")))
    }

    // MARK: the pipeline end to end on real digits

    /// `--limit 1000` on real digits (the sample's or MNIST's): holds out 100, trains on 900,
    /// calibrates, measures, writes a valid file that reads back.
    func testSmallLimitRunsTheWholePipeline() throws {
        let loaded = try RealData.requireLoaded()
        var settings = TrainingSettings()
        settings.config.epochs = 1
        settings.limit = 1000
        settings.threads = 2
        let pipeline = try TrainingPipeline(source: loaded.source, settings: settings)
        XCTAssertEqual(pipeline.holdout.count, 100)
        XCTAssertEqual(pipeline.train.count, 900)
        XCTAssertEqual(pipeline.holdoutRange, 900..<1000)
        var events = 0
        let outcome = try pipeline.run(report: { if case .evaluation = $0 { events += 1 } })
        XCTAssertEqual(outcome.run.stop, .completed)
        XCTAssertEqual(events, 1, "one evaluation per epoch without --eval-every")
        let file = try XCTUnwrap(outcome.file)
        XCTAssertEqual(file.training.command, "inkling train --epochs 1 --seed 1 --threads 2 --limit 1000")
        XCTAssertEqual(file.training.trainCount, 900)
        XCTAssertEqual(file.calibration.fittedOn, "train[900..<1000] (100 images held out from training)")
        try TrainingPipeline.write(file, to: path("model.json"))
        let back = try ModelFile.load(path: path("model.json"))
        XCTAssertEqual(back.training.testAccuracy, Float(outcome.evaluation!.accuracy))
        XCTAssertGreaterThan(back.training.testAccuracy, 0.5, "900 real digits, one epoch")
    }

    /// `--eval-every` and `--stop-at-accuracy`: fractional epochs, a stop as soon as the
    /// target is met, and a model still exported and calibrated.
    func testStopAtAccuracyStopsMidEpochAndStillExports() throws {
        let (train, test, _) = try RealData.require()
        var settings = TrainingSettings()
        settings.config.epochs = 3
        settings.evaluateEvery = 5
        settings.stopAtAccuracy = 0.6
        let pipeline = try TrainingPipeline(fullTrain: train.prefix(2000), test: test.prefix(300), trainFile: "train",
                                            testFile: "test", data: [], settings: settings)
        var points: [EvaluationPoint] = []
        let outcome = try pipeline.run(report: { if case .evaluation(let p) = $0 { points.append(p) } })
        XCTAssertEqual(outcome.run.stop, .reachedAccuracy)
        XCTAssertEqual(points, outcome.run.evaluations)
        let last = try XCTUnwrap(points.last)
        XCTAssertGreaterThanOrEqual(last.testAccuracy, 0.6)
        XCTAssertTrue(points.dropLast().allSatisfy { $0.testAccuracy < 0.6 }, "stops at the first point reaching the target")
        XCTAssertLessThan(last.epoch, 3, "stopped before the 3 epochs")
        // 1,800 training images, batch 64: 29 steps per epoch; points every 5 steps.
        for (i, p) in points.enumerated() where i < points.count - 1 || p.step % 29 != 0 {
            XCTAssertEqual(p.step % 5 == 0 || p.step % 29 == 0, true)
            XCTAssertEqual(p.epoch, Double(p.step) / 29, accuracy: 1e-9)
        }
        XCTAssertTrue(zip(points, points.dropFirst()).allSatisfy { $0.elapsedSeconds <= $1.elapsedSeconds && $0.step < $1.step })
        XCTAssertTrue(points.allSatisfy { $0.trainLoss.isFinite && $0.trainLoss > 0 && $0.evaluationSeconds <= $0.elapsedSeconds })
        let file = try XCTUnwrap(outcome.file)
        XCTAssertEqual(file.training.history.count, Int(last.epoch.rounded(.up)))
        XCTAssertTrue(file.training.command.contains("--stop-at-accuracy 0.6 --eval-every 5"), file.training.command)
        XCTAssertNotEqual(file.calibration.temperature, 1)
        try TrainingPipeline.write(file, to: path("model.json"))
    }

    /// Measuring the test set mid-epoch does not change the weights.
    func testEvaluatingMoreOftenDoesNotChangeTheWeights() throws {
        let (train, test, _) = try RealData.require()
        func weights(every: Int?) throws -> [[Float]] {
            var config = TrainingConfig()
            config.epochs = 1
            let trainer = Trainer(config: config)
            try trainer.train(on: train.prefix(640), test: test.prefix(100), evaluateEvery: every, report: { _ in })
            return trainer.network.parameters.map(\.value)
        }
        XCTAssertEqual(try weights(every: nil), try weights(every: 3))
    }

    // MARK: loss and schedule

    /// A very wrong logit gives a large finite loss (it used to be +inf) and the right gradient.
    func testCrossEntropyOfAVeryWrongLogitIsFinite() {
        var values = [Float](repeating: 0, count: 20)
        values[0] = 1000      // row 0: sure of 0, label 1
        values[10 + 3] = 2    // row 1: mild, label 3
        let logits = Tensor(batch: 2, shape: Shape(10), data: values), grad = Tensor()
        let labels: [UInt8] = [1, 3]
        let result = labels.withUnsafeBufferPointer {
            SoftmaxCrossEntropy.forwardBackward(logits: logits, labels: $0.baseAddress!, grad: grad)
        }
        // Row 0: log(1 + 9 e^-1000) + 1000 = 1000; row 1: log(e^2 + 9) - 2.
        let row1 = Foundation.log(Foundation.exp(2.0) + 9) - 2
        XCTAssertTrue(result.loss.isFinite, "loss \(result.loss)")
        XCTAssertEqual(Double(result.loss), (1000 + row1) / 2, accuracy: 1e-3)
        XCTAssertEqual(grad.data[1], -0.5, accuracy: 1e-6)  // (p - 1) / N with p = 0
        XCTAssertEqual(grad.data[0], 0.5, accuracy: 1e-6)
    }

    func testScheduleNeverExceedsThePeakAndIsContinuous() {
        let schedule = LearningRateSchedule(peak: 3e-3)
        var previous = schedule.rate(at: 0)
        XCTAssertGreaterThan(previous, 0)
        var highest: (rate: Float, at: Double) = (0, 0), biggestJump: (size: Float, at: Double) = (0, 0)
        let steps = 100_000
        for i in 1..<steps {
            let progress = Double(i) / Double(steps), rate = schedule.rate(at: progress)
            if rate > highest.rate { highest = (rate, progress) }
            if abs(rate - previous) > biggestJump.size { biggestJump = (abs(rate - previous), progress) }
            previous = rate
        }
        XCTAssertLessThanOrEqual(highest.rate, schedule.peak, "above the peak at progress \(highest.at)")
        XCTAssertEqual(highest.rate, schedule.peak, accuracy: schedule.peak * 1e-4, "reaches the peak")
        XCTAssertLessThan(biggestJump.size, schedule.peak * 1e-3, "a jump of \(biggestJump.size) at \(biggestJump.at)")
        // Just before and at the end of warm-up.
        let w = Double(schedule.warmupFraction)
        XCTAssertEqual(schedule.rate(at: w.nextDown), schedule.peak, accuracy: schedule.peak * 1e-4)
        XCTAssertEqual(schedule.rate(at: w), schedule.peak, accuracy: schedule.peak * 1e-6)
        XCTAssertEqual(schedule.rate(at: 1), schedule.peak * schedule.floor, accuracy: schedule.peak * 1e-6)
    }

    // MARK: determinism across thread counts

    /// One epoch on 2,000 real digits (augmentation and dropout on) gives identical weights
    /// with 1, 2 and 3 threads: every reduction's order is fixed by the shapes.
    func testWeightsAreIdenticalForOneTwoAndThreeThreads() throws {
        let (train, _, _) = try RealData.require()
        let data = train.prefix(2000)
        var results: [(threads: Int, tensors: [String: TensorData], state: [[Float]])] = []
        for threads in [1, 2, 3] {
            var config = TrainingConfig()
            config.epochs = 1
            config.seed = 7
            let trainer = Trainer(config: config, threads: threads)
            try trainer.train(on: data, test: nil, report: { _ in })
            let bn = trainer.network.layers.compactMap { $0 as? BatchNorm2D }.flatMap { [$0.runningMean, $0.runningVar] }
            let (_, tensors) = ModelExport.layersAndTensors(of: trainer.network, dtype: .float32)
            results.append((threads, tensors, trainer.network.parameters.map(\.value) + bn))
        }
        for other in results.dropFirst() {
            XCTAssertEqual(other.tensors, results[0].tensors, "exported tensors differ between 1 and \(other.threads) threads")
            for (i, (a, b)) in zip(results[0].state, other.state).enumerated() where a != b {
                let first = a.indices.first { a[$0] != b[$0] }!
                XCTFail("state \(i) differs between 1 and \(other.threads) threads at \(first): \(a[first]) vs \(b[first])")
            }
        }
    }
}
