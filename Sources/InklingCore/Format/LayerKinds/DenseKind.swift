/// dense: [in] -> [out], y = W x + b. Fields in_features, out_features; tensors weight
/// [out, in] and bias [out]. Needs a flat input (a flatten layer before it).
enum DenseKind: LayerKind {
    static let type = "dense"

    static func output(of l: LayerSpec, input shape: [Int], _ check: inout LayerCheck) throws -> [Int] {
        let L = ModelLimits.self
        guard shape.count == 1 else { throw check.fail("needs a flat input (add a flatten layer), found \(shape)") }
        guard l.inFeatures == shape[0] else {
            throw check.fail("in_features must be \(shape[0]), found \(l.inFeatures.map(String.init) ?? "none")")
        }
        let fout = try check.within(l.outFeatures, L.denseOutFeatures, "out_features")
        guard let macs = checkedProduct([shape[0], fout], limit: L.multiplyAdds) else {
            throw check.fail("more than \(L.multiplyAdds) multiply-adds per image")
        }
        check.multiplyAdds = macs
        try check.tensor(l.weight, [fout, shape[0]])
        try check.tensor(l.bias, [fout])
        return [fout]
    }

    static func summary(_ l: LayerSpec) -> String { "\(l.inFeatures ?? 0) -> \(l.outFeatures ?? 0)" }

    static func makeLayer(_ l: LayerSpec, input: Shape, tensors: [String: TensorData], rng: inout SeededRNG) -> Layer {
        let dense = Dense(name: l.name, input: input, outFeatures: l.outFeatures!, rng: &rng)
        dense.weight.value = tensors[l.weight!]!.values
        dense.bias.value = tensors[l.bias!]!.values
        return dense
    }

    static func fields(of layer: Layer, into spec: inout LayerSpec) {
        guard let dense = layer as? Dense else { preconditionFailure("\(layer.name) is not a dense layer") }
        spec.inFeatures = dense.inputShape.size; spec.outFeatures = dense.outputShape.size
        spec.weight = dense.weight.name; spec.bias = dense.bias.name
    }
}
