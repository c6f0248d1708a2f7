"""The in-page golden check (site/check.html) passes in Chromium from file://."""
import browser
import hashlib
import os

from conftest import REPO, CleanCheck, record, site_file


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


def test_golden_check_fails_when_a_value_drifts(driver, tmp_path):
    """The in-page check can fail: one logit of one case moved by 1e-2 (100x its tolerance)."""
    import json
    import shutil
    check_html = site_file("check.html")
    with open(site_file("golden.js"), encoding="utf-8") as f:
        text = f.read().strip()
    prefix = "window.INKLING_GOLDEN = "
    assert text.startswith(prefix) and text.endswith(";"), \
        f"golden.js: expected 'window.INKLING_GOLDEN = {{...}};', found {text[:40]!r}...{text[-20:]!r}"
    golden = json.loads(text[len(prefix):-1])
    case = golden["cases"][0]
    case["logits"][0] += 1e-2
    shutil.copy(check_html, tmp_path / "check.html")
    (tmp_path / "golden.js").write_text(prefix + json.dumps(golden) + ";\n", encoding="utf-8")
    status, shown = run_check(driver, browser.file_url(str(tmp_path / "check.html")))
    assert status == "fail", f"expected a drifted logit to make the check fail, found {status}: {shown}"
    assert case["name"] in shown or "logits" in shown, f"expected the message to name the case or field, found {shown}"


def test_golden_check_fails_for_another_model_file(driver, tmp_path):
    """The in-page check hashes the model text it runs: golden values made from another model
    file (model_sha256 differs) fail, even though every value still agrees."""
    import json
    import shutil
    prefix = "window.INKLING_GOLDEN = "
    with open(site_file("golden.js"), encoding="utf-8") as f:
        golden = json.loads(f.read().strip()[len(prefix):-1])
    golden["model_sha256"] = "0" * 64
    shutil.copy(site_file("check.html"), tmp_path / "check.html")
    (tmp_path / "golden.js").write_text(prefix + json.dumps(golden) + ";\n", encoding="utf-8")
    status, shown = run_check(driver, browser.file_url(str(tmp_path / "check.html")))
    assert status == "fail", f"expected a model_sha256 mismatch to fail the check, found {status}: {shown}"
    assert "model_sha256" in shown and "0" * 64 in shown, f"expected the message to name model_sha256, found {shown}"
    sha = driver.execute_script("return window.INKLING_GOLDEN_REPORT && window.INKLING_GOLDEN_REPORT.modelSha256;")
    with open(os.path.join(REPO, "weights", "model.json"), "rb") as f:
        want = hashlib.sha256(f.read()).hexdigest()
    assert sha == want, f"the page hashed its model text to {sha}, expected sha256sum weights/model.json = {want}"


def run_training_check(driver, url, timeout=180):
    """Loads check.html and waits for the training verdict (learn.js on the golden training cases)."""
    driver.get(url)
    app = browser.App(driver, url)
    app.wait_for(lambda: driver.execute_script(
        "const t = document.querySelector('#training-result');"
        "return !!t && (t.dataset.status === 'pass' || t.dataset.status === 'fail');"),
        "#training-result[data-status] to be pass or fail", timeout)
    return driver.execute_script(
        "const t = document.querySelector('#training-result'); return [t.dataset.status, t.textContent.trim()];")


def test_training_check_passes_in_the_page(driver):
    """learn.js reproduces Swift's golden training values in Chromium: every gradient, the
    weights after SGD and AdamW steps and the running statistics, worst difference per tensor."""
    url = browser.file_url(site_file("check.html"))
    check = CleanCheck(driver)
    status, text = run_training_check(driver, url)
    record(f"training check (file://): {status}: {' '.join(text.split())[:300]}")
    assert status == "pass", f"{url}: expected #training-result[data-status=pass], found {status}: {text}"
    tensors = driver.execute_script("return window.INKLING_TRAINING_REPORT.tensors.length;")
    listed = driver.execute_script("return document.querySelectorAll('#training-tensors li').length;")
    assert tensors >= 100 and listed == tensors, f"expected the worst difference of every tensor listed, found {listed} of {tensors}"
    check.verify(url)


def test_training_check_fails_when_a_gradient_drifts(driver, tmp_path):
    """The in-page training check can fail: one value of one gradient moved by 1e-2."""
    import base64
    import json
    import shutil
    import struct
    prefix = "window.INKLING_GOLDEN = "
    with open(site_file("golden.js"), encoding="utf-8") as f:
        golden = json.loads(f.read().strip()[len(prefix):-1])
    tensor = golden["training"]["cases"][0]["gradients"]["conv2.weight"]
    data = bytearray(base64.b64decode(tensor["data"]))
    value = struct.unpack_from("<f", data, 20)[0]
    struct.pack_into("<f", data, 20, value + 1e-2)
    tensor["data"] = base64.b64encode(bytes(data)).decode("ascii")
    shutil.copy(site_file("check.html"), tmp_path / "check.html")
    (tmp_path / "golden.js").write_text(prefix + json.dumps(golden) + ";\n", encoding="utf-8")
    status, shown = run_training_check(driver, browser.file_url(str(tmp_path / "check.html")))
    assert status == "fail", f"expected a drifted gradient to fail the training check, found {status}: {shown}"
    assert "conv2.weight" in shown, f"expected the message to name the tensor, found {shown}"
