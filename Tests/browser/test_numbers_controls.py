"""Redo (button, Ctrl+Shift+Z, Ctrl+Y), a tagline per mode, a failed image open that
clears the old answer, and "Write bigger" for ink too small to read."""
import os

import pytest
from selenium.webdriver.common.keys import Keys

import handpaths
import tracing


def _four(app):
    _, _, w, h = app.pad_rect()
    return tracing.place(handpaths.glyph(4), w / 2, h / 2, 0.6 * min(w, h))


@pytest.mark.parametrize("how", ["button", "Ctrl+Shift+Z", "Ctrl+Y"])
def test_redo_puts_back_what_undo_took(app, how):
    app.draw(_four(app))
    both = app.settled_prediction()
    assert both["digit"] == "4", f"expected the two strokes to read 4, found {both}"
    app.click("#undo")
    app.settled_prediction()
    if how == "button":
        app.click("#redo")
    elif how == "Ctrl+Shift+Z":
        from selenium.webdriver.common.action_chains import ActionChains
        ActionChains(app.driver, duration=0).key_down(Keys.CONTROL).key_down(Keys.SHIFT).send_keys("z") \
            .key_up(Keys.SHIFT).key_up(Keys.CONTROL).perform()
    else:
        app.keys("y", modifier=Keys.CONTROL)
    got = app.settled_prediction()
    assert got == both, f"redo by {how}: expected the reading before undo {both}, found {got}"


def test_tagline_follows_the_mode(app):
    seen = {}
    for mode in ("digit", "number", "calc"):
        app.set_mode(mode)
        seen[mode] = app.js("return document.querySelector('.tagline').textContent;")
    assert seen["digit"].startswith("Draw a digit"), f"expected the digit tagline, found {seen['digit']!r}"
    assert "number" in seen["number"].lower() and "sum" in seen["calc"].lower(), f"expected a tagline per mode, found {seen}"


def test_failed_image_clears_the_old_answer(app, tmp_path):
    app.draw(_four(app))
    assert app.settled_prediction()["digit"] == "4"
    bad = tmp_path / "not-an-image.png"
    bad.write_bytes(b"this is text, not a PNG")
    app.el("#file-input").send_keys(os.path.abspath(str(bad)))
    app.wait_for(lambda: "Could not open" in (app.prediction()["status"] or ""), "the open error in #status")
    got = app.settled_prediction()
    assert got["state"] == "blank" and got["digit"] == "", f"expected no old answer beside the error, found {got}"


@pytest.mark.parametrize("mode,size", [("digit", 0.015), ("number", 0.04)])
def test_tiny_ink_says_write_bigger(app, mode, size):
    """Ink too small to read (a 3 of 1.5% of the pad in Digit mode; writing under 5% of the
    pad's height in Number mode) asks for bigger writing, not for a digit."""
    app.set_mode(mode)
    _, _, w, h = app.pad_rect()
    tiny = tracing.place(handpaths.glyph(3), w / 2, h / 2, size * h)
    app.draw(tiny, step=1)
    got = app.settled_prediction()
    assert "bigger" in got["status"].lower(), f"{mode}: expected #status to say Write bigger, found {got}"


def test_small_writing_is_read(app):
    """A 3 a sixth of the pad tall reads 3 (the pen thins with the writing)."""
    _, _, w, h = app.pad_rect()
    app.draw(tracing.place(handpaths.glyph(3), w / 2, h / 2, 0.16 * h), step=2)
    got = app.settled_prediction()
    assert got["digit"] == "3", f"expected a small 3 to read 3, found {got}"
