"""Screenshots at desktop and phone sizes (artifacts/screenshots/), responsiveness,
drawing with a finger on a phone, and the time from load to the first prediction."""
import base64
import os
import shutil

import pytest

import browser
import handpaths
import mnist_digits
import tracing
from conftest import REPO, SCREENSHOTS, CleanCheck, record, record_drawn, site_file


def save_screenshots(driver, name):
    """Viewport and full-page PNGs via DevTools (captureBeyondViewport for the full page)."""
    os.makedirs(SCREENSHOTS, exist_ok=True)
    paths = []
    for suffix, full in (("", False), ("-full", True)):
        shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": full})
        path = os.path.join(SCREENSHOTS, f"{name}{suffix}.png")
        tmp = path + ".tmp"
        with open(tmp, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        os.replace(tmp, path)
        paths.append(path)
    return paths


def no_horizontal_overflow(driver):
    return driver.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth];")


def test_first_prediction_time(app):
    timing = app.js("return window.INKLING_TIMING || null;")
    assert timing and isinstance(timing.get("firstPredictionMs"), (int, float)), \
        f"expected window.INKLING_TIMING.firstPredictionMs as a number, found {timing}"
    ms = timing["firstPredictionMs"]
    record(f"first prediction: {ms:.1f} ms after load (window.INKLING_TIMING.firstPredictionMs, file://, 1280x900)")
    assert 0 < ms < 5000, f"expected the first prediction within 5 s of load, found {ms} ms"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_desktop_screenshot(driver, index_url, scheme):
    check = CleanCheck(driver)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
    try:
        app = browser.App(driver, index_url).open()
        digits, _ = mnist_digits.load()
        _, index, pixels = mnist_digits.first_of_each_label(digits)[7]
        _, _, w, h = app.pad_rect()
        app.draw(tracing.place(tracing.trace(pixels), w / 2, h / 2, 0.7 * min(w, h)))
        got = app.settled_prediction()
        assert got["digit"] == "7", f"expected the traced MNIST #{index} to read 7, found {got}"
        driver.execute_script("window.scrollTo(0, 0);")
        shots = save_screenshots(driver, f"desktop-{scheme}")
        sw, iw = no_horizontal_overflow(driver)
        assert sw <= iw, f"desktop: expected no horizontal scrolling, found content {sw} px wide in a {iw} px window"
        if scheme == "light" and os.environ.get("INKLING_UPDATE_SCREENSHOT") == "1":
            shutil.copyfile(shots[0], os.path.join(REPO, "docs", "screenshot.png"))
        record(f"screenshots: {', '.join(os.path.relpath(p, REPO) for p in shots)}")
        check.verify(index_url)
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


def test_phone_touch_drawing_and_screenshot():
    """390x844 with touch emulation: fits the width, reads digits drawn with a finger."""
    url = browser.file_url(site_file("index.html"))
    driver = browser.make_driver(390, 844, mobile=True)
    try:
        check = CleanCheck(driver)
        app = browser.App(driver, url).open()
        iw = driver.execute_script("return window.innerWidth;")
        assert iw == 390, f"expected a 390 px wide layout viewport (meta viewport width=device-width), found {iw}"
        sw, iw = no_horizontal_overflow(driver)
        assert sw <= iw, f"phone: expected no horizontal scrolling, found content {sw} px wide in a {iw} px window"
        _, _, w, h = app.pad_rect()
        assert w <= 390, f"phone: expected #pad to fit the screen, found it {w} px wide"
        misses = []
        for d in range(10):
            app.clear()
            app.draw(tracing.place(handpaths.glyph(d), w / 2, h / 2, 0.6 * min(w, h)), kind="touch")
            got = app.settled_prediction()
            if got["digit"] != str(d):
                misses.append(f"finger-drawn {d}: found {got['digit'] or 'nothing'} ({got['state']}, {got['confidence']})")
        record(f"draw hand-drawn, touch on phone: {10 - len(misses)}/10 correct" + "".join(f"\n    miss: {m}" for m in misses))
        record_drawn(app, "digit", "hand-drawn, finger on a phone", 10 - len(misses), 10)
        driver.execute_script("window.scrollTo(0, 0);")
        shots = save_screenshots(driver, "phone")
        record(f"screenshots: {', '.join(os.path.relpath(p, REPO) for p in shots)}")
        assert len(misses) <= 1, "expected at least 9 of 10 finger-drawn digits read right, found:\n" + "\n".join(misses)
        check.verify(url)
    finally:
        driver.quit()
