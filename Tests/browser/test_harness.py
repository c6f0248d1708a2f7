"""The checkers can fail: each is pointed at a small page (written here, in a temp
folder) that does the bad thing, and must catch it. Also: pointer events of each kind
arrive at the coordinates the tests intend."""
import browser
from conftest import CleanCheck

PROBE = """<!doctype html><meta charset="utf-8"><title>probe</title>
<style>body{margin:0} #pad{position:absolute;left:40px;top:30px;width:300px;height:200px;touch-action:none;background:#eee}</style>
<canvas id="pad"></canvas>
<script>
window.events = [];
const pad = document.getElementById('pad');
for (const t of ['pointerdown', 'pointermove', 'pointerup'])
  pad.addEventListener(t, e => { if (t === 'pointerdown') pad.setPointerCapture(e.pointerId);
    const r = pad.getBoundingClientRect();
    events.push([t, e.pointerType, e.clientX - r.left, e.clientY - r.top, e.isTrusted]); });
</script>"""


def _page(tmp_path, name, html):
    path = tmp_path / name
    path.write_text(html)
    return browser.file_url(str(path))


def test_network_check_catches_a_request(driver, tmp_path):
    url = _page(tmp_path, "net.html", '<!doctype html><img src="http://127.0.0.1:9/inkling-probe.png">')
    check = CleanCheck(driver)
    driver.get(url)
    try:
        check.verify(url)
    except AssertionError as e:
        assert "http://127.0.0.1:9/inkling-probe.png" in str(e), f"expected the foreign URL in the message, found {e}"
    else:
        raise AssertionError("expected the network check to catch a request to 127.0.0.1, found none")


def test_console_check_catches_a_csp_violation(driver, tmp_path):
    html = ('<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src \'none\'">'
            '<script>document.title = "ran";</script>')
    url = _page(tmp_path, "csp.html", html)
    check = CleanCheck(driver)
    driver.get(url)
    try:
        check.verify(url)
    except AssertionError as e:
        assert "Content Security Policy" in str(e), f"expected the CSP violation in the message, found {e}"
    else:
        raise AssertionError("expected the console check to catch a CSP violation, found none")


def test_pointer_kinds_arrive_as_trusted_events_where_aimed(driver, tmp_path):
    url = _page(tmp_path, "probe.html", PROBE)
    driver.get(url)
    app = browser.App(driver, url)
    for kind in ("mouse", "touch", "pen"):
        driver.execute_script("window.events = [];")
        app.draw([[(20, 20), (120, 60), (250, 150)]], kind=kind, step=10)
        events = driver.execute_script("return window.events;")
        downs = [e for e in events if e[0] == "pointerdown"]
        assert len(downs) == 1 and downs[0][1] == kind, f"{kind}: expected one pointerdown of type {kind}, found {downs}"
        assert all(e[4] for e in events), f"{kind}: expected only trusted (real input) events, found {events}"
        moves = [e for e in events if e[0] == "pointermove"]
        assert len(moves) >= 20, f"{kind}: expected 20+ pointermove events, found {len(moves)}"
        x, y = downs[0][2], downs[0][3]
        assert abs(x - 20) <= 1 and abs(y - 20) <= 1, f"{kind}: expected pointerdown at (20, 20), found ({x}, {y})"
        last = [e for e in events if e[0] == "pointerup"][-1]
        assert abs(last[2] - 250) <= 1 and abs(last[3] - 150) <= 1, f"{kind}: expected pointerup at (250, 150), found {last[2:4]}"
