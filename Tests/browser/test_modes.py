"""Number mode reads several digits left to right; calculator mode reads
number-operator-number and computes, with division by zero said plainly."""
import pytest

import mnist_digits
import tracing
from glyphs import layout


def hand(text):
    return [("hand", ch) for ch in text]


def write(app, items, kind="mouse"):
    app.clear()
    _, _, w, h = app.pad_rect()
    app.draw(layout(items, w, h), kind=kind)


def number_state(app):
    return app.js("""
        const n = document.querySelector('#number');
        return { value: n ? n.dataset.value : null,
                 digits: Array.from(document.querySelectorAll('#number-digits [data-digit]'))
                              .map(d => [d.dataset.digit, d.dataset.confidence]) };""")


def calc_state(app):
    return app.js("""
        const c = document.querySelector('#calc');
        return c ? { expression: c.dataset.expression, value: c.dataset.value, text: c.textContent.trim() } : null;""")


def test_mode_switch_sets_app_mode(app):
    for mode in ("number", "calc", "digit"):
        app.set_mode(mode)
        assert app.mode() == mode, f"expected #app[data-mode={mode}], found {app.mode()}"


def test_two_digit_number(app):
    app.set_mode("number")
    write(app, hand("42"))
    got = app.settled(lambda: number_state(app))
    assert got["value"] == "42", f"expected #number[data-value=42], found {got}"
    assert [d for d, _ in got["digits"]] == ["4", "2"], f"expected #number-digits 4, 2, found {got['digits']}"
    for digit, conf in got["digits"]:
        assert conf and 0 < float(conf) <= 1, f"expected a confidence in (0, 1] for digit {digit}, found {conf!r}"


def test_three_digit_number_from_traced_mnist(app):
    digits, _ = mnist_digits.load()
    picks = mnist_digits.first_of_each_label(digits)
    items = [("traced", tracing.trace(picks[d][2])) for d in (3, 0, 8)]
    app.set_mode("number")
    write(app, items)
    got = app.settled(lambda: number_state(app))
    assert got["value"] == "308", f"expected traced MNIST 3, 0, 8 to read 308, found {got}"


@pytest.mark.parametrize("text,expression,value", [
    ("12+7", "12+7", "19"),
    ("9-4", "9-4", "5"),
    ("6x3", "6x3", "18"),
])
def test_calculator(app, text, expression, value):
    app.set_mode("calc")
    write(app, hand(text))
    got = app.settled(lambda: calc_state(app))
    assert got and got["expression"] == expression and got["value"] == value, \
        f"expected #calc expression {expression!r} = {value!r}, found {got}"
    if text == "12+7":
        from test_screens import save_screenshots
        save_screenshots(app.driver, "desktop-calc")


def test_calculator_division_by_zero_is_said_plainly(app):
    app.set_mode("calc")
    write(app, hand("8/0"))
    got = app.settled(lambda: calc_state(app))
    assert got and got["expression"] == "8/0", f"expected #calc[data-expression=8/0], found {got}"
    assert got["value"] not in ("", "Infinity", "NaN", None), f"expected 'undefined' or an error text, found {got['value']!r}"
    assert "Infinity" not in got["text"] and "NaN" not in got["text"], f"expected no Infinity/NaN shown, found {got['text']!r}"
