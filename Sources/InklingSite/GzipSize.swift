import CZlib
import Foundation

/// gzip (level 9) through zlib, for the size report: how many bytes a page takes on the
/// wire from a static host, which is what the 100 KB page budget is measured in.
public enum GzipSize {
    public static func compressedSize(_ data: Data) -> Int { compress(data).count }

    /// A complete gzip stream of `data` (header, deflate level 9, CRC trailer).
    public static func compress(_ data: Data) -> Data {
        var stream = z_stream()
        // windowBits 15 + 16: a gzip wrapper rather than zlib's.
        guard deflateInit2_(&stream, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY,
                            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            preconditionFailure("zlib deflateInit2 failed")
        }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(data.count))) + 32)
        var input = [UInt8](data)
        let status: Int32 = input.withUnsafeMutableBufferPointer { inp in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = inp.baseAddress
                stream.avail_in = uInt(inp.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                return deflate(&stream, Z_FINISH)  // deflateBound guarantees one call suffices
            }
        }
        precondition(status == Z_STREAM_END, "zlib deflate did not finish (\(status))")
        return Data(output.prefix(Int(stream.total_out)))
    }
}
