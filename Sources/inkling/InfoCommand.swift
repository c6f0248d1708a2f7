import ArgumentParser
import Foundation
import InklingCore

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describe a model file: layers, parameters, multiply-adds, size, calibration, training.")

    @OptionGroup var modelOptions: ModelOptions
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        try reportingErrors {
            let file = try ModelFile.load(path: modelOptions.model)
            let bytes = (try? FileManager.default.attributesOfItem(atPath: modelOptions.model)[.size] as? Int) ?? 0
            let t = file.training
            let epochTo99 = t.history.first { $0.testAccuracy >= 0.99 }?.epoch
            if json {
                print(try jsonLine([
                    "model": modelOptions.model, "file_bytes": bytes, "sha256": try FileDigest.sha256(path: modelOptions.model),
                    "parameters": file.parameterCount, "multiply_adds": file.multiplyAdds,
                    "layers": file.layers.map { ["type": $0.type, "name": $0.name, "input_shape": $0.inputShape, "output_shape": $0.outputShape] },
                    "test_accuracy": t.testAccuracy, "test_count": t.testCount, "command": t.command, "seed": t.seed,
                    "epochs": t.epochs, "temperature": file.calibration.temperature, "unsure_below": file.calibration.unsureBelow,
                    "ece_before": file.calibration.eceBefore, "ece_after": file.calibration.eceAfter,
                    "epoch_to_99": epochTo99 as Any,
                ] as [String: Any]))
                return
            }
            print("model: \(modelOptions.model) (\(bytes) bytes, sha256 \(try FileDigest.sha256(path: modelOptions.model)))")
            print("layers:")
            for l in file.layers {
                let extra = l.geometry.isEmpty ? "" : "  " + l.geometry
                let name = l.name.padding(toLength: 8, withPad: " ", startingAt: 0), type = l.type.padding(toLength: 10, withPad: " ", startingAt: 0)
                print("  \(name) \(type) \(l.inputShape) -> \(l.outputShape)\(extra)")
            }
            print("parameters: \(file.parameterCount) (\(Set(file.tensors.values.map(\.dtype.rawValue)).sorted().joined(separator: ", ")))")
            print("multiply-adds per image: \(file.multiplyAdds)")
            print(String(format: "test accuracy: %.2f%% on %d images", t.testAccuracy * 100, t.testCount))
            print("calibration: temperature \(file.calibration.temperature), unsure below \(file.calibration.unsureBelow), "
                  + "ECE \(file.calibration.eceBefore) -> \(file.calibration.eceAfter) on \(file.calibration.fittedOn)")
            print("trained with: \(t.command)")
            print("  \(t.epochs) epochs, batch \(t.batchSize), \(t.optimizer), lr \(t.learningRateSchedule), dropout \(t.dropout)")
            print("  augmentation: \(t.augmentation)")
            for d in t.data { print("  data: \(d.file) sha256 \(d.sha256)") }
            print("  trained on \(t.trainCount) images, \(t.threads) thread(s)"
                  + (epochTo99.map { "; 99% test accuracy from epoch \($0)" } ?? ""))
            for r in t.history {
                print(String(format: "  epoch %2d  loss %.4f  train %.2f%%  test %.2f%%", r.epoch, r.loss, r.trainAccuracy * 100, r.testAccuracy * 100))
            }
        }
    }
}
