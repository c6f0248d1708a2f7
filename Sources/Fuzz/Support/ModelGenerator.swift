import Foundation
import InklingCore

/// Structure-aware model files: the fuzzer's bytes choose a layer stack
/// (conv2d / relu / maxpool2d / flatten / dense) whose shapes chain from the 28x28x1 input
/// to 10 logits, with tensors of matching shapes. Sizes range a little past the limits in
/// LIMITS (kernel to 13, padding to kernel + 1, up to 600 channels, 70 layers, inputs and
/// calibration at and past their bounds), so validation is probed on both sides of each.
public enum ModelGenerator {
    public struct Generated {
        public var file: ModelFile
        /// Weights may be huge (up to float16's max / 1e30): logits may overflow. Otherwise
        /// every |weight| <= 1 / fan_in and |bias| <= 1, so activations stay finite.
        public var wild: Bool
    }

    public static func make(_ b: inout FuzzBytes) -> Generated {
        let wild = b.int(0...15) == 0
        var rng = SplitMix(seed: UInt64(b.byte()) << 8 | UInt64(b.byte()))
        var input = InputSpec(mean: 0.1307, std: 0.3081)
        switch b.int(0...7) {
        case 0: input.mean = [1000, -1000, 1000.5, 0][b.int(0...3)]
        case 1: input.std = [0.001, 1000, 0.0009, 1001][b.int(0...3)]
        case 2: input.mean = b.unit(2); input.std = 0.01 + Float(b.byte()) / 64
        default: break
        }
        var calibration = Calibration.identity
        switch b.int(0...7) {
        case 0: calibration.temperature = [0.01, 100, 0.009, 101][b.int(0...3)]
        case 1: calibration.unsureBelow = [0, 1, 1.5, -0.1][b.int(0...3)]
        case 2: calibration.temperature = 0.01 + Float(b.byte()) / 2.6
        default: break
        }

        // Values generated per file stay few, so a run takes milliseconds (the limit is 4 M).
        let paramCap = 50_000
        var layers: [LayerSpec] = []
        var tensors: [String: TensorData] = [:]
        var shape = [1, 28, 28]
        func add(_ l: LayerSpec) { layers.append(l); shape = l.outputShape }
        func tensor(_ name: String, _ dims: [Int], fanIn: Int, bias: Bool) -> String {
            let dtype: TensorData.DType = b.bool() ? .float16 : .float32
            let limit: Float = wild ? (dtype == .float16 ? 65504 : 1e30) : (bias ? 1 : 1 / Float(fanIn))
            let count = dims.reduce(1, *)
            let scale = wild ? limit * Float(b.byte()) / 255 : limit
            tensors[name] = TensorData(dtype: dtype, shape: dims, values: (0..<count).map { _ in rng.unit() * scale })
            return name
        }
        func flatten() {
            // Pool first when the flat vector would make the next dense layer too big to build.
            while shape.count == 3, shape.reduce(1, *) * 10 > paramCap, shape[1] > 1 || shape[2] > 1 {
                let (c, h, w) = (shape[0], shape[1], shape[2])
                let size = min(2, h, w)
                var l = LayerSpec(type: "maxpool2d", name: "shrink\(layers.count)", inputShape: shape,
                                  outputShape: [c, (h - size) / 2 + 1, (w - size) / 2 + 1])
                l.size = size; l.stride = 2
                add(l)
            }
            let i = layers.count
            add(LayerSpec(type: "flatten", name: "flatten\(i)", inputShape: shape, outputShape: [shape.reduce(1, *)]))
        }
        func dense(_ out: Int) {
            if shape.count != 1 { flatten() }
            let i = layers.count, fin = shape[0]
            var l = LayerSpec(type: "dense", name: "fc\(i)", inputShape: shape, outputShape: [out])
            l.inFeatures = fin; l.outFeatures = out
            l.weight = tensor("fc\(i).weight", [out, fin], fanIn: fin, bias: false)
            l.bias = tensor("fc\(i).bias", [out], fanIn: fin, bias: true)
            add(l)
        }

        let steps = b.int(0...15) == 0 ? b.int(1...66) : b.int(1...8)
        for _ in 0..<steps where !b.isEmpty {
            let i = layers.count
            switch b.int(0...4) {
            case 0 where shape.count == 3:  // conv2d
                let (c, h, w) = (shape[0], shape[1], shape[2])
                var k = b.int(1...13)
                let s = b.int(1...5)
                let p = b.int(0...(k + 1))
                k = min(k, h + 2 * p, w + 2 * p)
                var cout = b.int(0...15) == 0 ? b.int(1...600) : b.int(1...16)
                cout = max(1, min(cout, paramCap / (c * k * k)))
                let out = [cout, (h + 2 * p - k) / s + 1, (w + 2 * p - k) / s + 1]
                var l = LayerSpec(type: "conv2d", name: "conv\(i)", inputShape: shape, outputShape: out)
                l.inChannels = c; l.outChannels = cout; l.kernel = k; l.stride = s; l.padding = p
                l.weight = tensor("conv\(i).weight", [cout, c, k, k], fanIn: c * k * k, bias: false)
                l.bias = tensor("conv\(i).bias", [cout], fanIn: c * k * k, bias: true)
                add(l)
            case 2 where shape.count == 3:  // maxpool2d
                let (c, h, w) = (shape[0], shape[1], shape[2])
                let size = min(b.int(1...9), h, w), s = b.int(1...9)
                var l = LayerSpec(type: "maxpool2d", name: "pool\(i)", inputShape: shape,
                                  outputShape: [c, (h - size) / s + 1, (w - size) / s + 1])
                l.size = size; l.stride = s
                add(l)
            case 3 where shape.count == 3:
                flatten()
            case 4:
                let fin = shape.reduce(1, *)
                let out = b.int(0...15) == 0 ? b.int(1...5000) : b.int(1...64)
                dense(max(1, min(out, paramCap / fin)))
            default:
                add(LayerSpec(type: "relu", name: "relu\(i)", inputShape: shape, outputShape: shape))
            }
        }
        if shape != [10] { dense(10) }

        let training = TrainingInfo(command: "fuzz", architecture: "generated", seed: 0, epochs: 0, batchSize: 1,
                                    optimizer: "none", learningRateSchedule: "none", weightDecay: 0, dropout: 0,
                                    augmentation: "none", data: [], trainCount: 0, threads: 1, testAccuracy: 0,
                                    testCount: 0, history: [])
        return Generated(file: ModelFile(input: input, layers: layers, tensors: tensors, calibration: calibration,
                                         training: training), wild: wild)
    }
}

/// Weights come from a small generator seeded by the input, so they vary without using up
/// the fuzzer's bytes on every value.
public struct SplitMix {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [-1, 1].
    public mutating func unit() -> Float { Float(next() >> 40) / Float(1 << 23) - 1 }
}

/// FuzzModelStructured: generate, encode, decode; a model that validates must run, give
/// finite logits unless its weights are wild, and decode to exactly what was encoded.
public enum HarnessModelStructured {
    public static func run(_ bytes: [UInt8]) {
        var b = FuzzBytes(bytes)
        let g = ModelGenerator.make(&b)
        let data = g.file.encoded()
        // FUZZ_DUMP=FILE writes the generated model file (to read what a crash input built).
        if let dump = ProcessInfo.processInfo.environment["FUZZ_DUMP"] {
            _ = FileManager.default.createFile(atPath: dump, contents: data)
        }
        guard let model = try? ModelFile.decode(data, name: "generated.json") else { return }
        guard model == g.file else { finding("a generated model decodes to something else") }
        let p = HarnessModel.exercise(model, "generated model")
        if !g.wild && !p.logits.allSatisfy(\.isFinite) {
            finding("generated model with |w| <= 1/fan_in gives logits \(p.logits)")
        }
    }
}
