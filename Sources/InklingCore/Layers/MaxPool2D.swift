/// Max pooling over size x size windows, per (channel, image) plane of CNHW activations.
///
/// x: [C][N][H][W]  ->  y: [C][N][Ho][Wo], Ho = (H - size) / stride + 1 (floor).
/// Backward routes each dy to the input position that won the max (first one on ties).
public final class MaxPool2D: Layer {
    public let kind = "maxpool2d"
    public let name: String
    public let inputShape: Shape
    public let outputShape: Shape
    public let size: Int, stride: Int
    private let output = Tensor()
    private let inputGrad = Tensor()
    private var argmax: [Int32] = []
    /// Workers for the plane loop (set by `Network`; results do not depend on it).
    public var threads = 1

    public init(name: String, input: Shape, size: Int = 2, stride: Int = 2) {
        self.name = name; self.inputShape = input; self.size = size; self.stride = stride
        outputShape = Shape(input.c, (input.h - size) / stride + 1, (input.w - size) / stride + 1)
    }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        checkInput(x, self)
        let planes = inputShape.c * x.batch
        let (h, w, ho, wo) = (inputShape.h, inputShape.w, outputShape.h, outputShape.w)
        output.resize(batch: x.batch, shape: outputShape)
        if argmax.count < planes * ho * wo { argmax = [Int32](repeating: 0, count: planes * ho * wo) }
        let (size, stride, threads) = (size, stride, threads)
        x.data.withUnsafeBufferPointer { xp in
            output.data.withUnsafeMutableBufferPointer { yp in
                argmax.withUnsafeMutableBufferPointer { ap in
                    let (xb, yb, ab) = (xp.baseAddress!, yp.baseAddress!, ap.baseAddress!)
                    parallelFor(planes, threads: threads) { p in
                        let src = xb + p * h * w, dst = yb + p * ho * wo, arg = ab + p * ho * wo
                        if size == 2 && stride == 2 {
                            // The common case, unrolled: compare the window's four values.
                            for oy in 0..<ho {
                                for ox in 0..<wo {
                                    let i = 2 * oy * w + 2 * ox
                                    var best = src[i], bestIndex = i
                                    if src[i + 1] > best { best = src[i + 1]; bestIndex = i + 1 }
                                    if src[i + w] > best { best = src[i + w]; bestIndex = i + w }
                                    if src[i + w + 1] > best { best = src[i + w + 1]; bestIndex = i + w + 1 }
                                    dst[oy * wo + ox] = best
                                    arg[oy * wo + ox] = Int32(bestIndex)
                                }
                            }
                            return
                        }
                        for oy in 0..<ho {
                            for ox in 0..<wo {
                                var best = -Float.infinity, bestIndex = 0
                                for ky in 0..<size {
                                    for kx in 0..<size {
                                        let i = (oy * stride + ky) * w + ox * stride + kx
                                        if src[i] > best { best = src[i]; bestIndex = i }
                                    }
                                }
                                dst[oy * wo + ox] = best
                                arg[oy * wo + ox] = Int32(bestIndex)
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let planes = inputShape.c * output.batch
        let (hw, howo) = (inputShape.plane, outputShape.plane)
        inputGrad.resize(batch: output.batch, shape: inputShape)
        let threads = self.threads
        dy.data.withUnsafeBufferPointer { g in
            argmax.withUnsafeBufferPointer { ap in
                inputGrad.data.withUnsafeMutableBufferPointer { dxp in
                    let (gb, ab, dxb) = (g.baseAddress!, ap.baseAddress!, dxp.baseAddress!)
                    parallelFor(planes, threads: threads) { p in
                        let dst = dxb + p * hw
                        dst.update(repeating: 0, count: hw)
                        for i in 0..<howo { dst[Int(ab[p * howo + i])] += gb[p * howo + i] }
                    }
                }
            }
        }
        return inputGrad
    }
}
