/// A sequential stack of layers. Input: a batch of 28x28 grey images, already normalised,
/// as a CNHW tensor with C = 1 (which is also plain [N][28][28]).
public final class Network {
    public let layers: [Layer]
    public let architecture: Architecture

    init(layers: [Layer], architecture: Architecture) {
        self.layers = layers
        self.architecture = architecture
        // The input image needs no gradient.
        (layers.first as? Conv2D)?.computesInputGradient = false
    }

    public var parameters: [Parameter] { layers.flatMap(\.parameters) }
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }
    public var multiplyAdds: Int { layers.reduce(0) { $0 + $1.multiplyAdds } }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        var a = x
        for layer in layers { a = layer.forward(a, training: training) }
        return a
    }

    public func backward(_ dlogits: Tensor) {
        var g = dlogits
        for layer in layers.reversed() { g = layer.backward(g) }
    }
}
