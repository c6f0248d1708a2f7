"""The test inputs themselves: stroke tracing, hand paths and the PNG writer (no browser)."""
import os

import handpaths
import mnist_digits
import pngfile
import tracing


def test_zhang_suen_thins_a_thick_bar_to_one_pixel():
    w, h = 20, 12
    bar = [1 if 3 <= y <= 7 and 3 <= x <= 16 else 0 for y in range(h) for x in range(w)]
    skel = tracing.zhang_suen(bar, w, h)
    rows_per_column = [sum(skel[y * w + x] for y in range(h)) for x in range(6, 14)]
    assert all(n == 1 for n in rows_per_column), f"expected 1 skeleton pixel per column, found {rows_per_column}"
    assert sum(skel) < sum(bar) / 3, f"expected thinning to remove most pixels, found {sum(skel)} of {sum(bar)} left"


def test_a_ring_traces_to_one_closed_stroke():
    size = 28
    ring = [255 if 6 <= ((x - 13.5) ** 2 + (y - 13.5) ** 2) ** 0.5 <= 8.5 else 0
            for y in range(size) for x in range(size)]
    strokes = tracing.trace(ring)
    assert len(strokes) == 1, f"expected one stroke around the ring, found {len(strokes)}"
    s = strokes[0]
    assert abs(s[0][0] - s[-1][0]) < 1.5 and abs(s[0][1] - s[-1][1]) < 1.5, \
        f"expected the stroke to close on itself, found ends {s[0]} and {s[-1]}"


def test_traced_mnist_digits_keep_their_shape():
    digits, source = mnist_digits.load()
    for label, index, pixels in mnist_digits.first_of_each_label(digits):
        strokes = tracing.trace(pixels)
        drawn = tracing.rasterize(strokes, radius=1.2)
        ink = [1 if v >= 96 else 0 for v in pixels]
        inter = sum(a & b for a, b in zip(drawn, ink))
        union = sum(a | b for a, b in zip(drawn, ink))
        iou = inter / union
        assert iou >= 0.55, f"{source} #{index} (a {label}): expected traced strokes to cover the digit (IoU >= 0.55), found {iou:.2f}"
        assert 1 <= len(strokes) <= 4, f"{source} #{index}: expected 1-4 pen strokes, found {len(strokes)}"


def test_place_keeps_aspect_and_centres():
    strokes = [[(0, 0), (2, 10)]]
    placed = tracing.place(strokes, 100, 50, 40)
    x0, y0, x1, y1 = tracing.bbox(placed)
    assert (round(x1 - x0, 6), round(y1 - y0, 6)) == (8.0, 40.0), f"expected an 8x40 box, found {x1 - x0}x{y1 - y0}"
    assert ((x0 + x1) / 2, (y0 + y1) / 2) == (100, 50), f"expected centre (100, 50), found {((x0 + x1) / 2, (y0 + y1) / 2)}"


def test_resample_spaces_points_evenly():
    pts = tracing.resample([(0, 0), (10, 0), (10, 10)], 2.5)
    gaps = [((pts[i + 1][0] - pts[i][0]) ** 2 + (pts[i + 1][1] - pts[i][1]) ** 2) ** 0.5 for i in range(len(pts) - 1)]
    assert len(pts) == 9 and all(abs(g - 2.5) < 1e-9 for g in gaps), f"expected 8 gaps of 2.5, found {gaps}"


def test_every_hand_glyph_has_ink():
    for symbol in list(range(10)) + ["+", "-", "x", "/"]:
        strokes = handpaths.glyph(symbol)
        assert strokes and all(len(s) >= 2 for s in strokes), f"glyph {symbol!r}: expected strokes of 2+ points, found {strokes}"


def test_png_writer_round_trips(tmp_path):
    pixels = bytes((x * 7 + y * 13) % 256 for y in range(9) for x in range(5 * 3))
    path = pngfile.write_png(str(tmp_path / "t.png"), 5, 9, pixels, 3)
    with open(path, "rb") as f:
        w, h, c, got = pngfile.read_png(f.read(), path)
    assert (w, h, c, got) == (5, 9, 3, pixels), "expected the decoded PNG to equal the written pixels"
    assert not [n for n in os.listdir(tmp_path) if n.endswith(".tmp")], "expected no temporary file left behind"


def test_png_reader_refuses_a_bad_crc():
    data = bytearray(pngfile.encode_png(2, 2, bytes(4), 1))
    data[20] ^= 0xFF  # inside IHDR
    try:
        pngfile.read_png(bytes(data), "bad.png")
    except ValueError as e:
        assert "bad.png" in str(e) and "CRC" in str(e), f"expected a CRC error naming the file, found {e}"
    else:
        raise AssertionError("expected a CRC error, found none")
