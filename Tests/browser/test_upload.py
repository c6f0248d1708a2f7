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


def test_drop_png_onto_the_pad(app, picks, tmp_path):
    """A real drag and drop of a file: DevTools Input.dispatchDragEvent, the browser's own
    drag pipeline (what the OS hands Chromium when a person drops a file)."""
    _, index, pixels = picks[3]
    path = mnist_png(str(tmp_path / "drop-3.png"), pixels, 10, (20, 20, 20), (240, 240, 240))
    left, top, w, h = app.pad_rect()
    data = {"items": [], "files": [os.path.abspath(path)], "dragOperationsMask": 1}
    for kind in ("dragEnter", "dragOver", "drop"):
        app.driver.execute_cdp_cmd("Input.dispatchDragEvent", {"type": kind, "x": left + w / 2, "y": top + h / 2, "data": data})
    app.wait_for(lambda: app.prediction()["state"] != "blank", "a prediction after the drop")
    got = app.settled_prediction()
    assert got["digit"] == "3", f"{path} (MNIST test #{index}) dropped on #pad: expected 3, found {got}"


def test_paste_png_with_ctrl_v(app, picks, tmp_path):
    """The PNG is put on the clipboard (as another program would), then a real Ctrl+V."""
    import base64
    from selenium.webdriver.common.keys import Keys
    _, index, pixels = picks[5]
    path = mnist_png(str(tmp_path / "paste-5.png"), pixels, 10, (0, 0, 0), (255, 255, 255))
    with open(path, "rb") as f:
        b64 = base64.b64encode(f.read()).decode()
    app.driver.execute_cdp_cmd("Browser.grantPermissions", {"permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    app.click("#status")  # focus the document: the clipboard API needs it
    result = app.driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const bytes = Uint8Array.from(atob(arguments[0]), c => c.charCodeAt(0));
        navigator.clipboard.write([new ClipboardItem({'image/png': new Blob([bytes], {type: 'image/png'})})])
            .then(() => done('ok'), e => done('clipboard: ' + e));""", b64)
    assert result == "ok", f"expected the PNG on the clipboard, found {result}"
    assert app.prediction()["state"] == "blank", "expected blank before the paste"
    app.keys("v", modifier=Keys.CONTROL)
    app.wait_for(lambda: app.prediction()["state"] != "blank", "a prediction after Ctrl+V")
    got = app.settled_prediction()
    assert got["digit"] == "5", f"{path} (MNIST test #{index}) pasted: expected 5, found {got}"
