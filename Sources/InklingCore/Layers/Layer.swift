/// One stage of a sequential network. Each layer keeps its own output and input-gradient
/// tensors (reused across steps) and the cache its backward pass needs.
///
/// `backward` receives dL/d(output) for the batch of the last `forward`, writes the
/// gradients of its parameters (overwriting, not accumulating) and returns dL/d(input).
public protocol Layer: AnyObject {
    /// `conv2d`, `relu`, ... as in the model file.
    var kind: String { get }
    var name: String { get }
    var inputShape: Shape { get }
    var outputShape: Shape { get }
    var parameters: [Parameter] { get }
    /// Multiply-adds per image in the forward pass (0 for the cheap element-wise layers).
    var multiplyAdds: Int { get }
    func forward(_ x: Tensor, training: Bool) -> Tensor
    func backward(_ dy: Tensor) -> Tensor
}

extension Layer {
    public var parameters: [Parameter] { [] }
    public var multiplyAdds: Int { 0 }
}

/// Shared precondition text for shape mismatches between layers.
@inline(__always)
func checkInput(_ x: Tensor, _ layer: Layer) {
    precondition(x.shape == layer.inputShape, "\(layer.name): expected input \(layer.inputShape), got \(x.shape)")
}
