import Foundation
import InklingCore

/// FuzzPNG: decode -> re-encode and decode again (must be identical) -> preprocess -> predict
/// with the shipped model, as `inkling predict` does.
public enum HarnessPNG {
    public static func run(_ bytes: [UInt8]) {
        guard let image = try? PNGDecoder.decode(data: Data(bytes), name: "fuzz.png") else { return }
        guard image.width > 0, image.height > 0, image.pixels.count == image.width * image.height * 4 else {
            finding("PNG decoded to \(image.width)x\(image.height) with \(image.pixels.count) bytes")
        }
        // Our encoder's output must read back to the same pixels.
        let again: RGBAImage
        do { again = try PNGDecoder.decode(data: PNGEncoder.encodeRGBA(image), name: "again.png") } catch {
            finding("PNGEncoder output refused by PNGDecoder: \(error)")
        }
        guard again == image else { finding("PNG re-encode changed the \(image.width)x\(image.height) pixels") }

        // The shipped model's weights are moderate: a non-finite output would be a finding.
        let result: FilePrediction
        do { result = try PredictRunner(classifier: Shipped.classifier).predict(image: image, file: "fuzz.png") } catch {
            finding("PNG \(image.width)x\(image.height): the shipped model refused it: \(error)")
        }
        checkModelInput(result.input, "PNG \(image.width)x\(image.height)")
        if !result.blank {
            guard let probabilities = result.probabilities, let digit = result.digit,
                  probabilities.allSatisfy(\.isFinite), (0...9).contains(digit) else {
                finding("PNG \(image.width)x\(image.height): prediction not finite")
            }
            _ = result.jsonLine(includeInput: true)  // what `inkling predict --json` prints
        }
    }
}
