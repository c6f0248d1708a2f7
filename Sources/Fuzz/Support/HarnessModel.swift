import Foundation
import InklingCore

/// FuzzModel: the bytes as a model file. A file that passes validation must build a
/// Classifier and run predict and activations on a fixed input without fault, and must
/// re-encode to a file that decodes to the same model.
public enum HarnessModel {
    public static func run(_ bytes: [UInt8]) {
        guard let model = try? ModelFile.decode(Data(bytes), name: "fuzz-model.json") else { return }
        exercise(model, "model")
        let again: ModelFile
        do { again = try ModelFile.decode(model.encoded(), name: "re-encoded.json") } catch {
            finding("a valid model re-encodes to a file that is refused: \(error)")
        }
        guard again == model else { finding("a valid model changes when re-encoded") }
    }

    /// Runs a validated model; returns its prediction for `Shipped.probe`.
    @discardableResult
    static func exercise(_ model: ModelFile, _ what: String) -> Prediction {
        let classifier = Classifier(model)
        let p = classifier.predict(Shipped.probe)
        checkPrediction(p, what)
        let acts = classifier.activations(Shipped.probe)
        guard acts.count == model.layers.count else { finding("\(what): \(acts.count) activations for \(model.layers.count) layers") }
        for (a, spec) in zip(acts, model.layers) {
            guard a.shape == spec.outputShape, a.values.count == spec.outputShape.reduce(1, *) else {
                finding("\(what): layer \(spec.name) gave shape \(a.shape) (\(a.values.count) values), file says \(spec.outputShape)")
            }
        }
        // The batch path (chunks of images) must agree with the single image, up to the
        // rounding of a different GEMM blocking (OpenBLAS sums in another order for N = 2).
        let two = classifier.logits(batch: Shipped.probe + [Float](repeating: 0.5, count: 784), count: 2)
        guard two.count == 20 else { finding("\(what): batch of 2 gave \(two.count) logits") }
        for (x, y) in zip(two[0..<10], p.logits) where y.isFinite && !(abs(x - y) <= 1e-3 * max(1, abs(y))) {
            finding("\(what): batch logits \(Array(two[0..<10])) differ from single-image logits \(p.logits)")
        }
        return p
    }
}
