import Foundation

/// Golden training values: the "training" section of weights/golden.json. The Swift training
/// code (the real `Network`, layers, `SoftmaxCrossEntropy` and `Optimizer`s) runs a few steps
/// on a fixed batch of MNIST test digits and records the loss, every parameter gradient of the
/// first step, and the weights (and batch-norm running statistics) after each optimizer's
/// steps. The JavaScript trainer (templates/assets/learn.js) must reproduce them, and
/// `inkling golden --check` re-runs them here. Format and tolerance: docs/preprocessing.md,
/// "Golden training values".
public enum GoldenTraining {
    /// Tolerance rule (the code's, never the file's): for each tensor t of a group (the
    /// gradients of one step, the weights after a run, the running statistics after a run),
    ///   max_i |got_i - want_i| <= relative * max(max_i |want_t,i|, floor * max over the group's tensors of |want|)
    /// The floor keeps a tensor that is tiny next to its group to the group's scale: the
    /// gradient of a convolution bias before batch norm is 0 in exact arithmetic, so what
    /// any implementation computes there is rounding noise (about 1e-7), never the same twice.
    public static let relative = 1e-4
    public static let floor = 0.1
    public static let rule = "per tensor: max |got - want| <= 1e-4 * max(max |want|, 0.1 * the largest |want| of its group)"

    /// MNIST test images of the batch (all among the golden cases' digits). Each is labelled
    /// as the next digit (true label + 1, mod 10): the shipped model reads these digits right
    /// with probability ~1, where softmax - 1 in float32 keeps only a digit or two, so true
    /// labels would leave gradients made of rounding; wrong labels give a large loss and
    /// gradients far above it.
    public static let batchIndices = Array(0..<8)
    public static let steps = 3
    /// Seed and dropout rate of the architecture case's network.
    public static let seed: UInt64 = 7
    public static let dropout: Float = 0.25

    /// float32 values, little-endian, base64: { "shape": [...], "data": "..." }.
    public struct Float32Data: Codable, Sendable, Equatable {
        public var shape: [Int]
        public var data: String

        init(shape: [Int], values: [Float]) {
            self.shape = shape
            var bytes = [UInt8](); bytes.reserveCapacity(values.count * 4)
            for v in values { let b = v.bitPattern; bytes += [UInt8(b & 255), UInt8(b >> 8 & 255), UInt8(b >> 16 & 255), UInt8(b >> 24)] }
            data = Data(bytes).base64EncodedString()
        }

        func values(_ what: String, file: String) throws -> [Float] {
            guard let d = Data(base64Encoded: data) else { throw GoldenError(file: file, "training: \(what): data is not valid base64") }
            let count = shape.reduce(1, *)
            guard shape.allSatisfy({ $0 >= 1 }), d.count == 4 * count else {
                throw GoldenError(file: file, "training: \(what): expected \(4 * count) bytes for shape \(shape), found \(d.count)")
            }
            let b = [UInt8](d)
            return (0..<count).map { i in
                Float(bitPattern: UInt32(b[4 * i]) | UInt32(b[4 * i + 1]) << 8 | UInt32(b[4 * i + 2]) << 16 | UInt32(b[4 * i + 3]) << 24)
            }
        }
    }

    public struct OptimizerSpec: Codable, Sendable, Equatable {
        /// "sgd" (momentum, L2 weight decay) or "adamw" (decoupled weight decay).
        public var kind: String
        public var learningRate: Float
        public var momentum: Float?
        public var weightDecay: Float
        enum CodingKeys: String, CodingKey { case kind, momentum, learningRate = "learning_rate", weightDecay = "weight_decay" }

        func make() -> Optimizer {
            kind == "sgd" ? SGD(momentum: momentum ?? 0.9, weightDecay: weightDecay) : Adam(weightDecay: weightDecay)
        }
    }

    public struct Run: Codable, Sendable {
        public var optimizer: OptimizerSpec
        /// The batch loss before each step.
        public var losses: [Double]
        /// Every parameter after the last step, by name.
        public var weights: [String: Float32Data]
        /// Batch-norm running statistics after the last step ("bn1.running_mean", ...).
        public var running: [String: Float32Data]
        /// AdamW only: the gradients of steps 2...n (step 1's are the case's `gradients`).
        /// AdamW divides each gradient by its own running magnitude, so a gradient that is
        /// rounding noise (true value about 0) moves its weight by about the learning rate in
        /// an arbitrary direction; the JavaScript therefore checks AdamW's weights by feeding
        /// its optimizer these gradients, and its own gradients of every step against them.
        public var stepGradients: [[String: Float32Data]]?
        enum CodingKeys: String, CodingKey { case optimizer, losses, weights, running, stepGradients = "step_gradients" }
    }

    public struct Case: Codable, Sendable {
        public var name: String
        /// "model": the layers and weights of the golden file's model file (no batch norm, no
        /// dropout). "inkling": `Architecture.inkling.build(seed:dropout:)`, weights in `initial`.
        public var network: String
        public var seed: UInt64?
        public var dropout: Float?
        public var mnistTestIndices: [Int]
        public var labels: [Int]
        /// The digits' grey bytes (n * 784), base64.
        public var images: String
        /// The model inputs: (byte / 255 - mean) * (1 / std), float32, [n, 1, 28, 28].
        public var inputs: Float32Data
        /// Initial parameters of an architecture case, by name.
        public var initial: [String: Float32Data]?
        /// Dropout keep flags per step, [n][features] as 0/1 bytes, base64 (a kept value is
        /// scaled by 1 / (1 - dropout)). The same in every run: each run rebuilds the network.
        public var dropoutKeep: [String]?
        /// Loss and gradients of the first step (from the initial weights).
        public var loss: Double
        public var gradients: [String: Float32Data]
        public var runs: [Run]
        enum CodingKeys: String, CodingKey {
            case name, network, seed, dropout, labels, images, inputs, initial, loss, gradients, runs
            case mnistTestIndices = "mnist_test_indices", dropoutKeep = "dropout_keep"
        }
    }

    public struct Section: Codable, Sendable {
        public var rule: String
        public var relative: Double
        public var floor: Double
        public var cases: [Case]
    }

    /// The optimizer runs of each case.
    static let modelRuns = [OptimizerSpec(kind: "sgd", learningRate: 0.05, momentum: 0.9, weightDecay: 5e-4),
                            OptimizerSpec(kind: "adamw", learningRate: 1e-3, momentum: nil, weightDecay: 1e-2)]
    static let architectureRuns = [OptimizerSpec(kind: "sgd", learningRate: 0.05, momentum: 0.9, weightDecay: 5e-4),
                                   OptimizerSpec(kind: "adamw", learningRate: 1e-3, momentum: nil, weightDecay: 1e-2)]

    // MARK: - Running the Swift code

    /// What one case's runs produce.
    struct Outcome {
        var loss: Double = 0
        var gradients: [String: [Float]] = [:]
        var keep: [[UInt8]] = []
        var runs: [(losses: [Double], weights: [String: [Float]], running: [String: [Float]], stepGradients: [[String: [Float]]])] = []
    }

    static func normalised(_ bytes: [UInt8], mean: Float, std: Float) -> [Float] {
        let invStd = 1 / std
        return bytes.map { (Float($0) / 255 - mean) * invStd }
    }

    /// Builds the case's network afresh for each run and trains `steps` steps on the batch.
    static func run(build: () -> Network, inputs: [Float], labels: [UInt8], optimizers: [OptimizerSpec]) -> Outcome {
        var out = Outcome()
        let n = labels.count
        let x = Tensor(batch: n, shape: Shape(1, 28, 28), data: inputs)
        let dlogits = Tensor()
        for (r, spec) in optimizers.enumerated() {
            let net = build()
            let optimizer = spec.make()
            var losses: [Double] = []
            var keep: [[UInt8]] = []
            var stepGradients: [[String: [Float]]] = []
            for step in 0..<steps {
                let logits = net.forward(x, training: true)
                let result = labels.withUnsafeBufferPointer {
                    SoftmaxCrossEntropy.forwardBackward(logits: logits, labels: $0.baseAddress!, grad: dlogits)
                }
                net.backward(dlogits)
                if let drop = net.layers.first(where: { $0 is Dropout }) as? Dropout {
                    keep.append(drop.mask.prefix(n * drop.inputShape.size).map { $0 == 0 ? 0 : 1 })
                }
                if r == 0 && step == 0 {
                    out.loss = Double(result.loss)
                    for p in net.parameters { out.gradients[p.name] = p.grad }
                }
                if step > 0 && spec.kind == "adamw" {
                    stepGradients.append(net.parameters.reduce(into: [:]) { $0[$1.name] = $1.grad })
                }
                losses.append(Double(result.loss))
                optimizer.step(net.parameters, learningRate: spec.learningRate)
            }
            if r == 0 { out.keep = keep }
            precondition(keep == out.keep, "each run rebuilds the network, so its dropout masks repeat")
            var weights: [String: [Float]] = [:], running: [String: [Float]] = [:]
            for p in net.parameters { weights[p.name] = p.value }
            for case let bn as BatchNorm2D in net.layers {
                running["\(bn.name).running_mean"] = bn.runningMean
                running["\(bn.name).running_var"] = bn.runningVar
            }
            out.runs.append((losses, weights, running, stepGradients))
        }
        return out
    }

    static func modelNetwork(_ model: ModelFile) -> Network {
        Network(layers: Classifier.makeLayers(model), architecture: .inkling)
    }

    static func architectureNetwork(seed: UInt64, dropout: Float) -> Network {
        Architecture.inkling.build(seed: seed, dropout: dropout)
    }

    static func shapes(_ net: Network) -> [String: [Int]] {
        var s: [String: [Int]] = [:]
        for p in net.parameters { s[p.name] = p.shape }
        for case let bn as BatchNorm2D in net.layers {
            s["\(bn.name).running_mean"] = [bn.inputShape.c]; s["\(bn.name).running_var"] = [bn.inputShape.c]
        }
        return s
    }

    // MARK: - Writing

    /// The section for `model` and the MNIST `test` digits (at least `batchIndices`).
    public static func make(model: ModelFile, test: Dataset) -> Section {
        var bytes: [UInt8] = [], labels: [UInt8] = []
        for i in batchIndices {
            bytes += test.images[(i * 784)..<((i + 1) * 784)]
            labels.append((test.labels[i] + 1) % 10)
        }
        let config = TrainingConfig()
        func record(_ name: String, network: String, seed: UInt64?, dropout: Float?, mean: Float, std: Float,
                    build: () -> Network, optimizers: [OptimizerSpec]) -> Case {
            let inputs = normalised(bytes, mean: mean, std: std)
            let o = run(build: build, inputs: inputs, labels: labels, optimizers: optimizers)
            let shape = shapes(build())
            func tensors(_ d: [String: [Float]]) -> [String: Float32Data] {
                d.reduce(into: [:]) { r, e in r[e.key] = Float32Data(shape: shape[e.key]!, values: e.value) }
            }
            var initial: [String: Float32Data]? = nil
            if network != "model" {
                let net = build()
                var v: [String: [Float]] = [:]
                for p in net.parameters { v[p.name] = p.value }
                initial = tensors(v)
            }
            return Case(name: name, network: network, seed: seed, dropout: dropout, mnistTestIndices: batchIndices,
                        labels: labels.map(Int.init), images: Data(bytes).base64EncodedString(),
                        inputs: Float32Data(shape: [labels.count, 1, 28, 28], values: inputs), initial: initial,
                        dropoutKeep: o.keep.isEmpty ? nil : o.keep.map { Data($0).base64EncodedString() },
                        loss: o.loss, gradients: tensors(o.gradients),
                        runs: zip(optimizers, o.runs).map { spec, r in
                            Run(optimizer: spec, losses: r.losses, weights: tensors(r.weights), running: tensors(r.running),
                                stepGradients: r.stepGradients.isEmpty ? nil : r.stepGradients.map(tensors))
                        })
        }
        let cases = [
            record("model-weights", network: "model", seed: nil, dropout: nil, mean: model.input.mean, std: model.input.std,
                   build: { modelNetwork(model) }, optimizers: modelRuns),
            record("inkling-batchnorm-dropout", network: "inkling", seed: seed, dropout: dropout, mean: config.mean, std: config.std,
                   build: { architectureNetwork(seed: seed, dropout: dropout) }, optimizers: architectureRuns),
        ]
        return Section(rule: rule, relative: relative, floor: floor, cases: cases)
    }

    /// Deterministic JSON for the section (sorted keys), one line per tensor.
    public static func encoded(_ section: Section) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try! encoder.encode(section)   // finite numbers only: the Swift code ran
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: - Checking

    /// Worst difference of one tensor, relative to its scale (see `relative`).
    public struct Difference: Sendable {
        public var caseName: String, tensor: String
        public var worst: Double, scale: Double
        public var ratio: Double { worst / (relative * scale) }
    }

    /// Compares two value lists under the rule (`least`: the group's floor); nil when the
    /// counts differ.
    static func difference(_ got: [Float], _ want: [Float], least: Double = 0) -> (worst: Double, scale: Double)? {
        guard got.count == want.count else { return nil }
        var worst = 0.0, scale = max(least, Double.leastNormalMagnitude)
        for i in 0..<want.count {
            scale = max(scale, abs(Double(want[i])))
            let d = abs(Double(got[i]) - Double(want[i]))
            if !(d <= worst) { worst = d }   // NaN counts as infinitely wrong
        }
        return (worst, scale)
    }

    /// Re-runs every case with this build's Swift code and compares; adds failures to
    /// `report` and returns the worst difference per tensor.
    @discardableResult
    public static func check(_ section: Section?, model: ModelFile, file: String, report: inout GoldenReport) throws -> [Difference] {
        guard let section else {
            report.failures.append(.init(caseName: "(file)", field: "training",
                                         detail: "the file has no training cases; run `inkling golden`"))
            return []
        }
        if section.cases.isEmpty {
            report.failures.append(.init(caseName: "(file)", field: "training", detail: "the training section has no cases"))
        }
        var diffs: [Difference] = []
        func compare(_ c: String, _ name: String, _ got: [Float], _ want: [Float], least: Double = 0) {
            guard let (worst, scale) = difference(got, want, least: least) else {
                report.failures.append(.init(caseName: c, field: name, detail: "expected \(want.count) values, found \(got.count)"))
                return
            }
            let d = Difference(caseName: c, tensor: name, worst: worst, scale: scale)
            diffs.append(d)
            if !(d.ratio <= 1) {
                report.failures.append(.init(caseName: c, field: name,
                    detail: "differs by \(String(format: "%.3g", worst)) (tolerance \(String(format: "%.3g", relative * scale)))"))
            }
        }
        func tensors(_ c: String, _ got: [String: [Float]], _ want: [String: Float32Data], _ prefix: String) throws {
            var wanted: [String: [Float]] = [:]
            for (name, w) in want { wanted[name] = try w.values(c + " " + prefix + name, file: file) }
            let least = floor * wanted.values.reduce(0.0) { m, v in v.reduce(m) { max($0, abs(Double($1))) } }
            for name in Set(got.keys).union(want.keys).sorted() {
                guard let g = got[name], let w = wanted[name] else {
                    report.failures.append(.init(caseName: c, field: prefix + name, detail: "present on one side only"))
                    continue
                }
                compare(c, prefix + name, g, w, least: least)
            }
        }
        for c in section.cases {
            guard let bytes = Data(base64Encoded: c.images).map({ [UInt8]($0) }), bytes.count == c.labels.count * 784,
                  !c.labels.isEmpty, c.labels.allSatisfy({ (0...9).contains($0) }) else {
                throw GoldenError(file: file, "training case \(c.name.prefix(64)): expected labels 0-9 and 784 image bytes per label")
            }
            let labels = c.labels.map { UInt8($0) }
            let build: () -> Network, mean: Float, std: Float, optimizers = c.runs.map(\.optimizer)
            switch c.network {
            case "model":
                build = { modelNetwork(model) }; mean = model.input.mean; std = model.input.std
            case "inkling":
                guard let seed = c.seed, let dropout = c.dropout, (0..<1).contains(dropout) else {
                    throw GoldenError(file: file, "training case \(c.name.prefix(64)): an architecture case needs seed and dropout in [0, 1)")
                }
                build = { architectureNetwork(seed: seed, dropout: dropout) }
                let config = TrainingConfig(); mean = config.mean; std = config.std
            default:
                throw GoldenError(file: file, "training case \(c.name.prefix(64)): unknown network \"\(c.network.prefix(40))\"; known: model, inkling")
            }
            guard optimizers.allSatisfy({ ["sgd", "adamw"].contains($0.kind) }) else {
                throw GoldenError(file: file, "training case \(c.name.prefix(64)): optimizer kinds must be sgd or adamw")
            }
            let inputs = normalised(bytes, mean: mean, std: std)
            compare(c.name, "inputs", inputs, try c.inputs.values(c.name + " inputs", file: file))
            if let initial = c.initial {
                let net = build()
                var v: [String: [Float]] = [:]
                for p in net.parameters { v[p.name] = p.value }
                try tensors(c.name, v, initial, "initial ")
            }
            let o = run(build: build, inputs: inputs, labels: labels, optimizers: optimizers)
            let keep = o.keep.map { Data($0).base64EncodedString() }
            if keep != (c.dropoutKeep ?? []) {
                report.failures.append(.init(caseName: c.name, field: "dropout_keep", detail: "the dropout masks differ from Swift's"))
            }
            compare(c.name, "loss", [Float(o.loss)], [Float(c.loss)])
            try tensors(c.name, o.gradients, c.gradients, "gradient ")
            for (k, (spec, r)) in zip(c.runs, o.runs).enumerated() {
                let tag = "\(spec.optimizer.kind)[\(k)] "
                compare(c.name, tag + "losses", r.losses.map(Float.init), spec.losses.map(Float.init))
                try tensors(c.name, r.weights, spec.weights, tag + "weights ")
                try tensors(c.name, r.running, spec.running, tag + "running ")
                let recorded = spec.stepGradients ?? []
                if recorded.count != r.stepGradients.count {
                    report.failures.append(.init(caseName: c.name, field: tag + "step_gradients",
                                                 detail: "expected \(r.stepGradients.count) steps, found \(recorded.count)"))
                }
                for (s, (got, want)) in zip(r.stepGradients, recorded).enumerated() {
                    try tensors(c.name, got, want, tag + "step \(s + 2) gradient ")
                }
            }
        }
        return diffs
    }

    /// One line per tensor: the worst difference and its tolerance (llm.c test_gpt2 style).
    public static func describe(_ diffs: [Difference]) -> String {
        diffs.map { d in
            "  \(d.caseName) \(d.tensor): worst \(String(format: "%.3g", d.worst)) (tolerance \(String(format: "%.3g", relative * d.scale))) \(d.ratio <= 1 ? "ok" : "FAIL")"
        }.joined(separator: "\n")
    }
}

extension GoldenReport {
    /// A report with no failures yet, for checking the training section on its own.
    public static func empty(count: Int) -> GoldenReport { GoldenReport(count: count) }
}
