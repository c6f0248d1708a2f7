"""The in-page golden check (site/check.html) passes in Chromium from file://."""
import browser
from conftest import CleanCheck, record, site_file


def run_check(driver, url, timeout=90):
    driver.get(url)
    app = browser.App(driver, url)
    app.wait_for(lambda: driver.execute_script(
        "const g = document.querySelector('#golden-result');"
        "return !!g && (g.dataset.status === 'pass' || g.dataset.status === 'fail');"),
        "#golden-result[data-status] to be pass or fail", timeout)
    return driver.execute_script(
        "const g = document.querySelector('#golden-result'); return [g.dataset.status, g.textContent.trim()];")


def test_golden_check_passes_in_the_page(driver):
    url = browser.file_url(site_file("check.html"))
    check = CleanCheck(driver)
    status, text = run_check(driver, url)
    record(f"golden check (file://): {status}: {' '.join(text.split())[:300]}")
    assert status == "pass", f"{url}: expected #golden-result[data-status=pass], found {status}: {text}"
    check.verify(url)
