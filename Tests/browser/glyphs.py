"""Lay out glyphs (traced MNIST digits, hand-drawn digits and operators) on the pad,
side by side, as a person writes a number or a sum. Units: #pad CSS pixels."""
import handpaths
import tracing


def _unit_strokes(item):
    """item: ('hand', symbol) or ('traced', strokes in 28x28 units)."""
    kind, value = item
    return handpaths.glyph(value) if kind == "hand" else value


def layout(items, width, height, digit_frac=0.42, op_frac=0.22, gap_frac=0.16):
    """Strokes for all items written left to right across a width x height pad.
    Digits are digit_frac of the pad height tall, operators op_frac; glyphs are
    gap_frac of the height apart (wider than the page's pen, so ink never touches)."""
    dh, oh, gap = digit_frac * height, op_frac * height, gap_frac * height
    boxes = []
    for item in items:
        strokes = _unit_strokes(item)
        if item[0] == "hand" and item[1] in handpaths.OPERATORS:
            boxes.append(("op", strokes, oh))
        else:
            x0, y0, x1, y1 = tracing.bbox(strokes)
            boxes.append(("digit", strokes, max((x1 - x0) / max(y1 - y0, 1e-6) * dh, 0.08 * dh)))
    total = sum(w for _, _, w in boxes) + gap * (len(boxes) - 1)
    scale = min(1.0, 0.9 * width / total)
    x = (width - total * scale) / 2
    cy = height / 2
    out = []
    for kind, strokes, w in boxes:
        w *= scale
        if kind == "op":
            side = oh * scale
            out += [[(x + u * side, cy - side / 2 + v * side) for u, v in s] for s in strokes]
        else:
            out += tracing.place(strokes, x + w / 2, cy, dh * scale)
        x += w + gap * scale
    return out
