import Foundation
import InklingCore

/// The committed model (`weights/model.json`), found from this source file's place in the
/// package (or `INKLING_MODEL`), loaded once per process.
public enum Shipped {
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static let modelPath = ProcessInfo.processInfo.environment["INKLING_MODEL"]
        ?? root.appendingPathComponent("weights/model.json").path

    public static let modelData: Data = {
        guard let data = FileManager.default.contents(atPath: modelPath) else {
            finding("cannot read the shipped model \(modelPath) (set INKLING_MODEL)")
        }
        return data
    }()

    public static let model: ModelFile = {
        do { return try ModelFile.decode(modelData, name: modelPath) } catch {
            finding("the shipped model does not load: \(error)")
        }
    }()

    public static let modelSHA256 = SHA256.hex(modelData)

    /// One classifier per process (the fuzzer runs inputs one at a time on one thread).
    public static let classifier = Classifier(model)

    /// A fixed input for models under test: a diagonal stroke with a gradient, values in [0, 1].
    public static let probe: [Float] = (0..<784).map { i in
        let (y, x) = (i / 28, i % 28)
        return abs(x - y) <= 2 && (4..<24).contains(y) ? Float(24 - y) / 20 : 0
    }
}
