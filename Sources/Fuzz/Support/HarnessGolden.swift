import Foundation
import InklingCore

/// FuzzGolden: the bytes as a golden-values file: decode, rebuild each case's image, and run
/// the golden check against the shipped model (as `inkling golden --check` does).
public enum HarnessGolden {
    public static func run(_ bytes: [UInt8]) {
        guard let file = try? GoldenFile.decode(Data(bytes), name: "fuzz-golden.json") else { return }
        for c in file.cases {
            guard let image = try? GoldenFile.image(of: c, file: "fuzz-golden.json") else { continue }
            guard image.pixels.count == image.width * image.height * 4 else { finding("golden case image size") }
        }
        guard let report = try? Golden.check(file, path: "fuzz-golden.json", classifier: Shipped.classifier,
                                             modelSHA256: Shipped.modelSHA256) else { return }
        let count = file.cases.count + (file.teach?.probes.count ?? 0)
        guard report.count == count else { finding("golden report counts \(report.count) of \(count)") }
        _ = report.description
    }
}
