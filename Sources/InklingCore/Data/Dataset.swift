/// A set of labelled 28x28 grey images, as MNIST stores them.
///
/// Layout: `images` is `count * rows * cols` bytes, image-major then row-major,
/// 0 = background, 255 = full ink (MNIST polarity: white digit on black).
public struct Dataset: Sendable {
    public var images: [UInt8]
    public var labels: [UInt8]
    public let rows: Int
    public let cols: Int
    /// Where the images came from (file names), for errors and metadata.
    public var source: String

    public var count: Int { labels.count }
    public var pixelsPerImage: Int { rows * cols }

    public init(images: [UInt8], labels: [UInt8], rows: Int, cols: Int, source: String) {
        precondition(images.count == labels.count * rows * cols, "images/labels size mismatch")
        self.images = images
        self.labels = labels
        self.rows = rows
        self.cols = cols
        self.source = source
    }

    /// The first `n` images (or all of them when `n` is nil or larger).
    public func prefix(_ n: Int?) -> Dataset {
        guard let n, n < count else { return self }
        return Dataset(images: Array(images[0..<(n * pixelsPerImage)]), labels: Array(labels[0..<n]),
                       rows: rows, cols: cols, source: source)
    }

    /// Images `range` as a new dataset (used to hold out a calibration split).
    public func slice(_ range: Range<Int>) -> Dataset {
        Dataset(images: Array(images[(range.lowerBound * pixelsPerImage)..<(range.upperBound * pixelsPerImage)]),
                labels: Array(labels[range]), rows: rows, cols: cols, source: source)
    }
}
