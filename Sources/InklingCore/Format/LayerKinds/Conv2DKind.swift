/// conv2d: [Cin, H, W] -> [Cout, Ho, Wo], Ho = (H + 2 padding - kernel) / stride + 1.
/// Fields in_channels, out_channels, kernel, stride, padding; tensors weight [Cout, Cin, k, k]
/// and bias [Cout].
enum Conv2DKind: LayerKind {
    static let type = "conv2d"

    static func output(of l: LayerSpec, input shape: [Int], _ check: inout LayerCheck) throws -> [Int] {
        let L = ModelLimits.self
        let (c, h, w) = try check.spatial(shape)
        guard l.inChannels == c else { throw check.fail("in_channels must be \(c) (the input's channels), found \(l.inChannels.map(String.init) ?? "none")") }
        let cout = try check.within(l.outChannels, L.convOutChannels, "out_channels")
        let k = try check.within(l.kernel, L.convKernel, "kernel")
        let s = try check.within(l.stride, L.convStride, "stride")
        let p = try check.within(l.padding, 0...(k - 1), "padding (at most kernel - 1)")
        // Shapes are at most 512 x 2^24 here, so these sums cannot overflow.
        guard h + 2 * p >= k, w + 2 * p >= k else {
            throw check.fail("a \(k)x\(k) kernel with padding \(p) does not fit the \(h)x\(w) input (output would be empty)")
        }
        let ho = (h + 2 * p - k) / s + 1, wo = (w + 2 * p - k) / s + 1
        guard let cols = checkedProduct([c, k, k, ho, wo], limit: L.im2colValues) else {
            throw check.fail("im2col needs more than \(L.im2colValues) values per image")
        }
        check.largestIm2col = max(check.largestIm2col, cols)
        guard let macs = checkedProduct([cols, cout], limit: L.multiplyAdds) else {
            throw check.fail("more than \(L.multiplyAdds) multiply-adds per image")
        }
        check.multiplyAdds = macs
        try check.tensor(l.weight, [cout, c, k, k])
        try check.tensor(l.bias, [cout])
        return [cout, ho, wo]
    }

    static func geometry(_ l: LayerSpec) -> String {
        "\(l.kernel ?? 0)x\(l.kernel ?? 0), stride \(l.stride ?? 1), padding \(l.padding ?? 0)"
    }

    static func summary(_ l: LayerSpec) -> String { "\(l.outChannels ?? 0) filters \(geometry(l))" }

    static func makeLayer(_ l: LayerSpec, input: Shape, tensors: [String: TensorData], rng: inout SeededRNG) -> Layer {
        let conv = Conv2D(name: l.name, input: input, outChannels: l.outChannels!, kernel: l.kernel!,
                          stride: l.stride!, padding: l.padding!, rng: &rng)
        conv.weight.value = tensors[l.weight!]!.values
        conv.bias.value = tensors[l.bias!]!.values
        return conv
    }

    static func fields(of layer: Layer, into spec: inout LayerSpec) {
        guard let conv = layer as? Conv2D else { preconditionFailure("\(layer.name) is not a convolution") }
        spec.inChannels = conv.inputShape.c; spec.outChannels = conv.outputShape.c
        spec.kernel = conv.kernel; spec.stride = conv.stride; spec.padding = conv.padding
        spec.weight = conv.weight.name; spec.bias = conv.bias.name
    }
}
