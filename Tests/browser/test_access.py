"""Accessible: every control has a name, the prediction is announced by a live region,
and the pad and the buttons work from the keyboard."""
from selenium.webdriver.common.keys import Keys


def test_every_control_has_an_accessible_name(app):
    unnamed = app.js("""
        const name = el => (el.getAttribute('aria-label') || el.textContent || el.title ||
            (el.id && Array.from(document.querySelectorAll('label[for="' + el.id + '"]')).map(l => l.textContent).join(' ')) ||
            (el.closest('label') ? el.closest('label').textContent : '')).trim();
        return Array.from(document.querySelectorAll('button, input, select, textarea, canvas#pad'))
            .filter(el => !name(el)).map(el => el.outerHTML.slice(0, 80));""")
    assert not unnamed, f"expected every control to have an accessible name, found unnamed: {unnamed}"
    live = app.js("const s = document.querySelector('#status'); return s ? [s.getAttribute('aria-live'), s.getAttribute('role')] : null;")
    assert live and (live[0] in ("polite", "assertive") or live[1] == "status"), f"expected #status to be an ARIA live region, found {live}"


def test_keyboard_reaches_the_controls(app):
    """Tab moves focus through the mode buttons, and Enter on a focused mode button switches mode."""
    app.js("document.activeElement && document.activeElement.blur(); document.body.focus();")
    seen = []
    for _ in range(12):
        app.keys(Keys.TAB)
        seen.append(app.js("return document.activeElement ? document.activeElement.id : '';"))
        if seen[-1] == "mode-number":
            break
    assert "mode-number" in seen, f"expected Tab to reach #mode-number, found focus order {seen}"
    app.keys(Keys.ENTER)
    app.settled(app.mode)
    assert app.mode() == "number", f"expected Enter on #mode-number to switch to number mode, found {app.mode()}"
