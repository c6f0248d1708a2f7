import Foundation
import InklingCore

/// FuzzIDX: the bytes as a data file (raw IDX, or gzip when they start 1f 8b), read as IDX
/// images and labels; then the same bytes wrapped in gzip (and as two gzip members), which must
/// inflate back to exactly them and parse the same way.
public enum HarnessIDX {
    public static func run(_ bytes: [UInt8]) {
        if let inflated = try? DataFile.decode(Data(bytes), name: "fuzz.idx") {
            parse(inflated)
        }
        let gz = GzipWriter.compress(bytes)
        let back: [UInt8]
        do { back = try DataFile.decode(Data(gz), name: "fuzz.idx.gz") } catch {
            if bytes.isEmpty { return }  // an empty stream inflates to an empty file: refused, rightly
            finding("valid gzip of \(bytes.count) bytes refused: \(error)")
        }
        guard back == bytes else { finding("gzip round trip changed \(bytes.count) bytes into \(back.count)") }
        // `cat a.gz b.gz`: concatenated members inflate to the concatenation.
        let half = bytes.count / 2
        let two = GzipWriter.compress(Array(bytes[..<half])) + GzipWriter.compress(Array(bytes[half...]), level: 1)
        guard let joined = try? Gzip.decompressBytes(Data(two), name: "two.gz"), joined == bytes else {
            finding("two gzip members did not inflate to the \(bytes.count) bytes they hold")
        }
    }

    static func parse(_ bytes: [UInt8]) {
        if let images = try? IDXReader.parseImages(bytes, name: "fuzz-images") {
            guard images.rows == 28, images.cols == 28, images.pixels.count == images.count * 784,
                  bytes.count == 16 + images.pixels.count else {
                finding("IDX images: \(images.count) x \(images.rows)x\(images.cols) from \(bytes.count) bytes")
            }
        }
        if let small = try? IDXReader.parseImages(bytes, name: "fuzz-images", rows: 2, cols: 3) {
            guard small.pixels.count == small.count * 6 else { finding("IDX 2x3 images: wrong pixel count") }
        }
        if let labels = try? IDXReader.parseLabels(bytes, name: "fuzz-labels") {
            guard bytes.count == 8 + labels.count, labels.allSatisfy({ $0 < 10 }) else {
                finding("IDX labels: \(labels.count) labels from \(bytes.count) bytes")
            }
        }
    }
}
