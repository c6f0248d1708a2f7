import CPNG
import CZlib
import Foundation

/// A PNG described in the file's own terms (colour type, bit depth, raw samples), written
/// with libpng's classic write API so the decoder is tested against an independent writer
/// that can produce every kind of file: low bit depths, palettes, tRNS, 16 bits, Adam7.
struct PNGFixture {
    enum ColorType: Int32 {
        case grey = 0, rgb = 2, palette = 3, greyAlpha = 4, rgba = 6

        var channels: Int {
            switch self {
            case .grey, .palette: return 1
            case .greyAlpha: return 2
            case .rgb: return 3
            case .rgba: return 4
            }
        }
    }

    var width: Int
    var height: Int
    var colorType: ColorType
    var bitDepth: Int
    /// `width * height * channels` samples in file order, each in `0..<(1 << bitDepth)`;
    /// palette indices for `.palette`.
    var samples: [Int]
    var palette: [(r: UInt8, g: UInt8, b: UInt8)] = []
    /// tRNS for palettes: alpha of the first entries (the rest are opaque).
    var paletteAlpha: [UInt8] = []
    /// tRNS for grey (1 value) or RGB (3 values): this exact colour is fully transparent.
    var transparentColor: [Int]? = nil
    var interlaced = false
    /// Written as a gAMA chunk when set (file gamma, e.g. 1/2.2).
    var gamma: Double? = nil
    /// Forces one row filter (`PNG_FILTER_NONE`, `_SUB`, `_UP`, `_AVG`, `_PAETH`); libpng
    /// picks adaptively when nil.
    var filter: Int32? = nil

    /// A fixture whose samples sweep the whole range of the bit depth in a scrambled order,
    /// so every value and many neighbour pairs are exercised.
    static func sweep(_ colorType: ColorType, bitDepth: Int, width: Int = 37, height: Int = 23,
                      interlaced: Bool = false) -> PNGFixture {
        let count = width * height * colorType.channels
        let levels = colorType == .palette ? min(1 << bitDepth, 256) : 1 << bitDepth
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 &+ UInt64(bitDepth * 8 + Int(colorType.rawValue))
        var samples = [Int](repeating: 0, count: count)
        for i in 0..<count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            // Every level appears once at the start, then pseudo-random values.
            samples[i] = i < levels ? (i * 7919) % levels : Int(state >> 33) % levels
        }
        var fixture = PNGFixture(width: width, height: height, colorType: colorType, bitDepth: bitDepth,
                                 samples: samples, interlaced: interlaced)
        if colorType == .palette {
            fixture.palette = (0..<levels).map { (i: Int) -> (r: UInt8, g: UInt8, b: UInt8) in
                let r = UInt8((i * 37) & 255), g = UInt8((i * 101 + 13) & 255), b = UInt8(255 - i)
                return (r, g, b)
            }
        }
        return fixture
    }

    /// The RGBA8 pixels a correct decoder returns for this file.
    func expectedRGBA() -> [UInt8] {
        let c = colorType.channels
        var out = [UInt8](repeating: 0, count: width * height * 4)
        for p in 0..<(width * height) {
            let s = Array(samples[(p * c)..<(p * c + c)])
            var rgba: [UInt8]
            switch colorType {
            case .grey:
                let g = scale(s[0]); rgba = [g, g, g, transparentColor == s ? 0 : 255]
            case .greyAlpha:
                let g = scale(s[0]); rgba = [g, g, g, scale(s[1])]
            case .rgb:
                rgba = [scale(s[0]), scale(s[1]), scale(s[2]), transparentColor == s ? 0 : 255]
            case .rgba:
                rgba = s.map(scale)
            case .palette:
                let e = palette[s[0]]
                rgba = [e.r, e.g, e.b, s[0] < paletteAlpha.count ? paletteAlpha[s[0]] : 255]
            }
            out.replaceSubrange((p * 4)..<(p * 4 + 4), with: rgba)
        }
        return out
    }

    /// A sample at `bitDepth` as 8 bits: exact for 1/2/4 bits (v * 255 / (2^d - 1)),
    /// rounded v / 257 for 16 bits.
    func scale(_ v: Int) -> UInt8 {
        switch bitDepth {
        case 16: return UInt8((Double(v) / 257).rounded())
        case 8: return UInt8(v)
        default: return UInt8(v * 255 / ((1 << bitDepth) - 1))
        }
    }

    /// One row of samples packed as the PNG stores it: big-endian, sub-byte samples MSB first.
    func packedRow(_ y: Int) -> [UInt8] {
        let perRow = width * colorType.channels
        let row = samples[(y * perRow)..<(y * perRow + perRow)]
        switch bitDepth {
        case 16: return row.flatMap { [UInt8($0 >> 8), UInt8($0 & 255)] }
        case 8: return row.map { UInt8($0) }
        default:
            var bytes = [UInt8](repeating: 0, count: (perRow * bitDepth + 7) / 8)
            for (i, v) in row.enumerated() {
                let bit = i * bitDepth
                bytes[bit / 8] |= UInt8(v << (8 - bitDepth - bit % 8))
            }
            return bytes
        }
    }

    /// The PNG file, written by libpng's classic API into memory.
    func encoded() -> Data {
        precondition(samples.count == width * height * colorType.channels, "fixture sample count")
        let sink = ByteSink()
        var png: png_structp? = png_create_write_struct(PNG_LIBPNG_VER_STRING, nil, nil, nil)
        var info: png_infop? = png_create_info_struct(png)
        defer { png_destroy_write_struct(&png, &info) }

        png_set_write_fn(png, Unmanaged.passUnretained(sink).toOpaque(), { png, data, length in
            let sink = Unmanaged<ByteSink>.fromOpaque(png_get_io_ptr(png)!).takeUnretainedValue()
            sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: length))
        }, { _ in })
        png_set_IHDR(png, info, png_uint_32(width), png_uint_32(height), Int32(bitDepth), colorType.rawValue,
                     interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT)
        if colorType == .palette {
            let entries = palette.map { png_color(red: $0.r, green: $0.g, blue: $0.b) }
            png_set_PLTE(png, info, entries, Int32(entries.count))
            if !paletteAlpha.isEmpty {
                png_set_tRNS(png, info, paletteAlpha, Int32(paletteAlpha.count), nil)
            }
        }
        if let t = transparentColor {
            var color = png_color_16()
            if t.count == 1 { color.gray = png_uint_16(t[0]) } else {
                color.red = png_uint_16(t[0]); color.green = png_uint_16(t[1]); color.blue = png_uint_16(t[2])
            }
            png_set_tRNS(png, info, nil, 0, &color)
        }
        if let gamma { png_set_gAMA(png, info, gamma) }
        if let filter { png_set_filter(png, 0, filter) }
        png_write_info(png, info)

        let rowBytes = packedRow(0).count
        var buffer = (0..<height).flatMap { packedRow($0) }
        buffer.withUnsafeMutableBufferPointer { pixels in
            var rows: [png_bytep?] = (0..<height).map { pixels.baseAddress! + $0 * rowBytes }
            _ = png_set_interlace_handling(png)
            png_write_image(png, &rows)
        }
        png_write_end(png, info)
        return Data(sink.bytes)
    }
}

final class ByteSink { var bytes: [UInt8] = [] }

/// Chunk-level surgery on PNG bytes, for the bad-file tests.
enum PNGBytes {
    struct Chunk { let type: String; let offset: Int; let length: Int }  // offset of the length field

    static func chunks(_ data: Data) -> [Chunk] {
        let b = [UInt8](data)
        var chunks: [Chunk] = []
        var at = 8
        while at + 8 <= b.count {
            let length = Int(b[at]) << 24 | Int(b[at + 1]) << 16 | Int(b[at + 2]) << 8 | Int(b[at + 3])
            chunks.append(Chunk(type: String(decoding: b[(at + 4)..<(at + 8)], as: UTF8.self), offset: at, length: length))
            at += 12 + length
        }
        return chunks
    }

    /// A chunk with its length, type, data and a valid CRC.
    static func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
        let typeAndBody = Array(type.utf8) + body
        let crc = typeAndBody.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, UInt32($0.count))) }
        return be32(UInt32(body.count)) + typeAndBody + be32(crc)
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 255), UInt8((v >> 8) & 255), UInt8(v & 255)] }

    /// Signature, a valid IHDR (8-bit grey) of the given size, and IEND: no pixel data, so
    /// only a decoder that checks the header first can answer quickly.
    static func headerOnly(width: UInt32, height: UInt32) -> Data {
        let ihdr = be32(width) + be32(height) + [8, 0, 0, 0, 0]
        return Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", ihdr) + chunk("IEND", []))
    }
}
