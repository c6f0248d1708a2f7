"""A PNG chosen through #file-input goes through the same preprocessing and is read."""
import os

import pytest

import mnist_digits
import pngfile
import tracing


def mnist_png(path, pixels, scale, ink, paper, pad=(0, 0)):
    """An MNIST digit scaled up (bilinear) and painted ink-on-paper as RGB, with
    optional extra paper on the right/bottom so the digit is off-centre."""
    big = tracing.upscale(pixels, 28, 28, scale)
    side = 28 * scale
    w, h = side + pad[0], side + pad[1]
    out = bytearray()
    for y in range(h):
        for x in range(w):
            a = big[y * side + x] / 255 if x < side and y < side else 0.0
            out += bytes(int(round(p + (i - p) * a)) for i, p in zip(ink, paper))
    return pngfile.write_png(path, w, h, out, 3)


@pytest.fixture(scope="module")
def picks():
    digits, _ = mnist_digits.load()
    return mnist_digits.first_of_each_label(digits, skip=3)


@pytest.mark.parametrize("label,ink,paper,pad", [
    (2, (0, 0, 0), (255, 255, 255), (0, 0)),        # black pen on white paper
    (7, (30, 60, 200), (250, 245, 225), (60, 20)),  # blue ink on cream, off-centre
    (9, (255, 255, 255), (0, 0, 0), (0, 0)),        # MNIST polarity: white on black
])
def test_upload_png_through_file_input(app, picks, tmp_path, label, ink, paper, pad):
    _, index, pixels = picks[label]
    path = mnist_png(str(tmp_path / f"digit-{label}.png"), pixels, 10, ink, paper, pad)
    before = app.settled_prediction()
    assert before["state"] == "blank", f"expected blank before the upload, found {before}"
    app.el("#file-input").send_keys(os.path.abspath(path))
    app.wait_for(lambda: app.prediction()["state"] != "blank", "a prediction after the upload")
    got = app.settled_prediction()
    assert got["digit"] == str(label), \
        f"{path} (MNIST test #{index}): expected the upload to read {label}, found {got}"
