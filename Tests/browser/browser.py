"""Headless Chromium through Selenium, and the page hooks the tests read.

Every input is a real input event: W3C pointer/key actions that chromedriver turns
into DevTools Input.dispatch* calls, the same path as a person's mouse, finger or pen.
Tests read state only from the contract hooks (data-* attributes on #app,
#prediction, #number, #calc, ...), never from the page's internals.
"""
import json
import os
import time

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions import interaction
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.actions.pointer_input import PointerInput
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tracing import length, resample

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")

POINTER_KINDS = {
    "mouse": interaction.POINTER_MOUSE,
    "touch": interaction.POINTER_TOUCH,
    "pen": interaction.POINTER_PEN,
}


class PageError(AssertionError):
    pass


def make_driver(width=1280, height=900, mobile=False):
    """Headless Chromium with console and network logging. mobile=True emulates a
    phone (touch, device pixel ratio 3) at width x height CSS pixels."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.path.exists(path):
            raise PageError(f"{path}: expected Chromium and chromedriver (apt-get install chromium chromium-driver), found no file")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    opts.add_argument("--headless=new")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        opts.add_argument("--no-sandbox")  # Chromium refuses to sandbox as root
    opts.add_argument("--disable-dev-shm-usage")
    opts.add_argument(f"--window-size={width},{height}")
    # Without these, chromedriver waits ~17 ms (one frame) after each pointer move.
    opts.add_argument("--disable-frame-rate-limit")
    opts.add_argument("--disable-gpu-vsync")
    opts.add_argument("--no-first-run")
    for extra in os.environ.get("INKLING_CHROME_ARGS", "").split():
        opts.add_argument(extra)
    opts.add_argument("--no-default-browser-check")
    if mobile:
        opts.add_experimental_option("mobileEmulation", {
            "deviceMetrics": {"width": width, "height": height, "pixelRatio": 3.0, "touch": True},
            "userAgent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
                         "(KHTML, like Gecko) Chrome/156.0 Mobile Safari/537.36",
        })
    # Console messages (browser log) and DevTools network events (performance log).
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    opts.add_experimental_option("perfLoggingPrefs", {"enableNetwork": True, "enablePage": False})
    driver = webdriver.Chrome(options=opts, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    return driver


def file_url(path):
    return "file://" + os.path.abspath(path)


# ---------------------------------------------------------------- logs

def requests_seen(driver):
    """Drain the performance log; return every URL Chromium asked the network for."""
    urls = []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            urls.append(msg["params"]["request"]["url"])
    return urls


def console_errors(driver):
    """Drain the browser log; return SEVERE messages (errors, CSP violations, failed loads)."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def foreign_requests(urls, allowed_prefixes):
    """URLs outside file:, data:, blob: and the allowed prefixes (e.g. the local server's sub-path)."""
    ok = ("file://", "data:", "blob:") + tuple(allowed_prefixes)
    return [u for u in urls if not u.startswith(ok)]


# ---------------------------------------------------------------- the page

class App:
    """The Inkling page open in a driver, read and driven through its contract hooks."""

    def __init__(self, driver, url):
        self.driver = driver
        self.url = url

    def open(self, timeout=20):
        self.driver.get(self.url)
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout=20):
        try:
            WebDriverWait(self.driver, timeout, poll_frequency=0.05).until(
                lambda d: d.execute_script(
                    "const a = document.querySelector('#app'); return !!a && a.dataset.ready === 'true';"))
        except TimeoutException:
            seen = self.driver.execute_script(
                "const a = document.querySelector('#app'); return a ? JSON.stringify(a.dataset) : 'no #app element';")
            raise PageError(f"{self.url}: expected #app[data-ready=\"true\"] within {timeout} s, found {seen}; "
                            f"console: {console_errors(self.driver)}")

    def el(self, selector):
        found = self.driver.find_elements(By.CSS_SELECTOR, selector)
        if not found:
            raise PageError(f"{self.url}: expected an element {selector}, found none")
        return found[0]

    def has(self, selector):
        return bool(self.driver.find_elements(By.CSS_SELECTOR, selector))

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def frames(self, n=2):
        """Let the page run n animation frames (it predicts at most once per frame)."""
        self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1]; let n = arguments[0];"
            "const tick = () => (--n <= 0 ? done(true) : requestAnimationFrame(tick)); requestAnimationFrame(tick);", n)

    # -- reading state

    def prediction(self):
        return self.js("""
            const p = document.querySelector('#prediction');
            const s = document.querySelector('#status');
            if (!p) return null;
            return { state: p.dataset.state, digit: p.dataset.digit || '', confidence: p.dataset.confidence || '',
                     text: p.textContent.trim(), status: s ? s.textContent.trim() : null };""")

    def mode(self):
        return self.el("#app").get_attribute("data-mode")

    def settled(self, read, timeout=5.0, still=3, quiet=0.15):
        """Poll `read` once per animation frame until it returns the same value `still`
        times in a row over at least `quiet` seconds; returns it. Predictions update
        asynchronously after input (at most once per frame, maybe debounced)."""
        deadline = time.time() + timeout
        last, same, since = object(), 0, time.time()
        while time.time() < deadline:
            self.frames(1)
            now = read()
            if now == last:
                same += 1
            else:
                last, same, since = now, 1, time.time()
            if same >= still and time.time() - since >= quiet:
                return now
            time.sleep(0.01)
        return last

    def wait_for(self, predicate, what, timeout=10.0):
        """Wait until predicate() is truthy; fail naming what was awaited and the last state."""
        try:
            WebDriverWait(self.driver, timeout, poll_frequency=0.05).until(lambda d: predicate())
        except TimeoutException:
            raise PageError(f"{self.url}: expected {what} within {timeout} s, found prediction {self.prediction()}")

    def settled_prediction(self, timeout=5.0):
        return self.settled(self.prediction, timeout)

    # -- input

    def pad_rect(self):
        """#pad's box in viewport CSS pixels, after scrolling it into view."""
        return self.js("""
            const p = arguments[0]; p.scrollIntoView({block: 'center', inline: 'center'});
            const r = p.getBoundingClientRect(); return [r.left, r.top, r.width, r.height];""", self.el("#pad"))

    def draw(self, strokes, kind="mouse", step=None, pause_between=0.0):
        """Draw strokes given in #pad CSS pixels (origin top-left) with a real pointer of
        kind mouse, touch or pen: down, a move every `step` px, up, per stroke.
        By default a digit gets about 60 moves whatever its size, as a person draws one
        in about a second at 60 Hz (so `step` is 4-16 px)."""
        if step is None:
            step = min(16.0, max(4.0, sum(length(s) for s in strokes) / 60))
        left, top, width, height = self.pad_rect()
        pointer = PointerInput(POINTER_KINDS[kind], kind)
        builder = ActionBuilder(self.driver, mouse=pointer, duration=0)

        def at(x, y):
            # Stay inside the pad: a point on its edge would land on the element next to it.
            x = min(max(x, 1.0), width - 2.0)
            y = min(max(y, 1.0), height - 2.0)
            return int(round(left + x)), int(round(top + y))

        for stroke in strokes:
            pts = resample(stroke, step)
            x, y = at(*pts[0])
            pointer.create_pointer_move(duration=0, x=x, y=y, origin="viewport")
            extra = {"pressure": 0.6} if kind == "pen" else {}
            pointer.create_pointer_down(button=0, **extra)
            for px, py in pts[1:]:
                x, y = at(px, py)
                pointer.create_pointer_move(duration=0, x=x, y=y, origin="viewport", **extra)
            pointer.create_pointer_up(button=0)
            if pause_between:
                pointer.create_pause(pause_between)
        builder.perform()
        if kind == "touch":
            self._last_touch = time.monotonic()
        else:
            self._last_other = time.monotonic()

    def click(self, selector):
        """A real mouse click on the element's centre."""
        el = self.el(selector)
        self.js("arguments[0].scrollIntoView({block: 'center'});", el)
        # Chromium drops the click of a tap that follows a touch stroke within about 0.3 s
        # (seen with the page of 469cc52 too, so not the page's doing): a person's tap on
        # Clear comes later than that, so wait as a person would.
        wait = 0.5 - (time.monotonic() - getattr(self, "_last_touch", 0.0))
        if wait > 0:
            time.sleep(wait)
        ActionChains(self.driver, duration=0).move_to_element(el).click().perform()

    def keys(self, *keys, modifier=None):
        """Real key presses sent to the focused document."""
        chain = ActionChains(self.driver, duration=0)
        if modifier:
            chain.key_down(modifier)
        for k in keys:
            chain.send_keys(k)
        if modifier:
            chain.key_up(modifier)
        chain.perform()

    def set_mode(self, mode):
        self.click(f"#mode-{mode}")
        WebDriverWait(self.driver, 5, poll_frequency=0.05).until(lambda d: self.mode() == mode)

    def tap(self, selector):
        """A real one-finger tap on the element's centre, as a phone user presses a button."""
        el = self.el(selector)
        self.js("arguments[0].scrollIntoView({block: 'center'});", el)
        r = self.js("const r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.width, r.height];", el)
        finger = PointerInput(POINTER_KINDS["touch"], "touch")
        builder = ActionBuilder(self.driver, mouse=finger, duration=0)
        finger.create_pointer_move(duration=0, x=int(r[0] + r[2] / 2), y=int(r[1] + r[3] / 2), origin="viewport")
        finger.create_pointer_down(button=0)
        finger.create_pointer_up(button=0)
        builder.perform()

    def clear(self):
        """Press Clear as the last stroke's person would (a finger tap after touch strokes,
        else a mouse click) and wait until the pad reads blank. A press that a loaded
        machine's Chromium drops is retried twice; a clear that never shows fails."""
        touch = getattr(self, "_last_touch", 0.0) > getattr(self, "_last_other", 0.0)
        for _ in range(3):
            if touch:
                time.sleep(0.35)  # a person's tap on Clear comes well after the stroke's end
                self.tap("#clear")
            else:
                self.click("#clear")
            got = self.settled_prediction()
            if got and got["state"] == "blank":
                return got
        raise PageError(f"{self.url}: expected a blank pad after pressing Clear three times, found {got}")
