import Foundation
import InklingCore

/// SHA-256 in the two spellings the site needs, via InklingCore's `SHA256`:
/// hex for the model card, base64 of the raw digest for CSP `'sha256-...'` sources.
enum Digest {
    static func hex(_ data: Data) -> String { SHA256.hex(data) }

    static func base64(_ data: Data) -> String {
        let hex = Array(SHA256.hex(data).utf8)
        var bytes = [UInt8](repeating: 0, count: hex.count / 2)
        func nibble(_ c: UInt8) -> UInt8 { c <= 57 ? c - 48 : c - 87 }  // '0'...'9', 'a'...'f'
        for i in 0..<bytes.count { bytes[i] = nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]) }
        return Data(bytes).base64EncodedString()
    }
}
