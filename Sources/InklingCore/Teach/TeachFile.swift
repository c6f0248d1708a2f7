import Foundation

/// One taught example: the 28x28 input a user corrected, as the 784 bytes a teach file stores
/// (round(value * 255), 255 = ink, MNIST's layout), and the digit it really is.
public struct TeachExample: Sendable, Equatable {
    public let label: Int
    public let bytes: [UInt8]

    public init(label: Int, bytes: [UInt8]) {
        precondition((0...9).contains(label) && bytes.count == TeachFile.pixels, "a taught example is a label 0-9 and 784 bytes")
        self.label = label
        self.bytes = bytes
    }

    /// A model input (784 values in [0, 1]) quantised as the teach file stores it; values
    /// outside [0, 1] are clamped. Rounded in Double, half up, as the JavaScript.
    public init(label: Int, input: [Float]) {
        self.init(label: label, bytes: input.map { UInt8((Double(min(1, max(0, $0))) * 255).rounded(.toNearestOrAwayFromZero)) })
    }

    /// The model input: byte / 255 as a Float (correctly rounded, as JavaScript's Math.fround(b / 255)).
    public var input: [Float] { bytes.map { Float(Double($0) / 255) } }
}

/// A teach file (docs/teach-format.md): taught examples exported from the page, or written
/// for `inkling predict --teach` and `inkling train --extra`. Strict: strict JSON, exactly the
/// documented keys, at most `maxExamples` examples, canonical base64 of exactly 784 bytes.
public struct TeachFile: Sendable, Equatable {
    public static let formatName = "inkling-teach"
    public static let version = 1
    public static let maxExamples = 100
    public static let maxFileBytes = 1 << 20
    public static let pixels = 784

    /// SHA-256 of the model the examples were taught on (informational), or nil.
    public var modelSHA256: String?
    public var examples: [TeachExample]

    public init(modelSHA256: String?, examples: [TeachExample]) {
        self.modelSHA256 = modelSHA256
        self.examples = examples
    }

    public static func load(path: String) throws -> TeachFile {
        let data: Data
        do { data = try readLimitedFile(path, limit: maxFileBytes, what: "teach file") } catch let e as InputFileError {
            throw TeachFileError(file: path, e.problem)
        }
        return try decode(data, name: path)
    }

    public static func decode(_ data: Data, name file: String) throws -> TeachFile {
        func fail(_ problem: String) -> TeachFileError { TeachFileError(file: file, problem) }
        guard data.count <= maxFileBytes else { throw fail("the teach file has \(data.count) bytes, more than the limit of \(maxFileBytes)") }
        do { try StrictJSON.validate(data) } catch { throw fail("\(error)") }
        let value: TeachJSON
        do { value = try JSONDecoder().decode(TeachJSON.self, from: data) } catch {
            throw fail("undecodable JSON: \(error)")
        }
        guard case .object(let top) = value else { throw fail("expected a JSON object at top level, found \(value.kind)") }
        for key in top.keys.sorted() where !["format", "version", "model_sha256", "examples"].contains(key) {
            throw fail("unknown key \(quoted(key)) at top level")
        }
        guard case .string(let format)? = top["format"], format == formatName else {
            throw fail("format is \(show(top["format"])), expected \"\(formatName)\"")
        }
        guard let version = top["version"]?.integer, version == Self.version else {
            throw fail("version is \(show(top["version"])), expected \(Self.version)")
        }
        var sha: String?
        switch top["model_sha256"] {
        case .null?: sha = nil
        case .string(let s)? where s.utf8.count == 64 && s.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }): sha = s
        default: throw fail("model_sha256 must be 64 lowercase hex digits or null, found \(show(top["model_sha256"]))")
        }
        guard case .array(let list)? = top["examples"] else { throw fail("examples must be an array, found \(show(top["examples"]))") }
        guard list.count <= maxExamples else { throw fail("\(list.count) examples, the limit is \(maxExamples)") }
        var examples: [TeachExample] = []
        for (i, item) in list.enumerated() {
            let at = "example \(i): "
            guard case .object(let e) = item else { throw fail(at + "expected an object, found \(item.kind)") }
            for key in e.keys.sorted() where key != "label" && key != "input" { throw fail(at + "unknown key \(quoted(key))") }
            guard let label = e["label"]?.integer, (0...9).contains(label) else {
                throw fail(at + "label must be an integer 0-9, found \(show(e["label"]))")
            }
            guard case .string(let text)? = e["input"] else { throw fail(at + "input must be padded base64 of 784 bytes, found \(show(e["input"]))") }
            guard let bytes = Data(base64Encoded: text).map({ [UInt8]($0) }), bytes.count == pixels,
                  Data(bytes).base64EncodedString() == text else {
                throw fail(at + "input must be padded base64 of 784 bytes, found a string of \(text.count) characters")
            }
            examples.append(TeachExample(label: label, bytes: bytes))
        }
        return TeachFile(modelSHA256: sha, examples: examples)
    }

    /// The file's text, byte for byte as the page's export (`Inkling.writeTeachFile`, which
    /// is `JSON.stringify`) writes it: one line, keys in this order.
    public func encoded() -> Data {
        let list = examples.map { "{\"label\":\($0.label),\"input\":\"\(Data($0.bytes).base64EncodedString())\"}" }
        return Data(("{\"format\":\"\(Self.formatName)\",\"version\":\(Self.version),\"model_sha256\":"
            + (modelSHA256.map { "\"\($0)\"" } ?? "null") + ",\"examples\":[" + list.joined(separator: ",") + "]}\n").utf8)
    }

    private static func quoted(_ s: String) -> String { "\"\(s.prefix(64))\"" }

    private static func show(_ v: TeachJSON?) -> String {
        guard let v else { return "nothing" }
        if case .string(let s) = v { return quoted(s) }
        return v.kind
    }
}

/// Any JSON value, decoded without guessing: a number is never a boolean and vice versa.
indirect enum TeachJSON: Decodable {
    case null, bool(Bool), number(Double), string(String), array([TeachJSON]), object([String: TeachJSON])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([TeachJSON].self) { self = .array(a) }
        else { self = .object(try c.decode([String: TeachJSON].self)) }
    }

    /// A whole number (1 or 1.0, as JavaScript's Number.isInteger), else nil.
    var integer: Int? {
        guard case .number(let d) = self, d.rounded() == d, abs(d) < 1e9 else { return nil }
        return Int(d)
    }

    var kind: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return "the boolean \(b)"
        case .number(let d): return "the number \(d.rounded() == d && abs(d) < 1e15 ? String(Int(d)) : String(d))"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// A teach file that cannot be used: names the file and the problem.
public struct TeachFileError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let problem: String
    public init(file: String, _ problem: String) { self.file = file; self.problem = problem }
    public var description: String { "\(file): \(problem)" }
}
