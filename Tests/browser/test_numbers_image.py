"""An opened image with several digits: digit mode says so and offers Number mode, and
Number mode reads the image through the same segmentation as drawn ink."""
import os

import pytest

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


def operator_pixels(op, size=14, width=3):
    """An operator drawn in 28x28 (255 = ink): + - x / ÷ =, `size` px across, `width` px strokes."""
    lo, c = 14 - size // 2, 14

    def ink(x, y):
        across = lo <= x < lo + size and lo <= y < lo + size
        bar = lo <= x < lo + size and abs(y + 0.5 - c) <= width / 2
        if op == "+":
            return bar or (lo <= y < lo + size and abs(x + 0.5 - c) <= width / 2)
        if op == "-":
            return bar
        if op == "x":
            return across and (abs((x - lo) - (y - lo)) <= width / 2 + 0.5 or abs((x - lo) + (y - lo) - size + 1) <= width / 2 + 0.5)
        if op == "/":
            return lo - 4 <= y < lo + size + 4 and abs((x - lo) + (y - lo) * 0.5 - size + 1) <= width / 2 + 0.5
        if op == "÷":
            dot = lambda cy: (x + 0.5 - c) ** 2 + (y + 0.5 - cy) ** 2 <= (width * 0.8) ** 2
            return bar or dot(c - 6) or dot(c + 6)
        if op == "=":
            return lo <= x < lo + size and (abs(y + 0.5 - c + 3) <= width / 2 or abs(y + 0.5 - c - 3) <= width / 2)
    return [255 if ink(x, y) else 0 for y in range(28) for x in range(28)]


@pytest.mark.parametrize("op,said", [("+", "82 + 4 = 86"), ("-", "82 − 4 = 78"), ("x", "82 × 4 = 328"),
                                     ("/", "82 ÷ 4 = 20.5"), ("÷", "82 ÷ 4 = 20.5")])
def test_an_image_of_a_sum_is_worked_out_in_calculator_mode(app, tmp_path, op, said):
    """82 op 4 as an image (MNIST digits and a drawn operator) reads as the sum, Calculator
    mode chosen before opening it (for +, also after)."""
    digits, _ = mnist_digits.load()
    picks = mnist_digits.first_of_each_label(digits, skip=1)
    glyphs = [picks[8][2], picks[2][2], operator_pixels(op), picks[4][2]]
    path = number_png(str(tmp_path / "sum.png"), glyphs, gap=5)
    for order in (["mode first", "image first"] if op == "+" else ["mode first"]):
        app.set_mode("digit")
        if order == "mode first":
            app.set_mode("calc")
        app.el("#file-input").send_keys(os.path.abspath(path))
        app.wait_for(lambda: app.prediction()["state"] != "blank", "a reading of the opened image")
        if order == "image first":
            app.set_mode("calc")
        got = app.settled_prediction()
        calc = app.js("const c = document.querySelector('#calc'); return [c.dataset.expression, c.dataset.value];")
        assert said in got["status"], f"{order}: expected the image read as {said}, found {got}, #calc {calc}"


def test_a_failed_open_clears_the_number_read_before(app, tmp_path):
    digits, _ = mnist_digits.load()
    picks = mnist_digits.first_of_each_label(digits, skip=1)
    app.set_mode("number")
    app.el("#file-input").send_keys(os.path.abspath(number_png(str(tmp_path / "n.png"), [picks[d][2] for d in (4, 2)])))
    app.wait_for(lambda: app.prediction()["text"] == "42", "the image read as 42")
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 not really a JPEG")
    app.el("#file-input").send_keys(os.path.abspath(str(bad)))
    app.wait_for(lambda: "Could not open" in (app.prediction()["status"] or ""), "the open error in #status")
    got = app.settled_prediction()
    left = app.js("return [document.querySelector('#number').dataset.value, document.querySelectorAll('#number-digits li').length];")
    assert got["state"] == "blank" and got["text"] == "–" and left == ["", 0], \
        f"expected no old number beside the error, found {got}, #number {left}"
