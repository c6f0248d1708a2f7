"""The answer stays on screen next to the pad: at 1280x720, 1366x768, a phone in portrait
(390x844) and in landscape (844x390), in every mode, the whole pad fits the viewport and the
live answer (#prediction and #status) is visible without scrolling once the pad is in view,
with the Look inside panel closed and open (open, it sits beside the pad from 760 px wide, and
below the answer on a phone held upright). Screenshots: artifacts/screenshots/layout-<size>-<panel>-<mode>.png.
Also: a visible focus ring on the pad, 3:1 border contrast, announcements on pen lift."""
import pytest

import browser
import numberpaths
from conftest import CleanCheck, record, site_file
from test_screens import save_screenshots

SIZES = {
    "1280x720": (1280, 720, False),
    "1366x768": (1366, 768, False),
    "phone-portrait": (390, 844, True),
    "phone-landscape": (844, 390, True),
}


def _boxes(app):
    return app.js("""
        const box = s => { const r = document.querySelector(s).getBoundingClientRect();
                           return [r.left, r.top, r.right, r.bottom]; };
        return { pad: box('#pad'), prediction: box('#prediction'), status: box('#status'), panel: box('#net-scroll'),
                 vw: window.innerWidth, vh: window.innerHeight };""")


def _inside(b, view_w, view_h):
    x0, y0, x1, y1 = b
    return x0 >= -1 and y0 >= -1 and x1 <= view_w + 1 and y1 <= view_h + 1


@pytest.mark.parametrize("panel", ["closed", "open"])
@pytest.mark.parametrize("size", list(SIZES))
def test_answer_visible_beside_the_pad(size, panel):
    width, height, mobile = SIZES[size]
    url = browser.file_url(site_file("index.html"))
    driver = browser.make_driver(width, height, mobile=mobile)
    try:
        check = CleanCheck(driver)
        if not mobile:  # the window size includes browser chrome; make the viewport exact
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                   {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        app = browser.App(driver, url).open()
        if panel == "open":
            app.click("#inside-toggle")
        problems = []
        for mode in ("digit", "number", "calc"):
            app.set_mode(mode)
            app.frames(3)
            _, _, w, h = app.pad_rect()  # scrolls the pad into view, as a person would
            text = {"digit": "7", "number": "2026", "calc": "12+7"}[mode]
            items = [("op", c) if c in "+" else ("hand", c) for c in text]
            app.draw(numberpaths.layout(items, w, h, size=0.5 if mode != "digit" else 0.6, gap=0.05))
            app.settled_prediction()
            b = _boxes(app)
            save_screenshots(driver, f"layout-{size}-{panel}-{mode}")
            vw, vh = b["vw"], b["vh"]
            if not _inside(b["pad"], vw, vh):
                problems.append(f"{mode}: expected the whole pad in the {vw}x{vh} viewport, found {b['pad']}")
            for name in ("prediction", "status"):
                if not _inside(b[name], vw, vh):
                    problems.append(f"{mode}: expected #{name} visible with the pad, found {b[name]} in {vw}x{vh}")
            if panel == "open":
                x0, y0, x1, y1 = b["panel"]
                # Beside the pad (from 760 px wide), its top on screen; on a phone held upright,
                # below the answer (one column: scroll to it).
                beside = width >= 760 and x0 >= b["pad"][2] and y0 < vh
                below = width < 760 and y0 >= b["status"][3] - 1
                if not (beside or below):
                    problems.append(f"{mode}: expected the open panel {'beside the pad' if width >= 760 else 'below the answer'} "
                                    f"and on screen, found {[round(v) for v in b['panel']]} with the pad at {[round(v) for v in b['pad']]}")
            record(f"layout {size} {panel} {mode}: pad {[round(v) for v in b['pad']]}, answer {[round(v) for v in b['prediction']]}")
        check.verify(url)
        assert not problems, "; ".join(problems)
    finally:
        driver.quit()


def _luminance(rgb):
    def ch(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = rgb
    return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b)


def _contrast(a, b):
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_borders_have_3_to_1_contrast(driver, index_url, scheme):
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
    try:
        app = browser.App(driver, index_url).open()
        got = app.js("""
            const rgb = s => s.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
            const bg = rgb(getComputedStyle(document.body).backgroundColor);
            return ['.pad-frame', '#clear', '#undo', '#mode-number', '#inside-toggle'].map(s => {
                const el = document.querySelector(s), cs = getComputedStyle(el);
                return [s, rgb(cs.borderTopColor), bg, rgb(cs.backgroundColor)]; });""")
        for selector, border, page, own in got:
            ratio = _contrast(border, page)
            assert ratio >= 3, f"{scheme}: expected {selector}'s border at 3:1 against the page, found {ratio:.2f}:1 ({border} on {page})"
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


def test_pad_focus_ring_is_visible(app):
    """Tab to the pad: the ring drawn around it is not clipped away."""
    from selenium.webdriver.common.keys import Keys
    app.js("document.activeElement && document.activeElement.blur();")
    for _ in range(15):
        app.keys(Keys.TAB)
        if app.js("return document.activeElement && document.activeElement.id;") == "pad":
            break
    style = app.js("""
        const f = document.querySelector('.pad-frame'), cs = getComputedStyle(f);
        return [document.activeElement.id, cs.outlineStyle, parseFloat(cs.outlineWidth)];""")
    assert style[0] == "pad", f"expected #pad focused, found {style[0]!r}"
    assert style[1] != "none" and style[2] >= 2, f"expected a visible ring around the focused pad, found {style}"


@pytest.mark.parametrize("mode,text", [("digit", "8"), ("number", "2048"), ("calc", "12+7")])
def test_announcements_come_when_the_pen_lifts(app, mode, text):
    """The polite live region changes at most once per stroke (on pen lift), not per frame."""
    app.set_mode(mode)
    app.js("""
        window.__statusChanges = 0;
        new MutationObserver(() => window.__statusChanges++).observe(document.querySelector('#status'),
            { childList: true, characterData: true, subtree: true });""")
    _, _, w, h = app.pad_rect()
    strokes = numberpaths.layout([("op", c) if c == "+" else ("hand", c) for c in text], w, h, size=0.5, gap=0.05)
    app.draw(strokes)
    got = app.settled(lambda: app.js("return [document.querySelector('#status').textContent, window.__statusChanges];"))
    said = {"digit": "an 8", "number": "2048", "calc": "12 + 7 = 19"}[mode]
    assert said in got[0], f"{mode}: expected #status to say {said}, found {got[0]!r}"
    assert got[1] <= len(strokes), f"{mode}: expected at most one announcement per stroke ({len(strokes)}), found {got[1]}"
    record(f"announcements for {text} ({mode}) in {len(strokes)} strokes: {got[1]}")
