"""Clear (button and Esc) and undo (button and Ctrl+Z), checked on the prediction and on
the 28x28 input preview the model sees."""
import pytest
from selenium.webdriver.common.keys import Keys

import handpaths
import tracing


def preview(app):
    """The #input-preview canvas as a data URL: equal pictures give equal strings."""
    return app.js("return document.querySelector('#input-preview').toDataURL('image/png');")


def draw_four_in_two_strokes(app):
    """A 4 as a person draws it: the open corner, then the down-stroke. Returns the
    (prediction, preview) after the first stroke only, and after both."""
    _, _, w, h = app.pad_rect()
    corner, down = tracing.place(handpaths.glyph(4), w / 2, h / 2, 0.6 * min(w, h))
    app.draw([corner])
    first = (app.settled_prediction(), preview(app))
    app.draw([down])
    both = (app.settled_prediction(), preview(app))
    assert first[1] != both[1], "expected the second stroke to change #input-preview, found the same picture"
    return first, both


@pytest.mark.parametrize("how", ["button", "Esc"])
def test_clear_returns_to_blank(app, how):
    empty = preview(app)
    draw_four_in_two_strokes(app)
    if how == "button":
        app.click("#clear")
    else:
        app.keys(Keys.ESCAPE)
    got = app.settled_prediction()
    assert got["state"] == "blank" and got["digit"] == "", f"clear by {how}: expected state blank, found {got}"
    assert preview(app) == empty, f"clear by {how}: expected #input-preview back to its empty picture, found a different one"


@pytest.mark.parametrize("how", ["button", "Ctrl+Z"])
def test_undo_removes_the_last_stroke(app, how):
    first, both = draw_four_in_two_strokes(app)
    assert both[0]["digit"] == "4", f"expected the two strokes to read 4, found {both[0]}"

    def undo():
        if how == "button":
            app.click("#undo")
        else:
            app.keys("z", modifier=Keys.CONTROL)

    undo()
    got = app.settled_prediction()
    assert (got, preview(app)) == first, f"undo by {how}: expected the state after the first stroke {first[0]}, found {got}"
    undo()
    got = app.settled_prediction()
    assert got["state"] == "blank", f"undo by {how} twice: expected blank, found {got}"
