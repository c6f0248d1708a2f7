/// flatten: [C, H, W] -> [C*H*W] in C, H, W order (the dense weights' column order).
/// No fields, no tensors.
enum FlattenKind: LayerKind {
    static let type = "flatten"

    static func output(of l: LayerSpec, input shape: [Int], _ check: inout LayerCheck) throws -> [Int] {
        guard let n = checkedProduct(shape, limit: ModelLimits.activationValues) else {
            throw check.fail("input \(shape) has more than \(ModelLimits.activationValues) values")
        }
        return [n]
    }

    static func makeLayer(_ l: LayerSpec, input: Shape, tensors: [String: TensorData], rng: inout SeededRNG) -> Layer {
        Flatten(name: l.name, input: input)
    }
}
