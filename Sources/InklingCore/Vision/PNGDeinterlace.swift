import CZlib
import Foundation

/// Rewrites an Adam7-interlaced 16-bit PNG as the same image, not interlaced.
///
/// Why: libpng's simplified API returns wrong pixels for interlaced 16-bit input read as
/// 8-bit output (libpng issue #853: `png_image_read_direct_scaled` copies stale rows; the
/// path came with the CVE-2025-65018 fix, which Debian backported into 1.6.39-2+deb12u1).
/// Non-interlaced 16-bit input takes the correct path, so the decoder hands libpng a
/// non-interlaced copy: same IHDR except the interlace byte, same ancillary chunks before
/// the pixels (tRNS, gAMA, sRGB, iCCP...), one IDAT of stored (uncompressed) deflate blocks.
///
/// Shapes: a pass `p` covers columns `x0[p], x0[p] + dx[p], ...` and rows `y0[p], ...`;
/// each of its rows in the zlib stream is 1 filter byte + `passWidth * bytesPerPixel` bytes.
enum PNGDeinterlace {
    static let x0 = [0, 4, 0, 2, 0, 1, 0], dx = [8, 8, 4, 4, 2, 2, 1]
    static let y0 = [0, 0, 4, 0, 2, 0, 1], dy = [8, 8, 8, 4, 4, 2, 2]

    /// True when `data` (already checked: signature, IHDR CRC) needs the rewrite.
    static func needed(_ data: Data) -> Bool {
        let bitDepth = data[data.startIndex + 24], interlace = data[data.startIndex + 28]
        return bitDepth == 16 && interlace == 1
    }

    static func rewrite(_ data: Data, name: String) throws -> Data {
        let b = [UInt8](data)
        func u32(_ at: Int) -> Int { Int(b[at]) << 24 | Int(b[at + 1]) << 16 | Int(b[at + 2]) << 8 | Int(b[at + 3]) }
        let width = u32(16), height = u32(20)
        let channels: Int
        switch b[25] {
        case 0: channels = 1
        case 2: channels = 3
        case 4: channels = 2
        case 6: channels = 4
        default:
            throw PNGError(file: name, kind: .corrupt,
                           problem: "corrupt PNG: expected colour type 0, 2, 4 or 6 at 16 bits, found \(b[25])")
        }
        let bpp = channels * 2  // bytes per pixel

        // Walk the chunks: keep those before the first IDAT, gather the IDAT stream.
        var before: [UInt8] = []
        var stream: [UInt8] = []
        var at = 33, sawIDAT = false
        while at + 8 <= b.count {
            let length = u32(at)
            let type = String(decoding: b[(at + 4)..<(at + 8)], as: UTF8.self)
            guard length <= b.count - at - 12 else {
                throw PNGError(file: name, kind: .truncated,
                               problem: "truncated PNG: expected \(length) bytes of \(type) at offset \(at), found the end of the file")
            }
            let body = (at + 8)..<(at + 8 + length)
            if type == "IDAT" {
                let crc = b[(at + 4)..<(at + 8 + length)].withUnsafeBufferPointer {
                    Int(crc32(0, $0.baseAddress, UInt32($0.count)))
                }
                guard crc == u32(at + 8 + length) else {
                    throw PNGError(file: name, kind: .corrupt,
                                   problem: String(format: "corrupt PNG: IDAT CRC mismatch: expected %08X, found %08X", crc, u32(at + 8 + length)))
                }
                stream += b[body]
                sawIDAT = true
            } else if sawIDAT {
                break  // pixels done; chunks after them do not change the image
            } else {
                before += b[at..<(at + 12 + length)]
            }
            at += 12 + length
        }
        guard sawIDAT else {
            throw PNGError(file: name, kind: .truncated, problem: "truncated PNG: expected image data (IDAT), found none")
        }

        // Rebuild: signature, IHDR without interlace, the chunks before IDAT, stored IDAT, IEND.
        let rows = try scatter(stream, width: width, height: height, bpp: bpp, name: name)
        var ihdr = Array(b[16..<29])
        ihdr[12] = 0
        var out = Array(b[0..<8]) + chunk("IHDR", ihdr) + before
        out += chunk("IDAT", deflateStored(rows))
        out += chunk("IEND", [])
        return Data(out)
    }

    /// Inflates the interlaced stream, unfilters each pass and scatters its pixels into
    /// full-width rows, each led by filter byte 0 (none): `height * (1 + width * bpp)` bytes.
    static func scatter(_ stream: [UInt8], width: Int, height: Int, bpp: Int, name: String) throws -> [UInt8] {
        var passes: [(w: Int, h: Int, offset: Int)] = []
        var total = 0
        for p in 0..<7 {
            let w = width > x0[p] ? (width - x0[p] + dx[p] - 1) / dx[p] : 0
            let h = height > y0[p] ? (height - y0[p] + dy[p] - 1) / dy[p] : 0
            passes.append((w, h, total))
            if w > 0 && h > 0 { total += h * (1 + w * bpp) }
        }
        var filtered = try inflate(stream, expected: total, name: name)

        let rowBytes = 1 + width * bpp
        var rows = [UInt8](repeating: 0, count: height * rowBytes)
        for p in 0..<7 {
            let (w, h, offset) = passes[p]
            guard w > 0 && h > 0 else { continue }
            let stride = 1 + w * bpp
            for r in 0..<h {
                let row = offset + r * stride
                try unfilter(&filtered, row: row, previous: r > 0 ? row - stride : nil, count: w * bpp, bpp: bpp, name: name)
                let y = y0[p] + r * dy[p]
                for i in 0..<w {
                    let to = y * rowBytes + 1 + (x0[p] + i * dx[p]) * bpp, from = row + 1 + i * bpp
                    for k in 0..<bpp { rows[to + k] = filtered[from + k] }
                }
            }
        }
        return rows
    }

    /// Undoes one row's PNG filter in place (types 0-4, PNG spec section 9). `a` is the byte
    /// one pixel to the left, `b` the byte above, `c` above-left; 0 outside the pass.
    static func unfilter(_ buf: inout [UInt8], row: Int, previous: Int?, count: Int, bpp: Int, name: String) throws {
        let type = buf[row]
        guard type <= 4 else {
            throw PNGError(file: name, kind: .corrupt, problem: "corrupt PNG: expected a row filter 0-4, found \(type)")
        }
        buf.withUnsafeMutableBufferPointer { p in
            let cur = p.baseAddress! + row + 1
            let up: UnsafeMutablePointer<UInt8>? = previous.map { p.baseAddress! + $0 + 1 }
            for i in 0..<count {
                let a = i >= bpp ? Int(cur[i - bpp]) : 0
                let b = up.map { Int($0[i]) } ?? 0
                let c = i >= bpp ? (up.map { Int($0[i - bpp]) } ?? 0) : 0
                let predictor: Int
                switch type {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                default:
                    let e = a + b - c, pa = abs(e - a), pb = abs(e - b), pc = abs(e - c)
                    predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                }
                cur[i] = UInt8(truncatingIfNeeded: Int(cur[i]) + predictor)
            }
        }
    }

    /// Inflates exactly `expected` bytes; running out of input is truncation.
    static func inflate(_ input: [UInt8], expected: Int, name: String) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: expected)
        var z = z_stream()
        guard inflateInit_(&z, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw PNGError(file: name, kind: .corrupt, problem: "corrupt PNG: zlib could not start")
        }
        defer { inflateEnd(&z) }
        let status: Int32 = input.withUnsafeBufferPointer { inp in
            output.withUnsafeMutableBufferPointer { out in
                z.next_in = UnsafeMutablePointer(mutating: inp.baseAddress); z.avail_in = UInt32(inp.count)
                z.next_out = out.baseAddress; z.avail_out = UInt32(out.count)
                return CZlib.inflate(&z, Z_FINISH)
            }
        }
        let produced = expected - Int(z.avail_out)
        if produced == expected && (status == Z_STREAM_END || status == Z_OK || status == Z_BUF_ERROR) { return output }
        if status == Z_BUF_ERROR || (status == Z_OK && z.avail_in == 0) {
            throw PNGError(file: name, kind: .truncated,
                           problem: "truncated PNG: expected \(expected) bytes of image data, found \(produced)")
        }
        if status == Z_STREAM_END {
            throw PNGError(file: name, kind: .corrupt,
                           problem: "corrupt PNG: expected \(expected) bytes of image data, found \(produced)")
        }
        let message = z.msg.map { String(cString: $0) } ?? "error \(status)"
        throw PNGError(file: name, kind: .corrupt, problem: "corrupt PNG: IDAT: \(message)")
    }

    /// A zlib stream of stored blocks: no compression work, since libpng reads it at once.
    static func deflateStored(_ raw: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]  // zlib header: deflate, 32 KiB window, no dictionary
        out.reserveCapacity(raw.count + (raw.count / 65535 + 1) * 5 + 6)
        var at = 0
        repeat {
            let n = min(65535, raw.count - at)
            let last: UInt8 = at + n == raw.count ? 1 : 0
            out += [last, UInt8(n & 255), UInt8(n >> 8), UInt8(~n & 255), UInt8((~n >> 8) & 255)]
            out += raw[at..<(at + n)]
            at += n
        } while at < raw.count
        let adler = raw.withUnsafeBufferPointer { UInt32(adler32(1, $0.baseAddress, UInt32($0.count))) }
        return out + [UInt8(adler >> 24), UInt8((adler >> 16) & 255), UInt8((adler >> 8) & 255), UInt8(adler & 255)]
    }

    static func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
        let typeAndBody = Array(type.utf8) + body
        let crc = typeAndBody.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, UInt32($0.count))) }
        func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 255), UInt8((v >> 8) & 255), UInt8(v & 255)] }
        return be(UInt32(body.count)) + typeAndBody + be(crc)
    }
}
