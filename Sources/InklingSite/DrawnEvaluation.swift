import Foundation
import InklingCore

/// The model's accuracy on our own drawn digits, numbers and sums (weights/drawn-evaluation.json).
///
/// The drawings are made by the browser tests: headless Chromium, real pointer events
/// (mouse, pen, touch) on the page's pad, read by the page itself. `scripts/drawn-evaluation.sh`
/// runs them and writes this file with the SHA-256 of the model the page held, so the card
/// can print the figures as facts about this model; a build refuses a file of another model.
public struct DrawnEvaluation: Codable, Equatable, Sendable {
    public struct DrawnSet: Codable, Equatable, Sendable {
        /// "digit", "number" or "sum".
        public var kind: String
        public var name: String
        public var right: Int
        public var total: Int
    }

    public var format: String
    public var version: Int
    public var modelSHA256: String
    /// How the drawings were made, in a sentence or two (shown on the card).
    public var how: String
    /// The command that wrote the file.
    public var command: String
    public var sets: [DrawnSet]

    enum CodingKeys: String, CodingKey {
        case format, version, how, command, sets
        case modelSHA256 = "model_sha256"
    }

    public static let formatName = "inkling-drawn-evaluation"
    public static let kinds = ["digit", "number", "sum"]

    /// Right and total over every set of a kind.
    public func totals(_ kind: String) -> (right: Int, total: Int) {
        sets.filter { $0.kind == kind }.reduce((0, 0)) { ($0.0 + $1.right, $0.1 + $1.total) }
    }

    /// What `inkling build` uses when --drawn-evaluation is not given: `path` when it exists
    /// and was measured on the model at `modelPath`. Figures of another model (after a
    /// retrain) are left out with a note, so a retrained model still builds; a file that
    /// cannot be read is passed on, for `load` to refuse with its reason.
    public static func useDefault(_ path: String, model modelPath: String) -> (path: String?, note: String?) {
        guard FileManager.default.fileExists(atPath: path) else { return (nil, nil) }
        guard let modelBytes = try? readLimitedFile(modelPath, limit: ModelLimits.maxFileBytes, what: "model file"),
              let data = try? readLimitedFile(path, limit: 1 << 20, what: "drawn-set evaluation"),
              let d = try? JSONDecoder().decode(DrawnEvaluation.self, from: data) else { return (path, nil) }
        guard d.modelSHA256 == Digest.hex(modelBytes) else {
            return (nil, "\(path) holds figures of another model; the model card is built without drawn-set figures (run scripts/drawn-evaluation.sh to measure this model)")
        }
        return (path, nil)
    }

    /// Reads and checks the file: format, a known kind per set, 0 <= right <= total, and the
    /// model it was measured on must be `modelBytes` (else the figures are stale).
    static func load(path: String, modelBytes: Data, modelPath: String) throws -> DrawnEvaluation {
        let data = try SiteInputs.read(path, what: "the drawn-set evaluation (weights/drawn-evaluation.json, from scripts/drawn-evaluation.sh)")
        func fail(_ expected: String, _ found: String) -> SiteError { SiteError(file: path, expected: expected, found: found) }
        let d: DrawnEvaluation
        do { d = try JSONDecoder().decode(DrawnEvaluation.self, from: data) } catch {
            throw fail("a drawn-set evaluation written by scripts/drawn-evaluation.sh", "JSON it cannot read (\(error))")
        }
        guard d.format == formatName, d.version == 1 else {
            throw fail("format \"\(formatName)\" version 1", "format \"\(d.format)\" version \(d.version)")
        }
        let actual = Digest.hex(modelBytes)
        guard d.modelSHA256 == actual else {
            throw fail("figures measured on \(modelPath) (sha256 \(actual.prefix(12))...; run scripts/drawn-evaluation.sh)",
                       "figures of another model (sha256 \(d.modelSHA256.prefix(12))...): they are stale")
        }
        guard !d.sets.isEmpty else { throw fail("at least one drawn set", "none") }
        for s in d.sets {
            guard kinds.contains(s.kind), !s.name.isEmpty, s.total > 0, (0...s.total).contains(s.right) else {
                throw fail("sets of kind digit, number or sum, with 0 <= right <= total and total > 0",
                           "set \"\(s.name)\" of kind \"\(s.kind)\" with \(s.right) of \(s.total)")
            }
        }
        return d
    }
}
