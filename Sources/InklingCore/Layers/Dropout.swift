/// Inverted dropout on sample-major vectors: in training each value is zeroed with
/// probability p and the survivors scaled by 1/(1-p); at inference it is the identity.
/// The mask comes from the layer's own seeded generator, so training stays deterministic.
public final class Dropout: Layer {
    public let kind = "dropout"
    public let name: String
    public let inputShape: Shape
    public var outputShape: Shape { inputShape }
    public let rate: Float
    private var rng: SeededRNG
    private(set) var mask: [Float] = []   // read by the golden training cases
    private let output = Tensor()
    private let inputGrad = Tensor()
    private var wasTraining = false

    public init(name: String, input: Shape, rate: Float, seed: UInt64) {
        self.name = name; self.inputShape = input; self.rate = rate
        rng = SeededRNG(seed: seed, stream: 0xD80)
    }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        wasTraining = training && rate > 0
        guard wasTraining else { return x }
        let count = x.count
        output.resize(batch: x.batch, shape: inputShape)
        if mask.count < count { mask = [Float](repeating: 0, count: count) }
        let (keep, rate) = (1 / (1 - rate), rate)
        x.data.withUnsafeBufferPointer { xp in
            output.data.withUnsafeMutableBufferPointer { yp in
                mask.withUnsafeMutableBufferPointer { mp in
                    for i in 0..<count {
                        mp[i] = rng.uniform() < rate ? 0 : keep
                        yp[i] = xp[i] * mp[i]
                    }
                }
            }
        }
        return output
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard wasTraining else { return dy }
        let count = output.count
        inputGrad.resize(batch: output.batch, shape: inputShape)
        dy.data.withUnsafeBufferPointer { gp in
            mask.withUnsafeBufferPointer { mp in
                inputGrad.data.withUnsafeMutableBufferPointer { dx in
                    for i in 0..<count { dx[i] = gp[i] * mp[i] }
                }
            }
        }
        return inputGrad
    }
}
