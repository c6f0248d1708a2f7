import Foundation

/// Which half of a data set to load.
public enum DataSplit: String, Sendable, CaseIterable {
    case train, test
}

/// The MNIST IDX files in a directory.
///
/// Accepted names, for split prefix `train` or `t10k` (tried in this order, the first
/// existing one wins; raw before `.gz` since it needs no inflating):
///
///     train-images-idx3-ubyte   train-images-idx3-ubyte.gz   (LeCun's download names)
///     train-images.idx3-ubyte   train-images.idx3-ubyte.gz   (the dotted name inside the .gz headers, Kaggle)
///
/// and the same for `-labels-idx1-ubyte`.
public enum MNIST {
    /// The image and label files of one split.
    public struct Files: Sendable, Equatable {
        public let images: String
        public let labels: String
    }

    /// File name prefix of each split: MNIST calls its test set "t10k".
    public static func prefix(_ split: DataSplit) -> String { split == .train ? "train" : "t10k" }

    /// Every name accepted for one file (`kind` is "images" with idx3, or "labels" with idx1).
    static func candidateNames(_ split: DataSplit, images: Bool) -> [String] {
        let stem = "\(prefix(split))-\(images ? "images" : "labels")"
        let idx = images ? "idx3-ubyte" : "idx1-ubyte"
        return ["\(stem)-\(idx)", "\(stem)-\(idx).gz", "\(stem).\(idx)", "\(stem).\(idx).gz"]
    }

    /// The files of `split` in `directory`, or nil when either is missing.
    public static func files(directory: String, split: DataSplit) -> Files? {
        func find(_ images: Bool) -> String? {
            candidateNames(split, images: images)
                .map { (directory as NSString).appendingPathComponent($0) }
                .first { isFile($0) }
        }
        guard let images = find(true), let labels = find(false) else { return nil }
        return Files(images: images, labels: labels)
    }

    /// Loads one split of MNIST from `directory`, checking that images and labels agree.
    public static func load(directory: String, split: DataSplit) throws -> Dataset {
        guard let files = files(directory: directory, split: split) else {
            let wanted = candidateNames(split, images: true)[1] + " and " + candidateNames(split, images: false)[1]
            let missing = [true, false].filter { images in
                !candidateNames(split, images: images).contains { isFile((directory as NSString).appendingPathComponent($0)) }
            }.map { candidateNames(split, images: $0)[0] }
            throw DataFileError(.unreadable, file: directory,
                                expected: "MNIST \(split.rawValue) files \(wanted) (raw or .gz, dashed or dotted names)",
                                found: "no \(missing.joined(separator: " or ")) file")
        }
        return try load(files)
    }

    /// Loads an image file and its label file as one data set.
    public static func load(_ files: Files) throws -> Dataset {
        // The two files are independent: inflate them on two threads.
        var imagesResult: Result<IDXImages, Error>!
        var labelsResult: Result<[UInt8], Error>!
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            if i == 0 {
                imagesResult = Result { try IDXReader.readImages(path: files.images) }
            } else {
                labelsResult = Result { try IDXReader.readLabels(path: files.labels) }
            }
        }
        let images = try imagesResult.get()
        let labels = try labelsResult.get()
        guard images.count == labels.count else {
            throw DataFileError(.countMismatch, file: files.labels,
                                expected: "\(images.count) labels, one per image in \(fileName(files.images))",
                                found: "\(labels.count) labels")
        }
        return Dataset(images: images.pixels, labels: labels, rows: images.rows, cols: images.cols,
                       source: "\(fileName(files.images)), \(fileName(files.labels))")
    }

    static func isFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    static func fileName(_ path: String) -> String { (path as NSString).lastPathComponent }
}
