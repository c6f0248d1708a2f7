"""Personalization in the page (Chromium, file://): Inkling.personalize gives Swift's golden
answers, and a teach file survives localStorage from file://. The teaching controls come later;
this checks what they will use."""
import json
import os

from conftest import REPO, record

PERSONALIZE = """
const [examples, probes] = arguments;
const model = Inkling.loadModel(JSON.parse(document.getElementById('model').textContent), 'model.json');
const bytesInput = (b) => Float32Array.from(b, (v) => v / 255);
const taught = examples.map((e) => ({ label: e.label, input: bytesInput(e.bytes) }));
const t0 = performance.now();
const mine = Inkling.personalize(model, taught);
const ms = performance.now() - t0;
const digits = probes.map((b) => mine.predict(bytesInput(b)).digit);
const shipped = probes.map((b) => model.predict(bytesInput(b)).digit);
// The teach file through localStorage (file:// origin), read back strictly.
const text = Inkling.writeTeachFile(taught, model.sha256);
localStorage.setItem('inkling-teach-test', text);
const back = Inkling.readTeachFile(localStorage.getItem('inkling-teach-test'), 'localStorage');
localStorage.removeItem('inkling-teach-test');
const again = Inkling.personalize(model, back.examples);
const same = probes.every((b, i) => again.predict(bytesInput(b)).digit === digits[i]);
return { ms, digits, shipped, same, stored: text.length, sha: back.modelSha256 === model.sha256 };
"""


def test_personalize_in_the_page_matches_swift_and_survives_local_storage(app):
    import base64
    with open(os.path.join(REPO, "weights", "golden.json"), encoding="utf-8") as f:
        teach = json.load(f)["teach"]
    examples = [{"label": e["label"], "bytes": list(base64.b64decode(e["input"]))} for e in teach["examples"]]
    probes = [list(base64.b64decode(p["input"])) for p in teach["probes"]]
    r = app.driver.execute_script(PERSONALIZE, examples, probes)
    want = [p["digit"] for p in teach["probes"]]
    assert r["digits"] == want, f"page digits {r['digits']} differ from Swift's golden {want}"
    assert r["digits"] != r["shipped"], "personalization changed nothing in the page"
    assert r["same"] and r["sha"], f"the teach file did not survive localStorage from file://: {r}"
    record(f"personalize in Chromium: {len(examples)} examples in {r['ms']:.0f} ms (cold; not a benchmark), "
           f"teach file {r['stored']} characters in localStorage")
