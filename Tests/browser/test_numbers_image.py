"""An opened image with several digits: digit mode says so and offers Number mode, and
Number mode reads the image through the same segmentation as drawn ink."""
import os

import mnist_digits
import pngfile


def number_png(path, digits, gap=4, scale=3):
    """MNIST digits side by side (ink boxes `gap` px apart at 28 px per digit), black on
    white, scaled up `scale` times (nearest), as an RGB PNG."""
    cols = []
    for pixels in digits:
        xs = [x for x in range(28) if any(pixels[y * 28 + x] >= 16 for y in range(28))]
        cols.append((pixels, xs[0], xs[-1] + 1))
    width = sum(x1 - x0 for _, x0, x1 in cols) + gap * (len(cols) + 1)
    grey = [[0] * width for _ in range(28)]
    x = gap
    for pixels, x0, x1 in cols:
        for y in range(28):
            for xx in range(x0, x1):
                grey[y][x + xx - x0] = max(grey[y][x + xx - x0], pixels[y * 28 + xx])
        x += x1 - x0 + gap
    out = bytearray()
    for y in range(28 * scale):
        for xx in range(width * scale):
            v = 255 - grey[y // scale][xx // scale]
            out += bytes((v, v, v))
    return pngfile.write_png(path, width * scale, 28 * scale, out, 3)


def test_an_image_with_several_digits_offers_and_reads_number_mode(app, tmp_path):
    digits, _ = mnist_digits.load()
    picks = mnist_digits.first_of_each_label(digits, skip=1)
    path = number_png(str(tmp_path / "number-305.png"), [picks[d][2] for d in (3, 0, 5)])
    app.el("#file-input").send_keys(os.path.abspath(path))
    app.wait_for(lambda: app.prediction()["state"] != "blank", "a prediction after the upload")
    got = app.settled_prediction()
    assert "several digits (305)" in got["status"], f"expected digit mode to offer Number mode for 305, found {got['status']!r}"
    app.set_mode("number")
    got = app.settled_prediction()
    assert got["text"] == "305" and "305" in got["status"], f"expected Number mode to read the image as 305, found {got}"
