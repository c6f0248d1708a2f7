"""Numbers and sums as people write them, for the Number and Calculator modes: digits
(hand-drawn or traced MNIST) and operators (+ - x / * ÷ =, short and long minus, steep
slash) laid out left to right with a chosen spacing (negative = overlapping), size and
slant. Units: #pad CSS pixels. The page is then driven with real pointer input."""
import math

import handpaths
import tracing

# Operators in a unit box (x right, y down), drawn in the order a person would.
OPERATORS = {
    "+": [[(0.0, 0.5), (1.0, 0.5)], [(0.5, 0.0), (0.5, 1.0)]],
    "-": [[(0.0, 0.5), (1.0, 0.5)]],
    "x": [[(0.0, 0.0), (1.0, 1.0)], [(1.0, 0.0), (0.0, 1.0)]],
    "*": [[(0.5, 0.0), (0.5, 1.0)], [(0.07, 0.25), (0.93, 0.75)], [(0.93, 0.25), (0.07, 0.75)]],
    "÷": [[(0.0, 0.5), (1.0, 0.5)], [(0.5, 0.12), (0.52, 0.12)], [(0.5, 0.88), (0.52, 0.88)]],
    "=": [[(0.0, 0.32), (1.0, 0.32)], [(0.0, 0.68), (1.0, 0.68)]],
}


def slash(angle):
    """A slash at `angle` degrees from horizontal (rising to the right) in a unit-tall box."""
    dx = 1.0 / math.tan(math.radians(angle))
    return [[(0.5 + dx / 2, 0.0), (0.5 - dx / 2, 1.0)]]


def digit_strokes(item, digits=None):
    """Strokes of a digit in a box 1 unit tall: ('hand', d) or ('mnist', pixels)."""
    kind, value = item
    strokes = handpaths.glyph(value) if kind == "hand" else tracing.trace(value)
    x0, y0, x1, y1 = tracing.bbox(strokes)
    s = 1.0 / max(y1 - y0, 1e-6)
    return [[((x - x0) * s, (y - y0) * s) for x, y in st] for st in strokes]


def layout(items, width, height, size=0.45, gap=0.05, slant=0.0, op_size=0.5, minus_len=0.5, slash_angle=60):
    """Strokes for items written left to right, centred on the pad.
    items: ('hand', d) | ('mnist', pixels) | ('op', symbol). size: digit height as a
    fraction of the pad height; gap: space between glyph boxes as a fraction of the digit
    height (negative: overlapping); slant: italic lean in degrees; op_size: operator box
    relative to the digit height; minus_len: a minus's length relative to the digit height."""
    dh = size * height
    glyphs = []
    for item in items:
        if item[0] == "op":
            sym = item[1]
            if sym == "/":
                strokes = slash(slash_angle)
                strokes = [[(x * op_size * 1.6 * dh, (y - 0.5) * op_size * 1.6 * dh) for x, y in st] for st in strokes]
            elif sym == "-":
                strokes = [[(0.0, 0.0), (minus_len * dh, 0.0)]]
            else:
                strokes = [[(x * op_size * dh, (y - 0.5) * op_size * dh) for x, y in st] for st in OPERATORS[sym]]
        else:
            strokes = [[(x * dh, (y - 0.5) * dh) for x, y in st] for st in digit_strokes(item)]
        xs = [x for st in strokes for x, _ in st]
        glyphs.append((strokes, min(xs), max(xs)))
    total = sum(x1 - x0 for _, x0, x1 in glyphs) + gap * dh * (len(glyphs) - 1)
    scale = min(1.0, 0.9 * width / max(total, 1e-6))
    x = (width - total * scale) / 2
    cy = height / 2
    shear = math.tan(math.radians(slant))
    out = []
    for strokes, x0, x1 in glyphs:
        for st in strokes:
            out.append([(x + (px - x0 - py * shear) * scale, cy + py * scale) for px, py in st])
        x += (x1 - x0 + gap * dh) * scale
    return out
