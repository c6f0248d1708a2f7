"""Look inside: the panel beside the pad shows every layer of the model (counted from
weights/model.json, not written here), each map's filter weights on hover or tap (checked
against the model file's weights), keeps its canvases out of the accessibility tree except
as one labelled image, and draws only the rows on screen."""
import base64
import json
import os
import struct

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.actions.pointer_input import PointerInput

import browser
import handpaths
import tracing
from conftest import REPO, CleanCheck, site_file


@pytest.fixture(scope="module")
def model():
    """weights/model.json's layers, and its tensors decoded to Python floats."""
    with open(os.path.join(REPO, "weights", "model.json")) as f:
        m = json.load(f)
    tensors = {}
    for name, t in m["tensors"].items():
        raw = base64.b64decode(t["data"])
        code, size = ("e", 2) if t["dtype"] == "float16" else ("f", 4)
        tensors[name] = list(struct.unpack(f"<{len(raw) // size}{code}", raw))
    return m["layers"], tensors


def open_panel(app):
    app.click("#inside-toggle")
    app.wait_for(lambda: app.js("return document.querySelector('#app').dataset.inside === 'open';"), "the panel open")
    app.frames(2)


def draw_eight(app):
    _, _, w, h = app.pad_rect()
    app.draw(tracing.place(handpaths.glyph(8), w / 2, h / 2, 0.6 * min(w, h)))
    return app.settled_prediction()


def detail(app):
    return app.js("""
        const b = document.querySelector('#inside-detail');
        return { hidden: b.hidden, layer: b.dataset.layer, filter: b.dataset.filter, cls: b.dataset.cls,
                 grids: Array.from(b.querySelectorAll('.kernel')).map(k =>
                     Array.from(k.querySelectorAll('.cells span')).map(s => [s.textContent, Number(s.dataset.w)])) };""")


def check_weights(got, want, where):
    """Each cell shows its weight to two decimals and carries the exact value."""
    assert len(got) == len(want), f"{where}: expected {len(want)} weights, found {len(got)}"
    for i, ((text, exact), w) in enumerate(zip(got, want)):
        assert exact == w, f"{where}: weight {i}: expected {w} (model file), found {exact}"
        shown = float(text.replace("\u2212", "-"))
        assert abs(shown - w) <= 0.005 + 1e-9, f"{where}: weight {i}: expected {w:.2f} shown, found {text!r}"


def test_closed_panel_draws_nothing(app):
    """Closed (the default), the panel has no maps and the page computes none."""
    assert app.js("return document.querySelector('#inside-toggle').getAttribute('aria-expanded');") == "false"
    draw_eight(app)
    n = app.js("return document.querySelectorAll('#inside canvas, #inside .layer').length;")
    assert n == 0, f"expected no layer rows or maps while the panel is closed, found {n}"


def test_panel_shows_every_layer_of_the_model(app, model):
    layers, _ = model
    open_panel(app)
    draw_eight(app)
    rows = app.js("""
        return Array.from(document.querySelectorAll('#inside .layer')).map(r =>
            [r.dataset.layer, r.dataset.type, r.querySelectorAll('canvas').length, r.querySelector('h3').textContent]);""")
    assert [r[0] for r in rows] == [l["name"] for l in layers], \
        f"expected one row per layer of weights/model.json {[l['name'] for l in layers]}, found {[r[0] for r in rows]}"
    for (name, kind, canvases, title), layer in zip(rows, layers):
        assert kind == layer["type"], f"{name}: expected type {layer['type']}, found {kind}"
        shape = layer["output_shape"]
        want = shape[0] if len(shape) == 3 else 1 if layer["type"] == "dense" else 0
        assert canvases == want, f"{name}: expected {want} maps (output {shape}), found {canvases}"
    # Input and output sit in the same scrolling panel, before and after the layers.
    order = app.js("""
        const s = document.querySelector('#net-scroll');
        return ['#input-preview', '#inside', '#bars'].map(q => s.contains(document.querySelector(q)) &&
            document.querySelector(q).getBoundingClientRect().top);""")
    assert all(order) and order[0] < order[1] < order[2], f"expected input, layers and output in that order in the panel, found {order}"
    # The maps show the drawing: most conv1 maps are not blank.
    inked = app.js("""
        const row = document.querySelector('#inside .layer canvas').parentNode;
        return Array.from(row.querySelectorAll('canvas')).filter(c => {
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            for (let i = 4; i < d.length; i += 4) if (d[i] !== d[0] || d[i + 1] !== d[1] || d[i + 2] !== d[2]) return true;
            return false; }).length;""")
    first = layers[0]["output_shape"][0]
    assert inked >= first // 2, f"expected most of the first layer's {first} maps to show the drawn 8, found {inked} not blank"


@pytest.mark.parametrize("which", ["conv", "after conv"])
def test_hovering_a_map_shows_its_filter_weights(app, model, which):
    layers, tensors = model
    open_panel(app)
    draw_eight(app)
    for index, layer in enumerate(layers):
        conv = max((k for k in range(index + 1) if layers[k]["type"] == "conv2d"), default=None)
        if len(layer["output_shape"]) != 3 or conv is None or (layer["type"] == "conv2d") != (which == "conv"):
            continue
        c = layers[conv]
        ch = layer["output_shape"][0] - 1  # the last channel: an off-by-one shows the wrong filter
        target = app.el(f'#inside .layer[data-layer="{layer["name"]}"] canvas[data-ch="{ch}"]')
        app.js("arguments[0].scrollIntoView({block: 'center'});", target)
        ActionChains(app.driver, duration=0).move_to_element(target).perform()
        app.wait_for(lambda: not detail(app)["hidden"] and detail(app)["layer"] == c["name"] and detail(app)["filter"] == str(ch),
                     f"the weights of {c['name']} filter {ch} on hovering {layer['name']} map {ch}")
        got = detail(app)
        cin, k = c["in_channels"], c["kernel"]
        weights = tensors[c["weight"]]
        assert len(got["grids"]) == cin, f"{layer['name']}: expected {cin} input-channel grids, found {len(got['grids'])}"
        for i in range(cin):
            start = (ch * cin + i) * k * k
            check_weights(got["grids"][i], weights[start:start + k * k], f"{c['name']} filter {ch}, input {i}")


def test_hovering_the_dense_map_shows_class_weights(app, model):
    layers, tensors = model
    open_panel(app)
    draw_eight(app)
    index, dense = next((i, l) for i, l in enumerate(layers) if l["type"] == "dense")
    before = layers[index - 1]["input_shape"]  # the flatten's input [C, H, W]
    channels, size = before[0], before[1] * before[2]
    canvas = app.el(f'#inside .layer[data-layer="{dense["name"]}"] canvas')
    app.js("arguments[0].scrollIntoView({block: 'center'});", canvas)
    width, height = app.js("const r = arguments[0].getBoundingClientRect(); return [r.width, r.height];", canvas)
    classes = dense["out_features"]
    col, cls = channels - 2, 7
    x = (col + 0.5) * width / channels - width / 2
    y = (cls + 0.5) * height / classes - height / 2
    ActionChains(app.driver, duration=0).move_to_element_with_offset(canvas, int(x), int(y)).perform()
    app.wait_for(lambda: detail(app)["cls"] == str(cls) and detail(app)["filter"] == str(col),
                 f"the weights from channel {col} to class {cls}")
    start = cls * dense["in_features"] + col * size
    check_weights(detail(app)["grids"][0], tensors[dense["weight"]][start:start + size], f"dense class {cls}, channel {col}")


def test_a_tap_shows_the_weights_on_a_phone(model):
    layers, tensors = model
    url = browser.file_url(site_file("index.html"))
    driver = browser.make_driver(390, 844, mobile=True)
    try:
        check = CleanCheck(driver)
        app = browser.App(driver, url).open()
        open_panel(app)
        draw_eight(app)
        first = layers[0]
        target = app.el(f'#inside .layer[data-layer="{first["name"]}"] canvas[data-ch="1"]')
        app.js("arguments[0].scrollIntoView({block: 'center'});", target)
        x, y = app.js("const r = arguments[0].getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2];", target)
        finger = PointerInput(browser.POINTER_KINDS["touch"], "finger")
        tap = ActionBuilder(driver, mouse=finger, duration=0)
        finger.create_pointer_move(duration=0, x=int(x), y=int(y), origin="viewport")
        finger.create_pointer_down(button=0)
        finger.create_pointer_up(button=0)
        tap.perform()
        app.wait_for(lambda: not detail(app)["hidden"] and detail(app)["filter"] == "1", "the weights of filter 1 after a tap")
        k = first["kernel"]
        check_weights(detail(app)["grids"][0], tensors[first["weight"]][k * k:2 * k * k], f"{first['name']} filter 1 (tap)")
        check.verify(url)
    finally:
        driver.quit()


def test_feature_maps_are_one_labelled_image(app, driver, model):
    """In Chromium's accessibility tree the panel is one image with a label naming every
    layer; no feature-map canvas appears on its own."""
    layers, _ = model
    open_panel(app)
    draw_eight(app)
    label = app.js("const i = document.querySelector('#inside'); return [i.getAttribute('role'), i.getAttribute('aria-label')];")
    assert label[0] == "img" and all(l["name"] in label[1] for l in layers), f"expected #inside as one image naming every layer, found {label}"
    tree = driver.execute_cdp_cmd("Accessibility.getFullAXTree", {})["nodes"]
    images = [n for n in tree if not n.get("ignored") and n.get("role", {}).get("value") in ("image", "img", "canvas")]
    names = sorted(n.get("name", {}).get("value", "") for n in images)
    maps = app.js("return document.querySelectorAll('#inside canvas').length;")
    assert maps > 10 and len(images) <= 3, f"expected the {maps} maps hidden in one image (plus the pad and the preview), found {len(images)} images: {names}"
    assert all(names), f"expected every image in the accessibility tree to have a name, found {names}"


def test_beside_the_pad_at_1366x768_drawing_only_rows_on_screen(driver, index_url):
    """At 1366x768 the whole panel sits beside the pad, on screen with the answer, in every
    mode; rows scrolled out of it are not drawn until shown."""
    check = CleanCheck(driver)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 1366, "height": 768, "deviceScaleFactor": 1, "mobile": False})
    try:
        app = browser.App(driver, index_url).open()
        open_panel(app)
        for mode in ("number", "calc", "digit"):
            app.set_mode(mode)
            draw_eight(app)
            b = app.js("""
                const box = s => { const r = document.querySelector(s).getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
                return [box('#pad'), box('#net-scroll'), box('#status'), window.innerHeight];""")
            pad, panel, status, vh = b
            assert panel[0] >= pad[2] and panel[1] < pad[3] and panel[3] > pad[1], \
                f"{mode}: expected the panel {panel} beside the pad {pad}"
            assert pad[1] >= 0 and pad[3] <= vh and panel[1] >= 0 and panel[3] <= vh + 1 and status[1] >= 0, \
                f"{mode}: expected the pad {pad}, the panel {panel} and the answer {status} all within the {vh} px high viewport"
        app.js("document.querySelector('#net-scroll').scrollTop = 0;")
        app.frames(3)
        stale = lambda: app.js("return Array.from(document.querySelectorAll('#inside .layer')).map(r => r.dataset.stale);")
        app.clear()
        draw_eight(app)
        app.frames(3)
        first = stale()
        assert first[0] == "false" and "true" in first, f"expected the first row drawn and a row out of view not drawn, found {first}"
        app.js("document.querySelector('#net-scroll').scrollTop = 1e6;")
        app.wait_for(lambda: stale()[-1] == "false", "the last row drawn once scrolled into view")
        check.verify(index_url)
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
