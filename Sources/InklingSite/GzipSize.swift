import CZlib
import Foundation

/// How many bytes a file takes gzipped (level 9), which is what a static host or a browser
/// cache transfers: the figure the 100 KB page budget is measured in.
public enum GzipSize {
    public static func compressedSize(_ data: Data) -> Int {
        var stream = z_stream()
        // windowBits 15 + 16: a real gzip wrapper (10-byte header, 8-byte trailer).
        guard deflateInit2_(&stream, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY,
                            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return -1 }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(data.count))) + 32
        var output = [UInt8](repeating: 0, count: bound)
        var input = [UInt8](data)
        let status: Int32 = input.withUnsafeMutableBufferPointer { inp in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = inp.baseAddress
                stream.avail_in = uInt(inp.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        return status == Z_STREAM_END ? Int(stream.total_out) : -1
    }
}
