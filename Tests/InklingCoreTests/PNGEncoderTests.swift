import Foundation
import InklingCore
import XCTest

final class PNGEncoderTests: XCTestCase {
    /// IHDR fields of an encoded file: (width, height, bit depth, colour type, interlace).
    func header(_ data: Data) -> (Int, Int, Int, Int, Int) {
        let b = [UInt8](data.prefix(33))
        func u32(_ i: Int) -> Int { Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3]) }
        return (u32(16), u32(20), Int(b[24]), Int(b[25]), Int(b[28]))
    }

    func testGreyRoundTripsExactly() throws {
        let (width, height) = (28, 28)
        let grey = (0..<(width * height)).map { (i: Int) -> UInt8 in UInt8((i * 37 + i / 28) % 256) }
        let data = PNGEncoder.encodeGrey(width: width, height: height, pixels: grey)
        XCTAssertEqual([UInt8](data.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let (w, h, depth, colorType, interlace) = header(data)
        XCTAssertEqual([w, h, depth, colorType, interlace], [28, 28, 8, 0, 0], "8-bit grey, not interlaced")
        let image = try PNGDecoder.decode(data: data, name: "grey.png")
        XCTAssertEqual(image, RGBAImage(width: width, height: height, grey: grey))
    }

    func testRGBARoundTripsExactlyWithStraightAlpha() throws {
        let (width, height) = (19, 7)
        var pixels = (0..<(width * height * 4)).map { UInt8(($0 * 53 + 11) % 256) }
        pixels[3] = 0  // a fully transparent pixel keeps its colour
        pixels[7] = 128
        let original = RGBAImage(width: width, height: height, pixels: pixels)
        let data = PNGEncoder.encodeRGBA(original)
        let (w, h, depth, colorType, _) = header(data)
        XCTAssertEqual([w, h, depth, colorType], [19, 7, 8, 6], "8-bit RGBA")
        XCTAssertEqual(try PNGDecoder.decode(data: data, name: "rgba.png"), original)
    }

    func testBytesAreDeterministicAndCompact() {
        let grey = (0..<784).map { UInt8($0 % 28 < 14 ? 0 : 255) }
        let a = PNGEncoder.encodeGrey(width: 28, height: 28, pixels: grey)
        let b = PNGEncoder.encodeGrey(width: 28, height: 28, pixels: grey)
        XCTAssertEqual(a, b)
        XCTAssertLessThan(a.count, 200, "a simple 28x28 digit-sized image compresses well")
        let text = String(decoding: a, as: UTF8.self)
        XCTAssertFalse(text.contains("tIME") || text.contains("tEXt"), "no timestamps or text chunks")
    }

    /// The first size guess is raw size + overhead; random RGBA barely compresses, so this
    /// checks the encoder copes when the output is larger than the input.
    func testIncompressibleImage() throws {
        var state: UInt32 = 12345
        let pixels = (0..<(64 * 64 * 4)).map { _ -> UInt8 in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(state >> 24)
        }
        let image = RGBAImage(width: 64, height: 64, pixels: pixels)
        XCTAssertEqual(try PNGDecoder.decode(data: PNGEncoder.encodeRGBA(image), name: "noise.png"), image)
    }
}
