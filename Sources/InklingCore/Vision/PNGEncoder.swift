import CPNG
import Foundation

/// Writes 8-bit grey or RGBA images as PNG bytes through libpng's simplified write API.
///
/// The bytes depend only on the pixels (and the zlib build): no timestamps, no text chunks;
/// libpng adds an sRGB chunk. Used by the site for the model card's data URIs and by tests.
public enum PNGEncoder {
    /// Grey image, `pixels` is `width * height` bytes, row-major, 0 = black.
    public static func encodeGrey(width: Int, height: Int, pixels: [UInt8]) -> Data {
        precondition(width > 0 && height > 0 && pixels.count == width * height,
                     "PNGEncoder.encodeGrey: expected \(width)x\(height) = \(width * height) bytes, found \(pixels.count)")
        return encode(width: width, height: height, format: 0 /* PNG_FORMAT_GRAY */, rowBytes: width, pixels: pixels)
    }

    /// RGBA image with straight (not premultiplied) alpha.
    public static func encodeRGBA(_ image: RGBAImage) -> Data {
        precondition(image.width > 0 && image.height > 0, "PNGEncoder.encodeRGBA: empty \(image.width)x\(image.height) image")
        return encode(width: image.width, height: image.height, format: UInt32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA),
                      rowBytes: image.width * 4, pixels: image.pixels)
    }

    static func encode(width: Int, height: Int, format: UInt32, rowBytes: Int, pixels: [UInt8]) -> Data {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = format
        defer { png_image_free(&image) }

        // A first guess that fits nearly every image (raw size plus chunk overhead); libpng
        // says the size it needs when the guess is short, and the second call uses it.
        var capacity = pixels.count + height + 1024
        for _ in 0..<2 {
            var out = [UInt8](repeating: 0, count: capacity)
            var size = capacity
            let ok = out.withUnsafeMutableBytes { buffer in
                pixels.withUnsafeBytes { source in
                    png_image_write_to_memory(&image, buffer.baseAddress, &size, 0,
                                              source.baseAddress, png_int_32(rowBytes), nil)
                }
            }
            if ok != 0 { return Data(out[0..<size]) }
            guard size > capacity else { break }
            capacity = size
            image.warning_or_error = 0
        }
        var copy = image.message
        let message = withUnsafeBytes(of: &copy) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        // Only reachable on a libpng or allocation failure for a valid image: a programming error.
        fatalError("PNGEncoder: libpng failed to write a \(width)x\(height) image: \(message)")
    }
}
