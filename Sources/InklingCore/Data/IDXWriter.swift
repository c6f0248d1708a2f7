import Foundation

/// Writes a `Dataset` as raw (uncompressed) IDX image and label files, the inverse of
/// `IDXReader`. Used to hand the sample's test split to tools that read IDX (the node
/// agreement test) on machines without the full MNIST files.
public enum IDXWriter {
    public static func write(_ data: Dataset, images: String, labels: String) throws {
        func header(_ magic: UInt32, _ dims: [Int]) -> [UInt8] {
            var bytes: [UInt8] = []
            for value in [magic] + dims.map({ UInt32($0) }) {
                for shift: UInt32 in [24, 16, 8, 0] { bytes.append(UInt8((value >> shift) & 0xFF)) }  // big-endian
            }
            return bytes
        }
        try writeAtomically(Data(header(IDXReader.imagesMagic, [data.count, data.rows, data.cols]) + data.images), to: images)
        try writeAtomically(Data(header(IDXReader.labelsMagic, [data.count]) + data.labels), to: labels)
    }
}
