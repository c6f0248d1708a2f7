/// One kind of layer a model file may hold, with everything about it in one file beside this
/// one: how its fields are checked and give its output shape, what it costs per image, which
/// tensors it names, how `inkling info` and the model card describe it, and which engine layer
/// runs it. Every kind's JSON record is `LayerSpec` (the fields the file format defines).
/// Adding a kind: a file here, an entry in `LayerKinds.all`, the engine layer, and the same
/// kind in templates/assets/inkling.js (`LAYER_KINDS`).
protocol LayerKind {
    /// The file's `type` string.
    static var type: String { get }
    /// The output shape for `input`, after checking the kind's fields; records the layer's
    /// costs and tensors in `check`. Errors name the file and the layer.
    static func output(of l: LayerSpec, input: [Int], _ check: inout LayerCheck) throws -> [Int]
    /// Geometry for `inkling info` ("5x5, stride 1, padding 2"), "" if there is none.
    static func geometry(_ l: LayerSpec) -> String
    /// What the model card says ("8 filters 5x5, stride 1, padding 2"), "" if nothing.
    static func summary(_ l: LayerSpec) -> String
    /// The engine layer for a validated spec, with the file's weights.
    static func makeLayer(_ l: LayerSpec, input: Shape, tensors: [String: TensorData], rng: inout SeededRNG) -> Layer
    /// Export: the kind's fields and tensor names for a trained engine layer of this kind
    /// (ModelExport fills in the type, name, shapes and the tensors' values).
    static func fields(of layer: Layer, into spec: inout LayerSpec)
}

extension LayerKind {
    static func geometry(_ l: LayerSpec) -> String { "" }
    static func summary(_ l: LayerSpec) -> String { "" }
    static func fields(of layer: Layer, into spec: inout LayerSpec) {}
}

/// The kinds the model file format defines (docs/weights-format.md), in the order the
/// "unknown layer type" error lists them.
enum LayerKinds {
    static let all: [any LayerKind.Type] = [Conv2DKind.self, ReLUKind.self, MaxPool2DKind.self, FlattenKind.self, DenseKind.self]
    static func named(_ type: String) -> (any LayerKind.Type)? { all.first { $0.type == type } }
}

extension LayerSpec {
    /// The layer types a model file may contain (and the JavaScript must implement).
    public static var knownTypes: [String] { LayerKinds.all.map { $0.type } }
    /// Geometry for `inkling info`, "" for kinds without any.
    public var geometry: String { LayerKinds.named(type)?.geometry(self) ?? "" }
    /// The model card's description of the layer, "" for kinds without one.
    public var summary: String { LayerKinds.named(type)?.summary(self) ?? "" }
}

/// What a kind's `output(of:input:_:)` works with while validating one layer: the layer's
/// label for errors, the limits, the tensors' declared shapes, and the running costs.
struct LayerCheck {
    let at: String
    let file: String
    let tensorShapes: [String: [Int]]
    var used: Set<String>
    var multiplyAdds = 0, poolingOperations = 0, largestIm2col = 0

    func fail(_ problem: String) -> ModelFileError { ModelFileError(file: file, "\(at): \(problem)") }

    /// A required integer field within `range`.
    func within(_ value: Int?, _ range: ClosedRange<Int>, _ field: String) throws -> Int {
        guard let v = value else { throw fail("missing \(field)") }
        guard range.contains(v) else { throw fail("\(field) must be \(range.lowerBound) to \(range.upperBound), found \(v)") }
        return v
    }

    /// The input as (channels, height, width), for kinds that need a map.
    func spatial(_ shape: [Int]) throws -> (c: Int, h: Int, w: Int) {
        guard shape.count == 3 else { throw fail("needs a [channels, height, width] input, found \(shape)") }
        return (shape[0], shape[1], shape[2])
    }

    /// A tensor the layer names: it must exist with exactly `shape`.
    mutating func tensor(_ name: String?, _ shape: [Int]) throws {
        guard let name else { throw fail("missing tensor name") }
        guard let declared = tensorShapes[name] else { throw fail("tensor \"\(name.prefix(64))\" is missing") }
        guard declared == shape else { throw fail("tensor \(name.prefix(64)) has shape \(declared.prefix(8)), expected \(shape)") }
        used.insert(name)
    }
}
