"""Shared fixtures: one desktop Chromium for the session, the site's paths, a fresh
page per test, and the figures (timings, pass rates, misses) printed at the end.

Every test that opens the app also checks, on teardown, that the page made no network
request and logged no console error: offline-and-clean is asserted everywhere, not once.
"""
import json
import os

import pytest

import browser

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SITE = os.path.abspath(os.environ.get("INKLING_SITE", os.path.join(REPO, "site")))
ARTIFACTS = os.path.join(REPO, "artifacts")
SCREENSHOTS = os.path.join(ARTIFACTS, "screenshots")

_figures = []
_drawn = {"model_sha256": None, "sets": []}

# What weights/drawn-evaluation.json says about how its figures were made (the model card shows it).
DRAWN_HOW = ("The browser tests draw on the page's pad in headless Chromium with real pointer events and read what the page "
             "announces. Single digits: MNIST test digits traced into pen strokes and drawn with a mouse at three sizes and "
             "places, and digit shapes designed by hand in code, drawn with a pen and, on an emulated phone, with a finger. "
             "Numbers of 2 to 4 digits (tight, touching, overlapping, slanted, small, large, traced MNIST) and sums with every "
             "operator, in Number and Calculator modes. The strokes are synthetic, played back as pointer input, not writing "
             "collected from people.")


def record(line):
    """A figure or finding for the closing summary (and artifacts/browser-report.txt)."""
    _figures.append(line)


def record_drawn(app, kind, name, right, total):
    """One drawn set's result (kind digit, number or sum) for artifacts/drawn-evaluation.json,
    tied to the SHA-256 of the model the page under test holds."""
    sha = app.js("return Inkling.loadModel(JSON.parse(document.getElementById('model').textContent)).sha256;")
    if _drawn["model_sha256"] not in (None, sha):
        raise AssertionError(f"expected one model in every page of the drawn sets, found {_drawn['model_sha256']} and {sha}")
    _drawn["model_sha256"] = sha
    _drawn["sets"].append({"kind": kind, "name": name, "right": right, "total": total})


def pytest_sessionfinish(session, exitstatus):
    """The drawn sets that ran, for scripts/drawn-evaluation.sh (which copies them to weights/)."""
    if not _drawn["sets"]:
        return
    os.makedirs(ARTIFACTS, exist_ok=True)
    out = {"format": "inkling-drawn-evaluation", "version": 1, "model_sha256": _drawn["model_sha256"],
           "how": DRAWN_HOW, "command": "scripts/drawn-evaluation.sh", "sets": _drawn["sets"],
           "tests_passed": exitstatus == 0}
    tmp = os.path.join(ARTIFACTS, "drawn-evaluation.json.tmp")
    with open(tmp, "w") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, os.path.join(ARTIFACTS, "drawn-evaluation.json"))


def site_file(name):
    path = os.path.join(SITE, name)
    if not os.path.isfile(path):
        pytest.fail(f"{path}: expected the built site page (run `inkling build`), found no file", pytrace=False)
    return path


@pytest.fixture(scope="session")
def driver():
    d = browser.make_driver(1280, 900)
    yield d
    d.quit()


@pytest.fixture(scope="session")
def index_url():
    return browser.file_url(site_file("index.html"))


class CleanCheck:
    """Drains the logs now; `verify()` fails on any foreign request or console error since."""

    def __init__(self, driver, allowed=()):
        self.driver = driver
        self.allowed = list(allowed)
        browser.requests_seen(driver)
        browser.console_errors(driver)

    def verify(self, where):
        urls = browser.requests_seen(self.driver)
        foreign = browser.foreign_requests(urls, self.allowed)
        errors = browser.console_errors(self.driver)
        problems = []
        if foreign:
            problems.append(f"expected only file:, data: and blob: requests{' or ' + ', '.join(self.allowed) if self.allowed else ''}, "
                            f"found {foreign}")
        if errors:
            problems.append(f"expected no console errors, found {errors}")
        if problems:
            raise AssertionError(f"{where}: " + "; ".join(problems))
        return urls


@pytest.fixture
def app(driver, index_url):
    check = CleanCheck(driver)
    page = browser.App(driver, index_url).open()
    yield page
    check.verify(index_url)


def pytest_terminal_summary(terminalreporter):
    if not _figures:
        return
    terminalreporter.section("browser figures")
    for line in _figures:
        terminalreporter.write_line(line)
    os.makedirs(ARTIFACTS, exist_ok=True)
    tmp = os.path.join(ARTIFACTS, "browser-report.txt.tmp")
    with open(tmp, "w") as f:
        f.write("\n".join(_figures) + "\n")
    os.replace(tmp, os.path.join(ARTIFACTS, "browser-report.txt"))
