#!/usr/bin/env python3
"""Screenshots of the page for docs/screenshots/: a number written in Number mode with the
answer on screen, at 1280x720, 1366x768, a phone held upright (390x844) and sideways
(844x390), both with touch; and one at 1366x768 with Look inside open and a filter's weights
shown. Each is a viewport PNG at one pixel per CSS pixel (small files), taken after checking
that the page read the number right (a wrong reading stops the script: no misleading shot).

Usage: python3 scripts/screenshots.py [--site DIR] [--out DIR]   (defaults: site/, docs/screenshots/)
Needs Chromium, chromedriver and selenium, as the browser tests do (scripts/test-browser.sh)."""
import argparse
import base64
import os
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(REPO, "Tests", "browser"))

import browser  # noqa: E402
import numberpaths  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402

# name: (width, height, phone with touch, number written, Look inside open)
SHOTS = {
    "1280x720": (1280, 720, False, "2026", False),
    "1366x768": (1366, 768, False, "1984", False),
    "phone-portrait-390x844": (390, 844, True, "365", False),
    "phone-landscape-844x390": (844, 390, True, "4711", False),
    "1366x768-look-inside": (1366, 768, False, "42", True),
}


def shoot(site, out, name, width, height, phone, number, inside):
    driver = browser.make_driver(width, height, mobile=phone)
    try:
        if not phone:  # the window size includes browser chrome; make the viewport exact
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                   {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        app = browser.App(driver, browser.file_url(os.path.join(site, "index.html"))).open()
        app.set_mode("number")
        if inside:
            app.click("#inside-toggle")
        app.frames(3)
        _, _, w, h = app.pad_rect()
        app.draw(numberpaths.layout([("hand", d) for d in number], w, h, size=0.55, gap=0.06),
                 kind="touch" if phone else "mouse")
        got = app.settled_prediction()
        if got["text"] != number or number not in got["status"]:
            raise SystemExit(f"error: {name}: expected the page to read {number}, found {got}; no screenshot written")
        if inside:  # a filter's weights, as hovering shows them
            target = app.el('#inside .layer[data-type="conv2d"] canvas[data-ch="3"]')
            ActionChains(driver, duration=0).move_to_element(target).perform()
            app.wait_for(lambda: not app.js("return document.querySelector('#inside-detail').hidden;"), "the filter's weights")
        app.pad_rect()  # the pad in view, as a person writing sees the page
        app.frames(2)
        # The viewport in CSS pixels (a phone's emulated device pixel ratio of 3 scaled away).
        x, y, vw, vh, dpr = app.js("return [scrollX, scrollY, innerWidth, innerHeight, devicePixelRatio];")
        shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "clip": {"x": x, "y": y, "width": vw, "height": vh, "scale": 1 / dpr}})
        path = os.path.join(out, name + ".png")
        with open(path + ".tmp", "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        os.replace(path + ".tmp", path)
        print(f"{os.path.relpath(path, REPO)}: {width}x{height}, read {got['text']!r} ({os.path.getsize(path) // 1024} KB)")
    finally:
        driver.quit()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--site", default=os.path.join(REPO, "site"))
    ap.add_argument("--out", default=os.path.join(REPO, "docs", "screenshots"))
    args = ap.parse_args()
    if not os.path.isfile(os.path.join(args.site, "index.html")):
        raise SystemExit(f"error: {args.site}/index.html: expected the built page (run `inkling build`), found no file")
    os.makedirs(args.out, exist_ok=True)
    for name, spec in SHOTS.items():
        shoot(args.site, args.out, name, *spec)


if __name__ == "__main__":
    main()
