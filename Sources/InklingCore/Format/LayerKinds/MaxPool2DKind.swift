/// maxpool2d: [C, H, W] -> [C, (H - size) / stride + 1, (W - size) / stride + 1], the
/// largest value of each size x size window. Fields size and stride; no tensors.
enum MaxPool2DKind: LayerKind {
    static let type = "maxpool2d"

    static func output(of l: LayerSpec, input shape: [Int], _ check: inout LayerCheck) throws -> [Int] {
        let L = ModelLimits.self
        let (c, h, w) = try check.spatial(shape)
        let size = try check.within(l.size, L.poolSize, "size")
        let s = try check.within(l.stride, L.poolStride, "stride")
        guard h >= size, w >= size else { throw check.fail("pool size \(size) does not fit the \(h)x\(w) input") }
        let out = [c, (h - size) / s + 1, (w - size) / s + 1]
        guard let ops = checkedProduct(out + [size, size], limit: L.multiplyAdds) else {
            throw check.fail("more than \(L.multiplyAdds) operations per image")
        }
        check.poolingOperations = ops
        return out
    }

    static func geometry(_ l: LayerSpec) -> String { "\(l.size ?? 0)x\(l.size ?? 0), stride \(l.stride ?? 0)" }
    static func summary(_ l: LayerSpec) -> String { geometry(l) }

    static func makeLayer(_ l: LayerSpec, input: Shape, tensors: [String: TensorData], rng: inout SeededRNG) -> Layer {
        MaxPool2D(name: l.name, input: input, size: l.size!, stride: l.stride!)
    }

    static func fields(of layer: Layer, into spec: inout LayerSpec) {
        guard let pool = layer as? MaxPool2D else { preconditionFailure("\(layer.name) is not a max-pool") }
        spec.size = pool.size; spec.stride = pool.stride
    }
}
