/// The networks Inkling knows how to build and train.
///
/// - `inkling`: the shipped model. Three small convolutions with batch norm (folded away at
///   export) and dropout before the classifier. About 0.63 M multiply-adds and 22 k
///   parameters: small enough for a < 0.5 ms JavaScript forward pass and a ~45 KB gzipped
///   float16 payload, big enough for > 99.4 % on MNIST with augmentation.
/// - `refnet`: the peers' reference net, for benchmarks (conv 5x5x16 pad 2, ReLU, maxpool 2;
///   conv 5x5x32 pad 2, ReLU, maxpool 2; dense 1568 -> 10).
public enum Architecture: String, CaseIterable, Sendable {
    case inkling
    case refnet

    public func build(seed: UInt64, dropout: Float = 0.25, threads: Int = 1) -> Network {
        var rng = SeededRNG(seed: seed, stream: 0x1A17)
        var shape = Shape(1, 28, 28)
        var layers: [Layer] = []
        var index = 0

        func conv(_ out: Int, _ k: Int, _ pad: Int, batchNorm: Bool) {
            index += 1
            let c = Conv2D(name: "conv\(index)", input: shape, outChannels: out, kernel: k, padding: pad, rng: &rng)
            layers.append(c); shape = c.outputShape
            if batchNorm { layers.append(BatchNorm2D(name: "bn\(index)", input: shape)) }
            layers.append(ReLU(name: "relu\(index)", input: shape))
        }
        func pool() {
            let p = MaxPool2D(name: "pool\(index)", input: shape)
            layers.append(p); shape = p.outputShape
        }
        func head(dropout: Float) {
            let f = Flatten(name: "flatten", input: shape)
            layers.append(f); shape = f.outputShape
            if dropout > 0 { layers.append(Dropout(name: "dropout", input: shape, rate: dropout, seed: seed)) }
            layers.append(Dense(name: "dense", input: shape, outFeatures: 10, rng: &rng))
        }

        switch self {
        case .inkling:
            conv(8, 5, 2, batchNorm: true); pool()      // [8, 14, 14]
            conv(16, 3, 1, batchNorm: true); pool()     // [16, 7, 7]
            conv(32, 3, 1, batchNorm: true)             // [32, 7, 7]
            head(dropout: dropout)                      // 1568 -> 10
        case .refnet:
            conv(16, 5, 2, batchNorm: false); pool()    // [16, 14, 14]
            conv(32, 5, 2, batchNorm: false); pool()    // [32, 7, 7]
            head(dropout: 0)                            // 1568 -> 10
        }
        return Network(layers: layers, architecture: self, threads: threads)
    }
}
