/// An image as 8-bit RGBA, row-major, `width * height * 4` bytes: the one pixel type that
/// crosses from decoders (PNG, canvas) into preprocessing. Grey and palette sources are
/// expanded to it; 16-bit sources keep their high byte.
public struct RGBAImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * 4, "RGBA buffer size mismatch")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// An opaque image from grey bytes (`width * height`).
    public init(width: Int, height: Int, grey: [UInt8]) {
        precondition(grey.count == width * height, "grey buffer size mismatch")
        var rgba = [UInt8](repeating: 255, count: width * height * 4)
        for i in 0..<(width * height) {
            rgba[4 * i] = grey[i]; rgba[4 * i + 1] = grey[i]; rgba[4 * i + 2] = grey[i]
        }
        self.init(width: width, height: height, pixels: rgba)
    }
}
