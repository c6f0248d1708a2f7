import CPNG
import Foundation
import InklingCore
import XCTest

/// Every PNG kind written by libpng's classic API (PNGFixtures.swift) must decode to exactly
/// the RGBA the file describes; every kind of bad file must give its one-line error.
final class PNGDecoderTests: XCTestCase {
    // MARK: - Every colour type and bit depth, plain and interlaced

    func assertDecodes(_ fixture: PNGFixture, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        let data = fixture.encoded()
        do {
            let image = try PNGDecoder.decode(data: data, name: label)
            XCTAssertEqual(image.width, fixture.width, label, file: file, line: line)
            XCTAssertEqual(image.height, fixture.height, label, file: file, line: line)
            let expected = fixture.expectedRGBA()
            if image.pixels != expected {
                let i = zip(image.pixels, expected).enumerated().first { $0.element.0 != $0.element.1 }!.offset
                XCTFail("\(label): pixel \(i / 4) channel \(i % 4): expected \(expected[i]), decoded \(image.pixels[i])",
                        file: file, line: line)
            }
        } catch {
            XCTFail("\(label): \(error)", file: file, line: line)
        }
    }

    func forBothInterlaces(_ body: (Bool, String) -> Void) {
        body(false, "")
        body(true, " interlaced")
    }

    func testGreyAllBitDepths() {
        forBothInterlaces { interlaced, suffix in
            for depth in [1, 2, 4, 8, 16] {
                assertDecodes(.sweep(.grey, bitDepth: depth, interlaced: interlaced), "grey \(depth)-bit\(suffix)")
            }
        }
    }

    func testGreyAlpha8And16() {
        forBothInterlaces { interlaced, suffix in
            for depth in [8, 16] {
                assertDecodes(.sweep(.greyAlpha, bitDepth: depth, interlaced: interlaced), "grey+alpha \(depth)-bit\(suffix)")
            }
        }
    }

    func testRGB8And16() {
        forBothInterlaces { interlaced, suffix in
            for depth in [8, 16] {
                assertDecodes(.sweep(.rgb, bitDepth: depth, interlaced: interlaced), "RGB \(depth)-bit\(suffix)")
            }
        }
    }

    func testRGBA8And16() {
        forBothInterlaces { interlaced, suffix in
            for depth in [8, 16] {
                assertDecodes(.sweep(.rgba, bitDepth: depth, interlaced: interlaced), "RGBA \(depth)-bit\(suffix)")
            }
        }
    }

    func testPaletteAllBitDepthsWithAndWithoutTRNS() {
        forBothInterlaces { interlaced, suffix in
            for depth in [1, 2, 4, 8] {
                var fixture = PNGFixture.sweep(.palette, bitDepth: depth, interlaced: interlaced)
                assertDecodes(fixture, "palette \(depth)-bit\(suffix)")
                // tRNS shorter than the palette: the first entries get alpha, the rest stay opaque.
                let entries = fixture.palette.count
                fixture.paletteAlpha = (0..<max(1, entries - 1)).map { UInt8(($0 * 97 + 3) % 256) }
                fixture.paletteAlpha[0] = 0
                assertDecodes(fixture, "palette \(depth)-bit with tRNS\(suffix)")
            }
        }
    }

    func testGreyAndRGBWithTRNSColour() {
        for depth in [1, 2, 4, 8, 16] {
            var fixture = PNGFixture.sweep(.grey, bitDepth: depth)
            fixture.transparentColor = [fixture.samples[1]]
            assertDecodes(fixture, "grey \(depth)-bit with tRNS")
        }
        for depth in [8, 16] {
            var fixture = PNGFixture.sweep(.rgb, bitDepth: depth)
            fixture.transparentColor = Array(fixture.samples[3..<6])
            assertDecodes(fixture, "RGB \(depth)-bit with tRNS")
        }
    }

    /// Interlaced 16-bit files take the PNGDeinterlace path (libpng bug workaround): every
    /// row filter, sizes where some Adam7 passes are empty, tRNS and gAMA chunks carried over.
    func testInterlacedSixteenBitEveryFilterAndSize() {
        let filters: [(Int32, String)] = [(PNG_FILTER_NONE, "none"), (PNG_FILTER_SUB, "sub"), (PNG_FILTER_UP, "up"),
                                          (PNG_FILTER_AVG, "average"), (PNG_FILTER_PAETH, "Paeth")]
        for (filter, label) in filters {
            for type in [PNGFixture.ColorType.grey, .greyAlpha, .rgb, .rgba] {
                var fixture = PNGFixture.sweep(type, bitDepth: 16, width: 13, height: 11, interlaced: true)
                fixture.filter = filter
                assertDecodes(fixture, "\(type) 16-bit interlaced, filter \(label)")
            }
        }
        for (w, h) in [(1, 1), (2, 3), (5, 1), (1, 9), (8, 8), (9, 17)] {
            assertDecodes(.sweep(.rgba, bitDepth: 16, width: w, height: h, interlaced: true), "RGBA 16-bit interlaced \(w)x\(h)")
        }
        var grey = PNGFixture.sweep(.grey, bitDepth: 16, interlaced: true)
        grey.transparentColor = [grey.samples[2]]
        grey.gamma = 1 / 2.2
        assertDecodes(grey, "grey 16-bit interlaced with tRNS and gAMA")
    }

    func testInterlacedSixteenBitBadFiles() throws {
        let data = PNGFixture.sweep(.rgba, bitDepth: 16, width: 64, height: 64, interlaced: true).encoded()
        let idat = try XCTUnwrap(PNGBytes.chunks(data).first { $0.type == "IDAT" })
        assertRefused(data.prefix(idat.offset + 8 + idat.length / 2), .truncated, containing: ["truncated", "IDAT"])
        var flipped = data
        flipped[idat.offset + 8 + idat.length / 2] ^= 0x10
        assertRefused(flipped, .corrupt, containing: ["IDAT CRC mismatch"])
        var crcOnly = data
        crcOnly[idat.offset + 8 + idat.length + 3] ^= 0x01
        assertRefused(crcOnly, .corrupt, containing: ["IDAT CRC mismatch"])
    }

    /// The simplified API assumes 16-bit files without gAMA are linear and would brighten
    /// 32768 to 188; the decoder must give the plain scaled value instead.
    func testSixteenBitMapsWithoutGammaSurprise() throws {
        let values = [0, 1, 128, 129, 32767, 32768, 49151, 65534, 65535]
        for gamma: Double? in [nil, 1 / 2.2] {
            let fixture = PNGFixture(width: values.count, height: 1, colorType: .grey, bitDepth: 16,
                                     samples: values, gamma: gamma)
            let image = try PNGDecoder.decode(data: fixture.encoded(), name: "grey16.png")
            let grey = stride(from: 0, to: image.pixels.count, by: 4).map { image.pixels[$0] }
            XCTAssertEqual(grey, [0, 0, 0, 1, 127, 128, 191, 255, 255], "gAMA \(String(describing: gamma))")
        }
    }

    /// Alpha comes back straight: a half-transparent mid-grey keeps its grey value.
    func testAlphaIsNotPremultiplied() throws {
        for depth in [8, 16] {
            let full = (1 << depth) - 1
            let samples = [full / 2 + 1, full / 2 + 1, full, 0, full, full]  // (grey, alpha) x 3
            let fixture = PNGFixture(width: 3, height: 1, colorType: .greyAlpha, bitDepth: depth, samples: samples)
            let image = try PNGDecoder.decode(data: fixture.encoded(), name: "ga.png")
            XCTAssertEqual(image.pixels, [128, 128, 128, 128, 255, 255, 255, 0, 255, 255, 255, 255], "\(depth)-bit")
        }
    }

    func testDecodeFromPathAndLargeImage() throws {
        let fixture = PNGFixture.sweep(.rgb, bitDepth: 8, width: 1000, height: 700, interlaced: true)
        let path = NSTemporaryDirectory() + "inkling-png-\(UUID().uuidString).png"
        try fixture.encoded().write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let image = try PNGDecoder.decode(path: path)
        XCTAssertEqual(image.width, 1000)
        XCTAssertEqual(image.pixels, fixture.expectedRGBA())
    }

    // MARK: - Bad files

    func assertRefused(_ data: Data, _ kind: PNGError.Kind, containing words: [String],
                       file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try PNGDecoder.decode(data: data, name: "bad.png")
            XCTFail("expected a \(kind) error, decoding succeeded", file: file, line: line)
        } catch let error as PNGError {
            XCTAssertEqual(error.kind, kind, error.description, file: file, line: line)
            XCTAssertTrue(error.description.hasPrefix("bad.png: "), error.description, file: file, line: line)
            XCTAssertFalse(error.description.contains("\n"), "one line: \(error.description)", file: file, line: line)
            for word in words {
                XCTAssertTrue(error.description.contains(word), "\(error.description) lacks \(word)", file: file, line: line)
            }
        } catch {
            XCTFail("expected PNGError, got \(error)", file: file, line: line)
        }
    }

    var goodFile: Data { PNGFixture.sweep(.rgb, bitDepth: 8, width: 64, height: 64).encoded() }

    func testNotAPNG() {
        assertRefused(Data("GIF89a not a png at all, just text".utf8), .notPNG,
                      containing: ["not a PNG", "47 49 46 38 39 61 20 6E"])
        assertRefused(Data(), .notPNG, containing: ["empty file"])
        var jpegish = goodFile
        jpegish[0] = 0xFF
        assertRefused(jpegish, .notPNG, containing: ["not a PNG"])
    }

    func testTruncatedInTheMiddleOfIDAT() throws {
        let data = goodFile
        let idat = try XCTUnwrap(PNGBytes.chunks(data).first { $0.type == "IDAT" })
        XCTAssertGreaterThan(idat.length, 100)
        assertRefused(data.prefix(idat.offset + 8 + idat.length / 2), .truncated, containing: ["truncated"])
        assertRefused(data.prefix(20), .truncated, containing: ["truncated", "found 20"])
        assertRefused(data.prefix(5), .truncated, containing: ["truncated"])
    }

    func testCorruptCRCInIDATAndIHDR() throws {
        var data = goodFile
        let idat = try XCTUnwrap(PNGBytes.chunks(data).first { $0.type == "IDAT" })
        data[idat.offset + 8 + idat.length / 2] ^= 0x10
        assertRefused(data, .corrupt, containing: ["corrupt", "CRC"])

        // Only the stored CRC is wrong, the zlib stream is intact: only a CRC check finds it.
        var crcOnly = goodFile
        crcOnly[idat.offset + 8 + idat.length + 3] ^= 0x01
        assertRefused(crcOnly, .corrupt, containing: ["CRC"])

        var header = goodFile
        header[17] ^= 0x01  // a byte of the width
        assertRefused(header, .corrupt, containing: ["IHDR CRC mismatch"])
    }

    func testWidthAndHeightOverTheLimit() {
        assertRefused(PNGBytes.headerOnly(width: 20_000, height: 10), .tooLarge,
                      containing: ["at most 10000 px", "found 20000x10"])
        assertRefused(PNGBytes.headerOnly(width: 10, height: 10_001), .tooLarge, containing: ["found 10x10001"])
        assertRefused(PNGBytes.headerOnly(width: 0x7FFF_FFFF, height: 1), .tooLarge, containing: ["found 2147483647x1"])
    }

    func testPixelBudget() {
        // Both sides within 10,000 but 25 M pixels: refused from the header alone.
        assertRefused(PNGBytes.headerOnly(width: 5000, height: 5000), .tooLarge,
                      containing: ["at most 16000000 pixels", "found 5000x5000 = 25000000"])
    }

    func testFileSizeLimit() throws {
        var big = Data(count: PNGDecoder.maxFileBytes + 1)
        big.replaceSubrange(0..<goodFile.count, with: goodFile)
        assertRefused(big, .tooLarge, containing: ["file too large", "found \(PNGDecoder.maxFileBytes + 1) bytes"])
    }

    func testUnreadableFile() {
        let missing = NSTemporaryDirectory() + "inkling-no-such-\(UUID().uuidString).png"
        XCTAssertThrowsError(try PNGDecoder.decode(path: missing)) { error in
            let e = error as? PNGError
            XCTAssertEqual(e?.kind, .unreadable)
            XCTAssertEqual(e?.description.hasPrefix("\(missing): cannot read file"), true, "\(error)")
        }
        XCTAssertThrowsError(try PNGDecoder.decode(path: NSTemporaryDirectory())) { error in
            XCTAssertEqual((error as? PNGError)?.kind, .unreadable, "\(error)")
        }
    }

    func testLimitsAreDocumentedConstants() {
        XCTAssertEqual(PNGDecoder.maxSide, 10_000)
        XCTAssertEqual(PNGDecoder.maxPixels, 16_000_000)
        XCTAssertEqual(PNGDecoder.maxFileBytes, 64 * 1024 * 1024)
    }
}
