"""Digits drawn with a real pointer on #pad are read correctly.

MNIST test digits are traced into pen strokes (tracing.py) and drawn at several sizes
and positions with the mouse; hand-designed strokes are drawn with a pen. Each set must
read at least 9 of 10 digits right; every miss is reported."""
import re

import pytest

import handpaths
import mnist_digits
import tracing
from conftest import record, record_drawn

# (name, digit height / pad height, centre x / pad width, centre y / pad height, which instance of each label)
PLACEMENTS = [
    ("large, centred", 0.80, 0.50, 0.50, 0),
    ("medium, upper left", 0.52, 0.36, 0.36, 1),
    ("small, lower right", 0.36, 0.68, 0.68, 2),
]


@pytest.fixture(scope="module")
def mnist():
    return mnist_digits.load()


def read_digits(app, drawings, kind, what):
    """Draw each (label, description, strokes-in-pad-pixels) after a clear; return the misses."""
    misses, lines = [], []
    for label, desc, strokes in drawings:
        before = app.clear()
        assert before["state"] == "blank", f"{what}: expected blank after #clear, found {before}"
        app.draw(strokes, kind=kind)
        got = app.settled_prediction()
        ok = got["state"] != "blank" and got["digit"] == str(label)
        lines.append(f"{label}->{got['digit'] or '-'}")
        said_plainly(got, desc)
        if not ok:
            misses.append(f"{desc}: expected {label}, found {got['digit'] or 'nothing'} "
                          f"(state {got['state']}, confidence {got['confidence'] or '-'}, status {got['status']!r})")
    record(f"draw {what}: {10 - len(misses)}/10 correct [{' '.join(lines)}]" + "".join(f"\n    miss: {m}" for m in misses))
    record_drawn(app, "digit", what, len(drawings) - len(misses), len(drawings))
    return misses


def said_plainly(got, where):
    """#status says what #prediction shows: "It's a 7 (97%)" when sure, "Not sure: 4 or 9?" when unsure."""
    status = (got["status"] or "").replace("\u2019", "'")
    if got["state"] == "sure":
        m = re.search(r"It's (an?) (\d) \((\d+)%\)", status)
        article = "an" if got["digit"] == "8" else "a"
        assert m and m.group(2) == got["digit"] and got["text"] == got["digit"] and m.group(1) == article, \
            f"{where}: expected #status \"It's {article} {got['digit']} (NN%)\" and the large digit {got['digit']}, found {got}"
        assert abs(int(m.group(3)) - 100 * float(got["confidence"])) <= 1, f"{where}: expected the % to match data-confidence, found {got}"
    elif got["state"] == "unsure":
        m = re.search(r"Not sure: (\d) or (\d)\?", status)
        assert m and got["digit"] in m.groups(), f"{where}: expected #status \"Not sure: A or B?\" naming {got['digit']}, found {got}"


@pytest.mark.parametrize("name,size,cx,cy,instance", PLACEMENTS, ids=[p[0] for p in PLACEMENTS])
def test_traced_mnist_digits_drawn_with_the_mouse(app, mnist, name, size, cx, cy, instance):
    digits, source = mnist
    _, _, w, h = app.pad_rect()
    side = min(w, h)
    drawings = []
    for label, index, pixels in mnist_digits.first_of_each_label(digits, skip=instance):
        strokes = tracing.place(tracing.trace(pixels), cx * w, cy * h, size * side, max_width=0.9 * side)
        drawings.append((label, f"MNIST test #{index}", strokes))
    misses = read_digits(app, drawings, "mouse", f"traced MNIST, {name}")
    assert len(misses) <= 1, f"{name}: expected at least 9 of 10 traced digits read right, found {len(misses)} misses:\n" + "\n".join(misses)


def test_hand_drawn_digits_with_a_pen(app):
    _, _, w, h = app.pad_rect()
    drawings = [(d, f"hand-drawn {d}", tracing.place(handpaths.glyph(d), w / 2, h / 2, 0.6 * min(w, h)))
                for d in range(10)]
    misses = read_digits(app, drawings, "pen", "hand-drawn, pen")
    assert len(misses) <= 1, "expected at least 9 of 10 pen-drawn digits read right, found:\n" + "\n".join(misses)


def test_blank_canvas_says_blank(app):
    got = app.settled_prediction()
    assert got["state"] == "blank" and got["digit"] == "", f"expected a blank prediction on load, found {got}"
    assert "draw" in (got["status"] or "").lower(), f"expected #status to ask for a digit, found {got['status']!r}"
    bars = app.js("return Array.from(document.querySelectorAll('#bars [data-digit]')).map(b => b.dataset.digit);")
    assert sorted(bars) == [str(d) for d in range(10)], f"expected ten #bars [data-digit] 0-9, found {bars}"


def test_a_single_dot_is_blank_not_a_guess(app):
    _, _, w, h = app.pad_rect()
    app.draw([[(w / 2, h / 2), (w / 2 + 1, h / 2)]])
    got = app.settled_prediction()
    assert got["state"] == "blank", f"expected a single dot to give state blank, found {got}"


def test_look_inside_shows_feature_maps_of_the_drawing(app):
    """Open the panel: the maps of the rows on screen change when an 8 is drawn."""
    app.click("#inside-toggle")
    app.frames(2)

    def maps():
        return app.js("""
            return Array.from(document.querySelectorAll('#inside .layer canvas')).map(c => {
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let sum = 0; for (let i = 0; i < d.length; i += 4) sum += d[i] + d[i + 1] + d[i + 2];
                return [c.closest('.layer').dataset.stale, sum]; });""")
    empty = maps()
    assert len(empty) >= 2, f"expected #inside to hold a small canvas per feature map, found {len(empty)}"
    _, _, w, h = app.pad_rect()
    app.draw(tracing.place(handpaths.glyph(8), w / 2, h / 2, 0.6 * min(w, h)))
    app.settled_prediction()
    drawn = maps()
    shown = [(a[1], b[1]) for a, b in zip(empty, drawn) if a[0] == b[0] == "false"]
    changed = sum(1 for a, b in shown if a != b)
    assert len(shown) >= 8 and changed >= len(shown) // 2, \
        f"expected most feature maps on screen to change for a drawn 8, found {changed} of {len(shown)}"


@pytest.mark.parametrize("condition", ["page zoom 150%", "devicePixelRatio 2", "CSS-scaled pad"])
def test_drawing_lands_right_under_zoom_and_scaling(driver, index_url, condition):
    from conftest import CleanCheck
    import browser
    check = CleanCheck(driver)
    if condition == "devicePixelRatio 2":
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": 1280, "height": 900, "deviceScaleFactor": 2, "mobile": False})
    try:
        app = browser.App(driver, index_url).open()
        if condition == "page zoom 150%":
            app.js("document.documentElement.style.zoom = '1.5';")
        elif condition == "CSS-scaled pad":
            app.js("const p = document.querySelector('#pad'); p.style.transformOrigin = '0 0'; p.style.transform = 'scale(0.75)';")
        app.frames(3)
        _, _, w, h = app.pad_rect()
        for d in (5, 2):
            app.clear()
            app.draw(tracing.place(handpaths.glyph(d), w / 2, h / 2, 0.6 * min(w, h)))
            got = app.settled_prediction()
            assert got["digit"] == str(d), f"{condition}: expected a drawn {d} to read {d}, found {got}"
        check.verify(index_url)
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
