#!/usr/bin/env python3
"""Per-update time of the page in headless Chromium while drawing (a benchmark, not a test).

Draws with real pointer input through Selenium (Tests/browser/browser.py) and reads
window.INKLING_UPDATE_MS (each update's duration: paint, read, show) and long tasks
(PerformanceObserver 'longtask', > 50 ms). Cases: one digit in Digit mode, an 8-digit
number in Number mode, one digit with Look inside open, each at CPU slowdown 1x and 4x (DevTools Emulation.setCPUThrottlingRate).
Usage: python3 scripts/bench-page.py [site/index.html]
"""
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "Tests", "browser"))

import browser  # noqa: E402
import numberpaths  # noqa: E402

page = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "site", "index.html")


def run(app, mode, text, size):
    app.set_mode(mode)
    app.clear()
    app.js("window.INKLING_UPDATE_MS.length = 0; window.__long = [];"
           "if (!window.__observer) { window.__observer = new PerformanceObserver("
           "l => l.getEntries().forEach(e => window.__long.push(e.duration)));"
           "window.__observer.observe({ type: 'longtask' }); }")
    _, _, w, h = app.pad_rect()
    app.draw(numberpaths.layout([("hand", d) for d in text], w, h, size=size, gap=0.04), step=3)
    app.settled_prediction()
    times = app.js("return window.INKLING_UPDATE_MS.slice();")
    longs = app.js("return window.__long.slice();")
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    return len(times), statistics.median(times), p95, max(times), longs


driver = browser.make_driver(1280, 900)
try:
    app = browser.App(driver, browser.file_url(page)).open()
    for rate in (1, 4):
        driver.execute_cdp_cmd("Emulation.setCPUThrottlingRate", {"rate": rate})
        for mode, text, size, inside in (("digit", "8", 0.6, False), ("number", "20260415", 0.4, False),
                                         ("digit", "8", 0.6, True)):
            if inside != (app.js("return document.querySelector('#app').dataset.inside;") == "open"):
                app.click("#inside-toggle")  # Look inside open: the maps on screen are drawn too
            n, med, p95, mx, longs = run(app, mode, text, size)
            label = mode + (" + look inside" if inside else "")
            print(f"cpu {rate}x {label:20} {text:>8}: {n} updates, median {med:.2f} ms, p95 {p95:.2f} ms, "
                  f"max {mx:.2f} ms, long tasks {len(longs)}" + (f" (longest {max(longs):.0f} ms)" if longs else ""))
    driver.execute_cdp_cmd("Emulation.setCPUThrottlingRate", {"rate": 1})
finally:
    driver.quit()
