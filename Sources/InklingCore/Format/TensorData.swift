import Foundation

/// A named tensor as stored in the model file: shape, element type, base64 little-endian bytes.
/// In memory the values are always Float (float16 is widened on load).
public struct TensorData: Sendable, Equatable {
    public enum DType: String, Codable, Sendable { case float16, float32
        var bytes: Int { self == .float16 ? 2 : 4 }
    }
    public var dtype: DType
    public var shape: [Int]
    public var values: [Float]

    public init(dtype: DType, shape: [Int], values: [Float]) {
        self.dtype = dtype; self.shape = shape
        // Round once here, so the in-memory values are exactly what the file will hold.
        self.values = dtype == .float16 ? values.map { Float(Float16($0)) } : values
    }

    public var count: Int { shape.reduce(1, *) }

    /// Base64 of the little-endian bytes.
    func base64() -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(values.count * dtype.bytes)
        for v in values {
            switch dtype {
            case .float16:
                let b = Float16(v).bitPattern
                bytes.append(UInt8(b & 0xFF)); bytes.append(UInt8(b >> 8))
            case .float32:
                let b = v.bitPattern
                for s in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8((b >> UInt32(s)) & 0xFF)) }
            }
        }
        return Data(bytes).base64EncodedString()
    }

    /// Decodes and validates `data`; `name` and `file` are for the error message.
    static func decode(dtype: DType, shape: [Int], base64: String, name: String, file: String) throws -> TensorData {
        let name = String(name.prefix(64))
        let count = try ModelFile.validateTensorShape(shape, name: name, file: file)
        guard let raw = Data(base64Encoded: base64) else {
            throw ModelFileError(file: file, "tensor \(name): data is not valid base64 (truncated or corrupt)")
        }
        guard raw.count == count * dtype.bytes else {
            throw ModelFileError(file: file, "tensor \(name): expected \(count * dtype.bytes) bytes for shape \(shape) as \(dtype.rawValue), found \(raw.count)")
        }
        var values = [Float](repeating: 0, count: count)
        raw.withUnsafeBytes { (p: UnsafeRawBufferPointer) in
            for i in 0..<count {
                switch dtype {
                case .float16:
                    values[i] = Float(Float16(bitPattern: UInt16(p[2 * i]) | UInt16(p[2 * i + 1]) << 8))
                case .float32:
                    var b: UInt32 = 0
                    for s in 0..<4 { b |= UInt32(p[4 * i + s]) << UInt32(8 * s) }
                    values[i] = Float(bitPattern: b)
                }
            }
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw ModelFileError(file: file, "tensor \(name): value \(bad) is \(values[bad]) (NaN or infinity)")
        }
        return TensorData(dtype: dtype, shape: shape, values: values)
    }
}
