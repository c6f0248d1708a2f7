/// y = max(0, x), element-wise; dy passes where x > 0. Layout-agnostic.
public final class ReLU: Layer {
    public let kind = "relu"
    public let name: String
    public let inputShape: Shape
    public var outputShape: Shape { inputShape }
    private let output = Tensor()
    private let inputGrad = Tensor()

    public init(name: String, input: Shape) { self.name = name; self.inputShape = input }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        checkInput(x, self)
        output.resize(batch: x.batch, shape: inputShape)
        let count = x.count
        x.data.withUnsafeBufferPointer { xp in
            output.data.withUnsafeMutableBufferPointer { yp in
                for i in 0..<count { yp[i] = max(0, xp[i]) }
            }
        }
        return output
    }

    public func backward(_ dy: Tensor) -> Tensor {
        inputGrad.resize(batch: output.batch, shape: inputShape)
        let count = output.count
        output.data.withUnsafeBufferPointer { yp in
            dy.data.withUnsafeBufferPointer { g in
                inputGrad.data.withUnsafeMutableBufferPointer { dx in
                    for i in 0..<count { dx[i] = yp[i] > 0 ? g[i] : 0 }
                }
            }
        }
        return inputGrad
    }
}
