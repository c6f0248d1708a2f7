"""Offline and private: no network request, no console error, a CSP, a small download,
and the same page served from a static server under a sub-path."""
import gzip
import os
import re
import subprocess
import sys
import urllib.parse

import pytest

import browser
import handpaths
import tracing
from conftest import SITE, CleanCheck, record, site_file
from test_golden import run_check


def test_csp_meta_forbids_the_network(app):
    csp = app.js("const m = document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]');"
                 "return m ? m.getAttribute('content') : null;")
    assert csp, "expected a <meta http-equiv=Content-Security-Policy>, found none"
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert "default-src" in directives, f"expected a default-src directive, found {csp!r}"
    for name in ("default-src", "connect-src"):
        for source in directives.get(name, []):
            assert not re.match(r"^(\*|https?:|wss?:|https?://)", source), f"expected {name} to allow no network origin, found {source!r} in {csp!r}"


def test_a_full_session_stays_offline_and_small(driver, index_url, tmp_path):
    """Draw, switch every mode, upload: every request is file:/data:/blob:, nothing is logged
    as an error, and what the page loads is at most 100 KB gzipped."""
    check = CleanCheck(driver)
    app = browser.App(driver, index_url).open()
    _, _, w, h = app.pad_rect()
    app.draw(tracing.place(handpaths.glyph(7), w / 2, h / 2, 0.6 * min(w, h)))
    app.settled_prediction()
    for mode in ("number", "calc", "digit"):
        app.set_mode(mode)
    from test_upload import mnist_png
    png = mnist_png(str(tmp_path / "one.png"), [255 if 12 <= x <= 15 and 5 <= y <= 22 else 0 for y in range(28) for x in range(28)],
                    4, (0, 0, 0), (255, 255, 255))
    app.el("#file-input").send_keys(png)
    app.wait_for(lambda: app.prediction()["state"] != "blank", "a prediction after the upload")
    urls = check.verify(index_url)
    # Size: every file the page loaded (the upload is the user's, not the page's).
    files = sorted({urllib.parse.unquote(urllib.parse.urlparse(u).path) for u in urls if u.startswith("file://")} - {png})
    raw = gz = 0
    for path in files:
        with open(path, "rb") as f:
            data = f.read()
        raw += len(data)
        gz += len(gzip.compress(data, 9))
    record(f"page weight: {len(files)} files, {raw / 1024:.1f} KB raw, {gz / 1024:.1f} KB gzipped (budget 100 KB): "
           + ", ".join(os.path.relpath(p, SITE) for p in files))
    assert files, "expected the page to load at least index.html from file://, found no file request"
    assert gz <= 100 * 1024, f"expected everything the page loads to be <= 100 KB gzipped, found {gz / 1024:.1f} KB"


@pytest.fixture(scope="module")
def server():
    """python3 -m http.server on 127.0.0.1 serving the site's parent (the repo root), so the
    site lives under a sub-path (/site/), as on a static host."""
    proc = subprocess.Popen([sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
                             "--directory", os.path.dirname(SITE)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        m = re.search(r"port (\d+)", line)
        if not m:
            raise AssertionError(f"python3 -m http.server: expected 'Serving HTTP on ... port N', found {line!r}")
        yield f"http://127.0.0.1:{m.group(1)}"
    finally:
        proc.terminate()
        proc.wait(10)


def test_served_from_a_sub_path(driver, server):
    site_file("index.html")
    base = f"{server}/{os.path.basename(SITE)}/"
    check = CleanCheck(driver, allowed=[base])
    app = browser.App(driver, base + "index.html").open()
    _, _, w, h = app.pad_rect()
    app.draw(tracing.place(handpaths.glyph(3), w / 2, h / 2, 0.6 * min(w, h)))
    got = app.settled_prediction()
    assert got["digit"] == "3", f"{base}index.html: expected a drawn 3 to read 3, found {got}"
    status, text = run_check(driver, base + "check.html")
    assert status == "pass", f"{base}check.html: expected the golden check to pass, found {status}: {text}"
    urls = check.verify(base)
    record(f"sub-path hosting: {len(urls)} requests, all under {base} (or data:/blob:)")


def test_model_card(driver):
    """The model card: its own page, or a #model-card section of index.html."""
    path = os.path.join(SITE, "model-card.html")
    url = browser.file_url(path) if os.path.isfile(path) else browser.file_url(site_file("index.html")) + "#model-card"
    check = CleanCheck(driver)
    driver.get(url)
    card = driver.execute_script("return document.querySelector('#model-card') || document.body;")
    text = card.text
    svgs = driver.execute_script("return arguments[0].querySelectorAll('svg').length;", card)
    imgs = driver.execute_script("return arguments[0].querySelectorAll('img').length;", card)
    assert re.search(r"\d{2}\.\d+\s*%", text), f"{url}: expected a test accuracy like 99.4 %, found text {text[:200]!r}"
    assert svgs >= 2, f"{url}: expected SVG charts (confusion matrix, training curves), found {svgs} <svg>"
    assert imgs >= 1, f"{url}: expected a gallery of misread digits as images, found {imgs} <img>"
    check.verify(url)
