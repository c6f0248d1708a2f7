import Foundation

/// `weights/golden.json`: the Swift reference's answers for a fixed set of inputs, which the
/// JavaScript (node and Chromium) and every later Swift build must reproduce within the
/// tolerances defined here in code (the file records them for readers, but a check never
/// takes them from the file it checks). Format described in docs/preprocessing.md ("Golden values").
public struct GoldenFile: Codable, Sendable {
    public static let formatName = "inkling-golden"
    public static let version = 1
    /// Default tolerances (max absolute difference); digit, blank and unsure must be identical.
    public static let defaultTolerances = Tolerances(input: 1e-5, probabilities: 1e-5, logits: 1e-4)

    public struct Tolerances: Codable, Sendable, Equatable {
        public var input: Double, probabilities: Double, logits: Double
        public init(input: Double, probabilities: Double, logits: Double) {
            self.input = input; self.probabilities = probabilities; self.logits = logits
        }
    }

    public struct Raw: Codable, Sendable {
        public var encoding: GoldenInput.Encoding
        public var width: Int, height: Int
        /// base64 of `width * height` grey bytes or `width * height * 4` RGBA bytes.
        public var data: String
    }

    public struct Case: Codable, Sendable {
        public var name: String
        public var kind: String
        public var label: Int?
        public var raw: Raw
        /// false: the model input is the grey bytes / 255 (kind "mnist"); true: preprocessed.
        public var preprocess: Bool
        public var blank: Bool
        public var digit: Int
        public var unsure: Bool
        public var input: [Double]
        public var logits: [Double]
        public var probabilities: [Double]
    }

    public var format: String
    public var version: Int
    public var model: String
    public var modelSHA256: String
    public var tolerances: Tolerances
    public var data: String
    public var mnistTestIndices: [Int]
    public var cases: [Case]
    /// Golden training values (GoldenTraining.swift); optional so older files still decode.
    public var training: GoldenTraining.Section? = nil

    enum CodingKeys: String, CodingKey {
        case format, version, model, tolerances, data, cases, training
        case modelSHA256 = "model_sha256", mnistTestIndices = "mnist_test_indices"
    }

    // MARK: - Reading

    /// Largest golden file, case count and raw image side that `load` accepts.
    public static let maxFileBytes = 64 << 20
    public static let maxCases = 10_000
    public static let maxRawSide = 4096

    public static func load(path: String) throws -> GoldenFile {
        let data: Data
        do { data = try readLimitedFile(path, limit: maxFileBytes, what: "golden values file") } catch {
            throw GoldenError(file: path, "\((error as? InputFileError)?.problem ?? "\(error)"); run `inkling golden` to write it")
        }
        return try decode(data, name: path)
    }

    /// Decodes and validates golden values: strict JSON, format and version, 1 to `maxCases`
    /// cases, each with 784 inputs, 10 logits and probabilities (all finite), a digit 0-9 and a
    /// raw image of at most `maxRawSide` per side whose bytes match its size.
    public static func decode(_ data: Data, name path: String) throws -> GoldenFile {
        func fail(_ problem: String) -> GoldenError { GoldenError(file: path, problem) }
        do { try StrictJSON.validate(data) } catch { throw fail("\(error)") }
        let file: GoldenFile
        do { file = try JSONDecoder().decode(GoldenFile.self, from: data) } catch {
            throw fail("expected golden values JSON (format \"\(formatName)\"), found undecodable content: \(error)")
        }
        guard file.format == formatName, file.version == version else {
            throw fail("expected format \"\(formatName)\" version \(version), found \"\(file.format.prefix(40))\" version \(file.version)")
        }
        guard (1...maxCases).contains(file.cases.count) else {
            throw fail("expected 1 to \(maxCases) cases, found \(file.cases.count)")
        }
        for c in file.cases {
            let name = c.name.prefix(64)
            guard c.input.count == 784, c.logits.count == 10, c.probabilities.count == 10 else {
                throw fail("case \(name): expected 784 input, 10 logits, 10 probabilities, found \(c.input.count), \(c.logits.count), \(c.probabilities.count)")
            }
            guard (c.input + c.logits + c.probabilities).allSatisfy(\.isFinite) else {
                throw fail("case \(name): input, logits and probabilities must be finite numbers")
            }
            guard (0...9).contains(c.digit), c.label.map({ (0...9).contains($0) }) ?? true else {
                throw fail("case \(name): digit and label must be 0 to 9")
            }
            guard (1...maxRawSide).contains(c.raw.width), (1...maxRawSide).contains(c.raw.height) else {
                throw fail("case \(name): raw image must be 1 to \(maxRawSide) pixels per side, found \(c.raw.width)x\(c.raw.height)")
            }
        }
        return file
    }

    /// The case's raw input as an RGBA image.
    public static func image(of c: Case, file: String) throws -> RGBAImage {
        guard let bytes = Data(base64Encoded: c.raw.data).map({ [UInt8]($0) }) else {
            throw GoldenError(file: file, "case \(c.name): raw data is not valid base64")
        }
        let per = c.raw.encoding == .rgba ? 4 : 1
        guard (1...maxRawSide).contains(c.raw.width), (1...maxRawSide).contains(c.raw.height) else {
            throw GoldenError(file: file, "case \(c.name.prefix(64)): raw image must be 1 to \(maxRawSide) pixels per side, found \(c.raw.width)x\(c.raw.height)")
        }
        let n = c.raw.width * c.raw.height
        guard bytes.count == n * per else {
            throw GoldenError(file: file, "case \(c.name): expected \(n * per) raw bytes for \(c.raw.width)x\(c.raw.height) \(c.raw.encoding.rawValue), found \(bytes.count)")
        }
        return per == 4 ? RGBAImage(width: c.raw.width, height: c.raw.height, pixels: bytes)
                        : RGBAImage(width: c.raw.width, height: c.raw.height, grey: bytes)
    }

    // MARK: - Writing

    /// Pretty, diffable and deterministic: one block per case, the 28x28 input as 28 lines,
    /// fixed decimals (inputs and probabilities 7, logits 6), no timestamps.
    public func encoded() -> Data {
        func num(_ v: Double, _ places: Int) -> String {
            if v == 0 { return "0" }
            if v == 1 { return "1" }
            let s = String(format: "%.\(places)f", v)
            return s == "-0." + String(repeating: "0", count: places) ? "0" : s
        }
        func list(_ vs: [Double], _ places: Int) -> String { "[" + vs.map { num($0, places) }.joined(separator: ", ") + "]" }
        func str(_ s: String) -> String {
            let data = try! JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes])
            return String(String(data: data, encoding: .utf8)!.dropFirst().dropLast())
        }
        var o = "{\n"
        o += "  \"format\": \(str(format)),\n  \"version\": \(version),\n"
        o += "  \"model\": \(str(model)),\n  \"model_sha256\": \(str(modelSHA256)),\n"
        o += "  \"tolerances\": {\"input\": \(tolerances.input), \"probabilities\": \(tolerances.probabilities), \"logits\": \(tolerances.logits)},\n"
        o += "  \"data\": \(str(data)),\n"
        o += "  \"mnist_test_indices\": [\(mnistTestIndices.map(String.init).joined(separator: ", "))],\n"
        o += "  \"cases\": [\n"
        for (k, c) in cases.enumerated() {
            o += "    {\n"
            o += "      \"name\": \(str(c.name)), \"kind\": \(str(c.kind)), \"label\": \(c.label.map(String.init) ?? "null"),\n"
            o += "      \"preprocess\": \(c.preprocess), \"blank\": \(c.blank), \"digit\": \(c.digit), \"unsure\": \(c.unsure),\n"
            o += "      \"logits\": \(list(c.logits, 6)),\n"
            o += "      \"probabilities\": \(list(c.probabilities, 7)),\n"
            o += "      \"input\": [\n"
            for row in 0..<28 {
                let line = c.input[(row * 28)..<(row * 28 + 28)].map { num($0, 7) }.joined(separator: ", ")
                o += "        \(line)\(row < 27 ? "," : "")\n"
            }
            o += "      ],\n"
            o += "      \"raw\": {\"encoding\": \(str(c.raw.encoding.rawValue)), \"width\": \(c.raw.width), \"height\": \(c.raw.height),\n"
            o += "              \"data\": \(str(c.raw.data))}\n"
            o += "    }\(k < cases.count - 1 ? "," : "")\n"
        }
        o += "  ]"
        if let training { o += ",\n  \"training\": " + GoldenTraining.encoded(training) }
        o += "\n}\n"
        return Data(o.utf8)
    }
}

/// Why golden values could not be made or checked: names the file and the problem.
public struct GoldenError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let problem: String
    public init(file: String, _ problem: String) { self.file = file; self.problem = problem }
    public var description: String { "\(file): \(problem)" }
}
