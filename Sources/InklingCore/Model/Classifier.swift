import Foundation

/// One prediction, as the CLI, the golden values and the page report it.
public struct Prediction: Sendable, Equatable {
    public let digit: Int
    /// Calibrated top probability.
    public let confidence: Float
    /// softmax(logits / temperature)
    public let probabilities: [Float]
    public let logits: [Float]
    /// confidence < calibration.unsureBelow
    public let unsure: Bool
}

/// The Swift reference forward pass for a model file: the engine's own layers, built from
/// the file's specs and tensors, run in inference mode. Not thread-safe (layers reuse
/// buffers); make one per thread.
public final class Classifier {
    public let file: ModelFile
    private let layers: [Layer]
    private let input = Tensor()

    public static func load(path: String) throws -> Classifier {
        Classifier(try ModelFile.load(path: path))
    }

    public init(_ file: ModelFile) {
        self.file = file
        var rng = SeededRNG(seed: 0)
        var layers: [Layer] = []
        for spec in file.layers {
            let shape = spec.inputShape.count == 3 ? Shape(spec.inputShape[0], spec.inputShape[1], spec.inputShape[2]) : Shape(spec.inputShape[0])
            switch spec.type {
            case "conv2d":
                let conv = Conv2D(name: spec.name, input: shape, outChannels: spec.outChannels!, kernel: spec.kernel!,
                                  stride: spec.stride!, padding: spec.padding!, rng: &rng)
                conv.weight.value = file.tensors[spec.weight!]!.values
                conv.bias.value = file.tensors[spec.bias!]!.values
                layers.append(conv)
            case "relu": layers.append(ReLU(name: spec.name, input: shape))
            case "maxpool2d": layers.append(MaxPool2D(name: spec.name, input: shape, size: spec.size!, stride: spec.stride!))
            case "flatten": layers.append(Flatten(name: spec.name, input: shape))
            case "dense":
                let dense = Dense(name: spec.name, input: shape, outFeatures: spec.outFeatures!, rng: &rng)
                dense.weight.value = file.tensors[spec.weight!]!.values
                dense.bias.value = file.tensors[spec.bias!]!.values
                layers.append(dense)
            default:
                preconditionFailure("ModelFile.validate admits only known layer types")
            }
        }
        self.layers = layers
    }

    private var pixels: Int { file.input.height * file.input.width }

    /// Raw logits for `count` images (inputs in [0,1], 1 = ink, row-major 28x28 each).
    public func logits(batch: [Float], count: Int) -> [Float] {
        precondition(batch.count == count * pixels, "expected \(count) x \(pixels) input values, got \(batch.count)")
        var out: [Float] = []
        out.reserveCapacity(count * 10)
        let chunk = 1000
        for lo in stride(from: 0, to: count, by: chunk) {
            let n = min(chunk, count - lo)
            normalise(batch, from: lo, count: n)
            var a = input
            for layer in layers { a = layer.forward(a, training: false) }
            out.append(contentsOf: a.data[0..<(n * 10)])
        }
        return out
    }

    public func predict(_ input: [Float]) -> Prediction { predict(batch: input, count: 1)[0] }

    public func predict(batch: [Float], count: Int) -> [Prediction] {
        let all = logits(batch: batch, count: count)
        return (0..<count).map { makePrediction(Array(all[($0 * 10)..<($0 * 10 + 10)])) }
    }

    /// Calibrated prediction from raw logits.
    public func makePrediction(_ logits: [Float]) -> Prediction {
        let p = softmax(logits, temperature: file.calibration.temperature)
        var best = 0
        for j in 1..<p.count where p[j] > p[best] { best = j }
        return Prediction(digit: best, confidence: p[best], probabilities: p, logits: logits,
                          unsure: p[best] < file.calibration.unsureBelow)
    }

    /// Every layer's output for one image, in the file's `[C][H][W]` / `[F]` layout
    /// (CNHW with N = 1 is exactly CHW).
    public func activations(_ image: [Float]) -> [(layer: String, shape: [Int], values: [Float])] {
        normalise(image, from: 0, count: 1)
        var a = input
        var result: [(layer: String, shape: [Int], values: [Float])] = []
        for (layer, spec) in zip(layers, file.layers) {
            a = layer.forward(a, training: false)
            // The file's shape: the engine's Shape writes a [C, 1, 1] map as [C].
            result.append((layer.name, spec.outputShape, a.values))
        }
        return result
    }

    private func normalise(_ batch: [Float], from lo: Int, count n: Int) {
        input.resize(batch: n, shape: Shape(1, file.input.height, file.input.width))
        let (mean, std) = (file.input.mean, file.input.std)
        let base = lo * pixels
        for i in 0..<(n * pixels) { input.data[i] = (batch[base + i] - mean) / std }
    }
}
