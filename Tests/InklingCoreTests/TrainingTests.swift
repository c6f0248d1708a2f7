import XCTest
import InklingCore

/// The trainer learns, is deterministic, and reaches a stated accuracy on real digits.
final class TrainingTests: XCTestCase {
    /// A model file from a trained network, as `inkling train` writes it (minus calibration).
    static func exportFile(_ trainer: Trainer, history: [EpochRecord]) -> ModelFile {
        ModelExport.modelFile(of: trainer, training: TrainingInfo(
            command: "test", architecture: "inkling", seed: trainer.config.seed, epochs: trainer.config.epochs,
            batchSize: trainer.config.batchSize, optimizer: trainer.optimizerDescription,
            learningRateSchedule: trainer.scheduleDescription, weightDecay: trainer.config.weightDecay,
            dropout: trainer.config.dropout, augmentation: "test", data: [], trainCount: 0, threads: trainer.threads,
            testAccuracy: 0, testCount: 0, history: history))
    }

    func testTinyNetOverfitsATinyBatch() throws {
        let (train, _, _) = try RealData.require()
        let tiny = train.prefix(32)
        var config = TrainingConfig()
        config.epochs = 60; config.batchSize = 32; config.augment = false; config.dropout = 0; config.learningRate = 3e-3
        let trainer = Trainer(config: config)
        let history = try trainer.train(on: tiny, test: nil, report: { _ in }).history
        print("overfit: loss \(history.first!.loss) -> \(history.last!.loss), train accuracy \(trainer.accuracy(on: tiny))")
        XCTAssertLessThan(history.last!.loss, 0.05, "a 22k-parameter net must memorise 32 digits")
        XCTAssertEqual(trainer.accuracy(on: tiny), 1.0)
    }

    func testSameSeedAndThreadCountGiveByteIdenticalModelFiles() throws {
        let (train, _, _) = try RealData.require()
        let data = train.prefix(640)
        var files: [Data] = []
        for threads in [2, 2] {
            var config = TrainingConfig()
            config.epochs = 1; config.seed = 42
            let trainer = Trainer(config: config, threads: threads)
            let history = try trainer.train(on: data, test: nil, report: { _ in }).history
            files.append(Self.exportFile(trainer, history: history).encoded())
        }
        XCTAssertEqual(files[0], files[1], "two runs with one seed and 2 threads differ")
        var other = TrainingConfig(); other.epochs = 1; other.seed = 43
        let t = Trainer(config: other, threads: 2)
        let h = try t.train(on: data, test: nil, report: { _ in }).history
        XCTAssertNotEqual(files[0], Self.exportFile(t, history: h).encoded(), "a different seed must give different weights")
    }

    /// 1 epoch on 4,500 real digits (augmented) must exceed 85% on the test split; the exported
    /// float16, batch-norm-folded model must agree with the training network.
    func testOneEpochOnRealDigitsReachesStatedAccuracy() throws {
        let (train, test, description) = try RealData.require()
        var config = TrainingConfig()
        config.epochs = 1
        let trainer = Trainer(config: config, threads: 2)
        let history = try trainer.train(on: train.prefix(4500), test: test.prefix(2000), report: { _ in }).history
        let exported = Classifier(Self.exportFile(trainer, history: history))
        let evaluation = Evaluation.run(exported, on: test.prefix(2000))
        print("real data (\(description)): training net \(history[0].testAccuracy), exported \(evaluation.accuracy)")
        XCTAssertGreaterThan(history[0].testAccuracy, 0.85)
        XCTAssertEqual(Float(evaluation.accuracy), history[0].testAccuracy, accuracy: 0.005, "export must preserve the model")
    }
}
