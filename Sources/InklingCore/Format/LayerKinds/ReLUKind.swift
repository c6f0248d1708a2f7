/// relu: max(0, x) elementwise; any input shape, same output shape. No fields, no tensors.
enum ReLUKind: LayerKind {
    static let type = "relu"

    static func output(of l: LayerSpec, input shape: [Int], _ check: inout LayerCheck) throws -> [Int] { shape }

    static func makeLayer(_ l: LayerSpec, input: Shape, tensors: [String: TensorData], rng: inout SeededRNG) -> Layer {
        ReLU(name: l.name, input: input)
    }
}
