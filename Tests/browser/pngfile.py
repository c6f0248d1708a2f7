"""Write and read small PNG files with zlib only (no Pillow).

write_png(path, width, height, pixels, channels): channels 1 = grey (colour type 0),
3 = RGB (type 2), 4 = RGBA (type 6); 8 bits per sample; pixels row-major bytes.
read_png decodes what write_png writes (filter 0 only) so the writer can be tested.
"""
import os
import struct
import tempfile
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"
COLOUR_TYPE = {1: 0, 3: 2, 4: 6}


def _chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def encode_png(width, height, pixels, channels):
    if channels not in COLOUR_TYPE:
        raise ValueError(f"encode_png: expected 1, 3 or 4 channels, found {channels}")
    if len(pixels) != width * height * channels:
        raise ValueError(f"encode_png: expected {width * height * channels} samples, found {len(pixels)}")
    stride = width * channels
    raw = bytearray()
    for y in range(height):
        raw.append(0)  # filter type None
        raw += bytes(pixels[y * stride:(y + 1) * stride])
    ihdr = struct.pack(">IIBBBBB", width, height, 8, COLOUR_TYPE[channels], 0, 0, 0)
    return SIGNATURE + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + _chunk(b"IEND", b"")


def write_png(path, width, height, pixels, channels):
    """Atomic: a temporary file in the same folder, then rename."""
    data = encode_png(width, height, pixels, channels)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
    return path


def read_png(data, name="<png>"):
    """-> (width, height, channels, pixels) for 8-bit, filter-0, non-interlaced PNGs."""
    if data[:8] != SIGNATURE:
        raise ValueError(f"{name}: expected the PNG signature, found {data[:8]!r}")
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        if pos + 8 > len(data):
            raise ValueError(f"{name}: expected a chunk header at byte {pos}, found end of file")
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]
        if zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            raise ValueError(f"{name}: expected a valid CRC for chunk {kind!r}, found a mismatch")
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, ctype, _, _, interlace = ihdr
    channels = {v: k for k, v in COLOUR_TYPE.items()}[ctype]
    raw = zlib.decompress(idat)
    stride = width * channels
    out = bytearray()
    for y in range(height):
        row = raw[y * (stride + 1):(y + 1) * (stride + 1)]
        if row[0] != 0:
            raise ValueError(f"{name}: expected filter type 0, found {row[0]}")
        out += row[1:]
    return width, height, channels, bytes(out)
