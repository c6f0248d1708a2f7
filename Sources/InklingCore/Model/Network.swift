/// A sequential stack of layers. Input: a batch of 28x28 grey images, already normalised,
/// as a CNHW tensor with C = 1 (which is also plain [N][28][28]).
///
/// `layers` is the model as the file and the optimizers see it. Runs of conv [batch norm]
/// ReLU [2x2 max-pool] execute as fused `ConvBlock`s (same parameters, same maths, one pass
/// over each chunk of images); `fused = false` runs every layer on its own, which the tests
/// compare against.
public final class Network {
    public let layers: [Layer]
    public let architecture: Architecture
    /// Workers for the chunk loops. Results are identical for any value (chunks and the order
    /// of every sum are fixed by the shapes).
    public var threads: Int {
        didSet { precondition(threads >= 1, "threads must be at least 1"); propagateThreads() }
    }
    /// Run conv [bn] relu [pool] sequences as fused blocks (default) or layer by layer.
    public var fused = true
    let stages: [Stage]
    /// How many fused blocks the layer sequence was planned into (run while `fused` is on).
    public var fusedBlockCount: Int { stages.filter { if case .block = $0 { return true } else { return false } }.count }
    private var lastForwardFused = true

    public init(layers: [Layer], architecture: Architecture, threads: Int = 1) {
        precondition(threads >= 1, "threads must be at least 1")
        _ = BLAS.singleThreaded
        self.layers = layers
        self.architecture = architecture
        self.threads = threads
        // The input image needs no gradient.
        (layers.first as? Conv2D)?.computesInputGradient = false
        stages = Stage.plan(layers)
        propagateThreads()
    }

    private func propagateThreads() {
        for layer in layers {
            (layer as? Conv2D)?.threads = threads
            (layer as? MaxPool2D)?.threads = threads
        }
    }

    public var parameters: [Parameter] { layers.flatMap(\.parameters) }
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }
    public var multiplyAdds: Int { layers.reduce(0) { $0 + $1.multiplyAdds } }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        lastForwardFused = fused
        if !fused {
            var a = x
            for layer in layers { a = layer.forward(a, training: training) }
            return a
        }
        return Stage.forward(stages, x, training: training, threads: threads)
    }

    public func backward(_ dlogits: Tensor) {
        if !lastForwardFused {
            var g = dlogits
            for layer in layers.reversed() { g = layer.backward(g) }
            return
        }
        Stage.backward(stages, dlogits, threads: threads)
    }
}

/// One step of a network's execution plan: a fused convolution block or a single layer.
enum Stage {
    case block(ConvBlock)
    case layer(Layer)

    /// Fuses every conv [bn] relu [2x2 pool] run of `layers`; other layers run alone.
    static func plan(_ layers: [Layer]) -> [Stage] {
        var stages: [Stage] = []
        var i = 0
        while i < layers.count {
            if let (block, length) = ConvBlock.match(layers, at: i) {
                stages.append(.block(block)); i += length
            } else {
                stages.append(.layer(layers[i])); i += 1
            }
        }
        return stages
    }

    static func forward(_ stages: [Stage], _ x: Tensor, training: Bool, threads: Int) -> Tensor {
        var a = x
        for stage in stages {
            switch stage {
            case .block(let block): a = block.forward(a, training: training, threads: threads)
            case .layer(let layer): a = layer.forward(a, training: training)
            }
        }
        return a
    }

    static func backward(_ stages: [Stage], _ dy: Tensor, threads: Int) {
        var g = dy
        for stage in stages.reversed() {
            switch stage {
            case .block(let block): g = block.backward(g, threads: threads)
            case .layer(let layer): g = layer.backward(g)
            }
        }
    }
}
