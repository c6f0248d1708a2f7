/// CNHW activations -> sample-major feature vectors.
///
/// x: [C][N][H][W]  ->  y: [N][C*H*W], feature index c*H*W + y*W + x (the model file's order).
public final class Flatten: Layer {
    public let kind = "flatten"
    public let name: String
    public let inputShape: Shape
    public let outputShape: Shape
    private let output = Tensor()
    private let inputGrad = Tensor()

    public init(name: String, input: Shape) {
        self.name = name; self.inputShape = input; self.outputShape = Shape(input.size)
    }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        checkInput(x, self)
        let (n, c, plane) = (x.batch, inputShape.c, inputShape.plane)
        output.resize(batch: n, shape: outputShape)
        x.data.withUnsafeBufferPointer { xp in
            output.data.withUnsafeMutableBufferPointer { yp in
                for ch in 0..<c {
                    for b in 0..<n {
                        let src = xp.baseAddress! + (ch * n + b) * plane
                        let dst = yp.baseAddress! + b * c * plane + ch * plane
                        dst.update(from: src, count: plane)
                    }
                }
            }
        }
        return output
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let (n, c, plane) = (output.batch, inputShape.c, inputShape.plane)
        inputGrad.resize(batch: n, shape: inputShape)
        dy.data.withUnsafeBufferPointer { g in
            inputGrad.data.withUnsafeMutableBufferPointer { dxp in
                for ch in 0..<c {
                    for b in 0..<n {
                        (dxp.baseAddress! + (ch * n + b) * plane)
                            .update(from: g.baseAddress! + b * c * plane + ch * plane, count: plane)
                    }
                }
            }
        }
        return inputGrad
    }
}
