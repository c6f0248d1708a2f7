import Foundation
import InklingCore

/// The committed model (`weights/model.json`), found from this source file's place in the
/// package (or `INKLING_MODEL`), loaded once per process.
public enum Shipped {
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static let modelPath = ProcessInfo.processInfo.environment["INKLING_MODEL"]
        ?? root.appendingPathComponent("weights/model.json").path

    /// The decoded model and the SHA-256 of its bytes (the bytes themselves are not kept:
    /// LeakSanitizer at exit reports a global `Data` from `FileManager.contents` as leaked).
    private static let loaded: (model: ModelFile, sha256: String) = {
        guard let data = FileManager.default.contents(atPath: modelPath) else {
            finding("cannot read the shipped model \(modelPath) (set INKLING_MODEL)")
        }
        do { return (try ModelFile.decode(data, name: modelPath), SHA256.hex(data)) } catch {
            finding("the shipped model does not load: \(error)")
        }
    }()

    public static var model: ModelFile { loaded.model }
    public static var modelSHA256: String { loaded.sha256 }

    /// One classifier per process (the fuzzer runs inputs one at a time on one thread).
    public static let classifier = Classifier(model)

    /// A fixed input for models under test: a diagonal stroke with a gradient, values in [0, 1].
    public static let probe: [Float] = (0..<784).map { i in
        let (y, x) = (i / 28, i % 28)
        return abs(x - y) <= 2 && (4..<24).contains(y) ? Float(24 - y) / 20 : 0
    }
}
