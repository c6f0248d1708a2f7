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

    /// Multiply-adds per image for the forward pass (convolutions and dense layers).
    public var multiplyAdds: Int {
        layers.reduce(0) { total, l in
            switch l.type {
            case "conv2d": return total + l.outputShape.reduce(1, *) * (l.inChannels ?? 0) * (l.kernel ?? 0) * (l.kernel ?? 0)
            case "dense": return total + (l.inFeatures ?? 0) * (l.outFeatures ?? 0)
            default: return total
            }
        }
    }

    // MARK: - Reading

    public static func load(path: String) throws -> ModelFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelFileError(file: path, "cannot read the file (missing or unreadable)")
        }
        return try decode(data, name: path)
    }

    public static func decode(_ data: Data, name file: String) throws -> ModelFile {
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

        var tensors: [String: TensorData] = [:]
        for (name, t) in raw.tensors {
            tensors[name] = try TensorData.decode(dtype: t.dtype, shape: t.shape, base64: t.data, name: name, file: file)
        }
        let model = ModelFile(input: raw.input, layers: raw.layers, tensors: tensors, calibration: raw.calibration, training: raw.training)
        try model.validate(file: file)
        return model
    }

    /// Checks that the layers chain from the input to 10 logits, that every tensor a layer
    /// names exists with the right shape, and that no tensor is left over.
    public func validate(file: String) throws {
        func fail(_ problem: String) -> ModelFileError { ModelFileError(file: file, problem) }
        guard input.height > 0, input.width > 0, input.channels == 1, input.std > 0, input.mean.isFinite else {
            throw fail("input: expected a positive 28x28x1 shape and std > 0, found \(input.height)x\(input.width)x\(input.channels), std \(input.std)")
        }
        guard calibration.temperature > 0, calibration.temperature.isFinite,
              (0...1).contains(calibration.unsureBelow) else {
            throw fail("calibration: temperature must be > 0 and unsure_below in [0, 1], found \(calibration.temperature), \(calibration.unsureBelow)")
        }
        guard !layers.isEmpty else { throw fail("layers: the list is empty") }
        var shape = [input.channels, input.height, input.width]
        var used = Set<String>()
        for (i, l) in layers.enumerated() {
            let at = "layer \(i) (\(l.name), \(l.type))"
            guard LayerSpec.knownTypes.contains(l.type) else {
                throw fail("\(at): unknown layer type \"\(l.type)\"; known types: \(LayerSpec.knownTypes.joined(separator: ", "))")
            }
            guard l.inputShape == shape else { throw fail("\(at): input_shape \(l.inputShape), but the previous layer gives \(shape)") }
            let expected: [Int]
            switch l.type {
            case "conv2d":
                guard shape.count == 3, let cin = l.inChannels, let cout = l.outChannels, let k = l.kernel,
                      let s = l.stride, let p = l.padding, cin == shape[0], cout > 0, k > 0, s > 0, p >= 0,
                      shape[1] + 2 * p >= k, shape[2] + 2 * p >= k else {
                    throw fail("\(at): needs in_channels = \(shape.first ?? 0), out_channels, kernel, stride, padding that fit input \(shape)")
                }
                expected = [cout, (shape[1] + 2 * p - k) / s + 1, (shape[2] + 2 * p - k) / s + 1]
                try check(l.weight, [cout, cin, k, k], at, file: file, used: &used)
                try check(l.bias, [cout], at, file: file, used: &used)
            case "relu":
                expected = shape
            case "maxpool2d":
                guard shape.count == 3, let size = l.size, let s = l.stride, size > 0, s > 0, shape[1] >= size, shape[2] >= size else {
                    throw fail("\(at): needs size and stride that fit input \(shape)")
                }
                expected = [shape[0], (shape[1] - size) / s + 1, (shape[2] - size) / s + 1]
            case "flatten":
                expected = [shape.reduce(1, *)]
            default: // dense
                guard shape.count == 1, let fin = l.inFeatures, let fout = l.outFeatures, fin == shape[0], fout > 0 else {
                    throw fail("\(at): needs in_features = \(shape.reduce(1, *)) (a flat input) and out_features")
                }
                expected = [fout]
                try check(l.weight, [fout, fin], at, file: file, used: &used)
                try check(l.bias, [fout], at, file: file, used: &used)
            }
            guard l.outputShape == expected else { throw fail("\(at): output_shape \(l.outputShape), expected \(expected)") }
            shape = expected
        }
        guard shape == [10] else { throw fail("the last layer gives \(shape), expected [10] logits") }
        let extra = Set(tensors.keys).subtracting(used)
        guard extra.isEmpty else { throw fail("tensors not used by any layer: \(extra.sorted().joined(separator: ", "))") }
    }

    private func check(_ name: String?, _ shape: [Int], _ at: String, file: String, used: inout Set<String>) throws {
        guard let name else { throw ModelFileError(file: file, "\(at): missing tensor name") }
        guard let t = tensors[name] else { throw ModelFileError(file: file, "\(at): tensor \"\(name)\" is missing") }
        guard t.shape == shape else { throw ModelFileError(file: file, "\(at): tensor \(name) has shape \(t.shape), expected \(shape)") }
        used.insert(name)
    }

    // MARK: - Writing

    /// Deterministic JSON: sorted keys, fixed layout, no timestamps. Only for a file known to
    /// hold finite numbers (read back, or built by tests); see `encoded(file:)`.
    public func encoded() -> Data {
        // A NaN or infinity is the only thing JSONEncoder refuses here.
        guard let data = try? encoded(file: "model") else { preconditionFailure("model file holds a non-finite number") }
        return data
    }

    /// Deterministic JSON, or an error naming `file` when a number has no JSON form (NaN,
    /// infinity): what `inkling train` writes through, so junk never reaches the disk.
    public func encoded(file: String) throws -> Data {
        let raw = RawFile(format: Self.formatName, version: Self.version, input: input, layers: layers,
                          tensors: tensors.mapValues { RawTensor(dtype: $0.dtype, shape: $0.shape, data: $0.base64()) },
                          calibration: calibration, training: training)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var data: Data
        do { data = try encoder.encode(raw) } catch let EncodingError.invalidValue(value, context) {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            throw ModelFileError(file: file, "cannot write \(value) at \(path) as JSON (not a finite number)")
        } catch {
            throw ModelFileError(file: file, "cannot encode as JSON: \(error)")
        }
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
