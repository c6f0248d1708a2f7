import Foundation

/// The model file, format v1 (docs/weights-format.md): decoded, validated, and re-encodable
/// byte-for-byte deterministically.
public struct ModelFile: Sendable, Equatable {
    public static let formatName = "inkling-model"
    public static let version = 1

    public var input: InputSpec
    public var layers: [LayerSpec]
    public var tensors: [String: TensorData]
    public var calibration: Calibration
    public var training: TrainingInfo

    public init(input: InputSpec, layers: [LayerSpec], tensors: [String: TensorData], calibration: Calibration, training: TrainingInfo) {
        self.input = input; self.layers = layers; self.tensors = tensors; self.calibration = calibration; self.training = training
    }

    /// Total number of stored values.
    public var parameterCount: Int { tensors.values.reduce(0) { $0 + $1.count } }

    /// Multiply-adds per image for the forward pass (convolutions and dense layers). Only
    /// meaningful for a validated file.
    public var multiplyAdds: Int { (try? validate(file: "")).map(\.multiplyAdds) ?? 0 }

    // MARK: - Reading

    public static func load(path: String) throws -> ModelFile {
        try decode(try readLimitedFile(path, limit: ModelLimits.maxFileBytes, what: "model file"), name: path)
    }

    public static func decode(_ data: Data, name file: String) throws -> ModelFile {
        guard data.count <= ModelLimits.maxFileBytes else {
            throw ModelFileError(file: file, "the file has \(data.count) bytes, more than the limit of \(ModelLimits.maxFileBytes)")
        }
        do { try StrictJSON.validate(data) } catch let e as StrictJSON.Problem {
            throw ModelFileError(file: file, e.description)
        }
        let raw: RawFile
        do {
            // Peek at format and version first, so a future version gets a clear message
            // rather than a complaint about some field it renamed.
            let header = try JSONDecoder().decode(Header.self, from: data)
            guard header.format == formatName else {
                throw ModelFileError(file: file, "format is \"\(header.format)\", expected \"\(formatName)\"")
            }
            guard header.version == version else {
                throw ModelFileError(file: file, "unsupported format version \(header.version); this build reads version \(version)")
            }
            raw = try JSONDecoder().decode(RawFile.self, from: data)
        } catch let e as ModelFileError {
            throw e
        } catch let e as DecodingError {
            throw ModelFileError(file: file, describe(e))
        } catch {
            throw ModelFileError(file: file, "not valid JSON (\(error.localizedDescription))")
        }

        // Geometry first, from the declared shapes (cheap, and its errors name the layer), so
        // an absurd file is refused before any tensor data is decoded.
        let shapes = raw.tensors.mapValues(\.shape)
        try validateGeometry(input: raw.input, layers: raw.layers, calibration: raw.calibration, tensorShapes: shapes, file: file)
        var tensors: [String: TensorData] = [:]
        for (name, t) in raw.tensors.sorted(by: { $0.key < $1.key }) {
            tensors[name] = try TensorData.decode(dtype: t.dtype, shape: t.shape, base64: t.data, name: name, file: file)
        }
        let model = ModelFile(input: raw.input, layers: raw.layers, tensors: tensors, calibration: raw.calibration, training: raw.training)
        try model.validate(file: file)
        return model
    }

    // MARK: - Writing

    /// Deterministic JSON: sorted keys, fixed layout, no timestamps.
    public func encoded() -> Data {
        let raw = RawFile(format: Self.formatName, version: Self.version, input: input, layers: layers,
                          tensors: tensors.mapValues { RawTensor(dtype: $0.dtype, shape: $0.shape, data: $0.base64()) },
                          calibration: calibration, training: training)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var data = try! encoder.encode(raw)
        data.append(0x0A)
        return data
    }

    // MARK: - JSON shapes

    private struct Header: Decodable { var format: String; var version: Int }
    private struct RawTensor: Codable { var dtype: TensorData.DType; var shape: [Int]; var data: String }
    private struct RawFile: Codable {
        var format: String
        var version: Int
        var input: InputSpec
        var layers: [LayerSpec]
        var tensors: [String: RawTensor]
        var calibration: Calibration
        var training: TrainingInfo
    }

    private static func describe(_ e: DecodingError) -> String {
        func path(_ c: [CodingKey]) -> String { c.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined() }
        switch e {
        case .keyNotFound(let key, let ctx): return "missing key \"\(key.stringValue)\" at \(path(ctx.codingPath).isEmpty ? "top level" : path(ctx.codingPath))"
        case .typeMismatch(let type, let ctx): return "wrong type at \(path(ctx.codingPath)): expected \(type)"
        case .valueNotFound(let type, let ctx): return "null at \(path(ctx.codingPath)): expected \(type)"
        case .dataCorrupted(let ctx): return "invalid value at \(path(ctx.codingPath).isEmpty ? "top level" : path(ctx.codingPath)): \(ctx.debugDescription)"
        @unknown default: return "could not decode: \(e)"
        }
    }
}
