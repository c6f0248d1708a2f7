/// The one validation of a model file's geometry (docs/weights-format.md, "Limits"), mirrored
/// in templates/assets/inkling.js `loadModel`. A file that passes runs in Swift and JavaScript
/// without fault and within fixed budgets: every size below is computed with overflow-checked
/// arithmetic, so no shape in a file can wrap around, and no small file can ask for gigabytes
/// or minutes.
public enum ModelLimits {
    public static let maxFileBytes = 64 << 20
    public static let inputSide = 28
    public static let meanMagnitude: Float = 1000
    public static let stdRange: ClosedRange<Float> = 0.001...1000
    public static let temperatureRange: ClosedRange<Float> = 0.01...100
    public static let layerCount = 1...64
    public static let nameLength = 1...64
    public static let convOutChannels = 1...512
    public static let convKernel = 1...11
    public static let convStride = 1...4
    public static let poolSize = 1...8
    public static let poolStride = 1...8
    public static let denseOutFeatures = 1...4096
    public static let tensorRank = 1...4
    public static let tensorDimension = 1...16_777_216
    /// Per image.
    public static let multiplyAdds = 10_000_000
    public static let activationValues = 2_000_000
    public static let im2colValues = 2_000_000
    /// Whole model.
    public static let parameters = 4_000_000
}

/// Overflow-checked product of sizes; nil if it overflows or exceeds `limit`.
func checkedProduct(_ sizes: [Int], limit: Int = Int.max) -> Int? {
    var p = 1
    for s in sizes {
        guard s >= 0 else { return nil }
        let (r, overflow) = p.multipliedReportingOverflow(by: s)
        guard !overflow, r <= limit else { return nil }
        p = r
    }
    return p
}

/// What validation learns about a model: per-image costs, for `info` and the budgets.
public struct ModelCost: Sendable, Equatable {
    /// Convolutions and dense layers.
    public var multiplyAdds = 0
    /// Max-pooling comparisons (size * size per output value); the budget counts both.
    public var poolingOperations = 0
    public var activationValues = 0
    public var largestIm2col = 0
    public var parameters = 0
}

extension ModelFile {
    /// Checks that the layers chain from the 1x28x28 input to 10 logits within the limits,
    /// that every tensor a layer names exists with the right shape, and that no tensor is
    /// left over. Errors name the file and the layer.
    @discardableResult
    public func validate(file: String) throws -> ModelCost {
        var cost = try Self.validateGeometry(input: input, layers: layers, calibration: calibration,
                                             tensorShapes: tensors.mapValues(\.shape), file: file)
        for t in tensors.values { cost.parameters += t.values.count }
        guard cost.parameters <= ModelLimits.parameters else {
            throw ModelFileError(file: file, "tensors hold \(cost.parameters) values, more than the limit of \(ModelLimits.parameters)")
        }
        return cost
    }

    /// Checks a tensor's declared shape before any of its data is decoded.
    static func validateTensorShape(_ shape: [Int], name: String, file: String) throws -> Int {
        let name = String(name.prefix(64))
        guard ModelLimits.tensorRank.contains(shape.count), shape.allSatisfy({ ModelLimits.tensorDimension.contains($0) }) else {
            throw ModelFileError(file: file, "tensor \(name): shape \(shape.prefix(8)) must have 1 to 4 sizes, each 1 to \(ModelLimits.tensorDimension.upperBound)")
        }
        guard let count = checkedProduct(shape, limit: ModelLimits.parameters) else {
            throw ModelFileError(file: file, "tensor \(name): shape \(shape) holds more than \(ModelLimits.parameters) values")
        }
        return count
    }

    /// The geometry alone, from the tensors' declared shapes: cheap, so `decode` runs it
    /// before decoding any tensor data.
    static func validateGeometry(input: InputSpec, layers: [LayerSpec], calibration: Calibration,
                                 tensorShapes: [String: [Int]], file: String) throws -> ModelCost {
        func fail(_ problem: String) -> ModelFileError { ModelFileError(file: file, problem) }
        let L = ModelLimits.self

        guard input.height == L.inputSide, input.width == L.inputSide, input.channels == 1 else {
            throw fail("input: expected 28x28x1 (what the preprocessing produces), found \(input.height)x\(input.width)x\(input.channels)")
        }
        guard input.mean.isFinite, abs(input.mean) <= L.meanMagnitude, input.std.isFinite, L.stdRange.contains(input.std) else {
            throw fail("input: mean must be finite with |mean| <= \(L.meanMagnitude) and std in [\(L.stdRange.lowerBound), \(L.stdRange.upperBound)], found mean \(input.mean), std \(input.std)")
        }
        guard calibration.temperature.isFinite, L.temperatureRange.contains(calibration.temperature),
              calibration.unsureBelow.isFinite, (0...1).contains(calibration.unsureBelow) else {
            throw fail("calibration: temperature must be in [\(L.temperatureRange.lowerBound), \(L.temperatureRange.upperBound)] and unsure_below in [0, 1], found \(calibration.temperature), \(calibration.unsureBelow)")
        }
        guard L.layerCount.contains(layers.count) else {
            throw fail("layers: expected \(L.layerCount.lowerBound) to \(L.layerCount.upperBound) layers, found \(layers.count)")
        }

        var cost = ModelCost()
        var shape = [input.channels, input.height, input.width]
        var used = Set<String>()
        for (i, l) in layers.enumerated() {
            let at = "layer \(i) (\(l.name.prefix(64)), \(l.type.prefix(32)))"
            guard L.nameLength.contains(l.name.unicodeScalars.count) else {
                throw fail("layer \(i): name must have \(L.nameLength.lowerBound) to \(L.nameLength.upperBound) characters, found \(l.name.unicodeScalars.count)")
            }
            guard let kind = LayerKinds.named(l.type) else {
                throw fail("\(at): unknown layer type \"\(l.type.prefix(32))\"; known types: \(LayerSpec.knownTypes.joined(separator: ", "))")
            }
            guard l.inputShape == shape else { throw fail("\(at): input_shape \(l.inputShape), but the previous layer gives \(shape)") }
            var check = LayerCheck(at: at, file: file, tensorShapes: tensorShapes, used: used)
            let expected = try kind.output(of: l, input: shape, &check)
            used = check.used
            cost.largestIm2col = max(cost.largestIm2col, check.largestIm2col)
            let (multiplyAdds, poolingOperations) = (check.multiplyAdds, check.poolingOperations)
            guard l.outputShape == expected else { throw fail("\(at): output_shape \(l.outputShape), expected \(expected)") }
            guard let values = checkedProduct(expected, limit: L.activationValues) else {
                throw fail("\(at): output \(expected) has more than \(L.activationValues) values")
            }
            cost.activationValues += values
            cost.multiplyAdds += multiplyAdds
            cost.poolingOperations += poolingOperations
            guard cost.activationValues <= L.activationValues else {
                throw fail("\(at): the layers' outputs add up to more than \(L.activationValues) values per image")
            }
            guard cost.multiplyAdds + cost.poolingOperations <= L.multiplyAdds else {
                throw fail("\(at): the layers add up to more than \(L.multiplyAdds) multiply-adds per image")
            }
            shape = expected
        }
        guard shape == [10] else { throw fail("the last layer gives \(shape), expected [10] logits") }
        let extra = Set(tensorShapes.keys).subtracting(used)
        guard extra.isEmpty else { throw fail("tensors not used by any layer: \(extra.sorted().prefix(8).joined(separator: ", "))") }
        return cost
    }
}
