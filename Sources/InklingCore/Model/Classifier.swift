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
/// the file's specs and tensors, run in inference mode (batch norm is already folded into the
/// convolutions and dropout is gone: the file holds neither). Runs of conv, ReLU and 2x2
/// max-pool execute as one fused `ConvBlock` (same values as layer by layer, one pass).
///
/// A batch is cut into chunks of `chunkImages` images (fixed, so results never depend on
/// `threads`); each worker runs the whole network on its chunk with its own copy of the
/// layers' buffers, so activations stay in cache from the first layer to the logits. One
/// image (or one chunk) runs on the calling thread: no hand-off.
/// Not thread-safe (layers reuse buffers); make one per thread.
public final class Classifier {
    public let file: ModelFile
    /// Workers for batches; results are identical for any value.
    public var threads: Int {
        didSet { precondition(threads >= 1, "threads must be at least 1") }
    }
    /// Images per chunk: small enough that a chunk's activations stay in L2.
    static let chunkImages = 16
    private var pipelines: [Pipeline] = []

    /// One worker's copy of the network: layers (sharing the file's weights), fused plan, input.
    final class Pipeline {
        let layers: [Layer]
        let stages: [Stage]
        let input = Tensor()
        init(_ layers: [Layer]) { self.layers = layers; stages = Stage.plan(layers) }
    }

    public static func load(path: String, threads: Int = 1) throws -> Classifier {
        Classifier(try ModelFile.load(path: path), threads: threads)
    }

    public init(_ file: ModelFile, threads: Int = 1) {
        precondition(threads >= 1, "threads must be at least 1")
        _ = BLAS.singleThreaded
        self.file = file
        self.threads = threads
        pipelines = [Pipeline(Self.makeLayers(file))]
    }

    /// The engine layers of a validated file, each built by its kind (Format/LayerKinds).
    static func makeLayers(_ file: ModelFile) -> [Layer] {
        var rng = SeededRNG(seed: 0)
        return file.layers.map { spec in
            let shape = spec.inputShape.count == 3 ? Shape(spec.inputShape[0], spec.inputShape[1], spec.inputShape[2]) : Shape(spec.inputShape[0])
            guard let kind = LayerKinds.named(spec.type) else { preconditionFailure("ModelFile.validate admits only known layer types") }
            return kind.makeLayer(spec, input: shape, tensors: file.tensors, rng: &rng)
        }
    }

    private var pixels: Int { file.input.height * file.input.width }
    private var classes: Int { file.layers.last.map { $0.outputShape.reduce(1, *) } ?? 0 }

    /// Raw logits for `count` images (inputs in [0,1], 1 = ink, row-major 28x28 each).
    public func logits(batch: [Float], count: Int) -> [Float] {
        precondition(batch.count == count * pixels, "expected \(count) x \(pixels) input values, got \(batch.count)")
        let chunk = Self.chunkImages, chunks = (count + chunk - 1) / chunk
        let workers = max(1, min(threads, chunks))
        while pipelines.count < workers { pipelines.append(Pipeline(Self.makeLayers(file))) }
        let k = classes, pixels = self.pixels, pipelines = self.pipelines
        let (mean, std) = (file.input.mean, file.input.std)
        var out = [Float](repeating: 0, count: count * k)
        batch.withUnsafeBufferPointer { xp in
            out.withUnsafeMutableBufferPointer { op in
                let (xb, ob) = (xp.baseAddress!, op.baseAddress!)
                parallelFor(chunks, threads: workers) { worker, c in
                    let lo = c * chunk, n = min(chunk, count - lo)
                    let pipeline = pipelines[worker]
                    Self.normalise(xb + lo * pixels, count: n, into: pipeline.input, shape: Shape(1, file.input.height, file.input.width),
                                   mean: mean, std: std)
                    let a = Stage.forward(pipeline.stages, pipeline.input, training: false, threads: 1)
                    a.data.withUnsafeBufferPointer { (ob + lo * k).update(from: $0.baseAddress!, count: n * k) }
                }
            }
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
    /// (CNHW with N = 1 is exactly CHW). Runs layer by layer (each output is wanted).
    public func activations(_ image: [Float]) -> [(layer: String, shape: [Int], values: [Float])] {
        precondition(image.count == pixels, "expected \(pixels) input values, got \(image.count)")
        let pipeline = pipelines[0]
        image.withUnsafeBufferPointer {
            Self.normalise($0.baseAddress!, count: 1, into: pipeline.input, shape: Shape(1, file.input.height, file.input.width),
                           mean: file.input.mean, std: file.input.std)
        }
        var a = pipeline.input
        var result: [(layer: String, shape: [Int], values: [Float])] = []
        for (layer, spec) in zip(pipeline.layers, file.layers) {
            a = layer.forward(a, training: false)
            // The file's shape: the engine's Shape writes a [C, 1, 1] map as [C].
            result.append((layer.name, spec.outputShape, a.values))
        }
        return result
    }

    private static func normalise(_ src: UnsafePointer<Float>, count n: Int, into input: Tensor, shape: Shape, mean: Float, std: Float) {
        input.resize(batch: n, shape: shape)
        let size = n * shape.size
        input.data.withUnsafeMutableBufferPointer { dst in
            for i in 0..<size { dst[i] = (src[i] - mean) / std }
        }
    }
}
