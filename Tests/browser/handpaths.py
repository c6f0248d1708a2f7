"""Hand-designed pen strokes for the digits 0-9 and the operators + - x /.

Each glyph is a list of strokes; each stroke is a list of control points in a box
1 unit tall (x grows right, y grows down), drawn in the order a person would.
Strokes are smoothed with Catmull-Rom splines so the pointer moves along curves,
not polygons. Use tracing.place() to put them on the canvas.
"""

# Control points (x, y), y in [0, 1]. Digits are about 0.6 wide.
DIGITS = {
    0: [[(0.30, 0.00), (0.08, 0.12), (0.00, 0.50), (0.08, 0.88), (0.30, 1.00),
         (0.52, 0.88), (0.60, 0.50), (0.52, 0.12), (0.30, 0.00), (0.24, 0.03)]],
    1: [[(0.32, 0.00), (0.30, 0.50), (0.28, 1.00)]],
    2: [[(0.04, 0.22), (0.14, 0.05), (0.32, 0.00), (0.52, 0.08), (0.56, 0.28),
         (0.42, 0.52), (0.20, 0.76), (0.02, 1.00)], [(0.02, 1.00), (0.62, 1.00)]],
    3: [[(0.04, 0.10), (0.28, 0.00), (0.52, 0.10), (0.54, 0.30), (0.26, 0.47),
         (0.52, 0.58), (0.60, 0.78), (0.48, 0.96), (0.24, 1.00), (0.02, 0.90)]],
    4: [[(0.14, 0.00), (0.04, 0.42), (0.02, 0.62), (0.62, 0.62)],
        [(0.48, 0.00), (0.48, 0.50), (0.47, 1.00)]],
    5: [[(0.12, 0.00), (0.08, 0.46), (0.30, 0.40), (0.54, 0.52), (0.60, 0.74),
         (0.48, 0.94), (0.26, 1.00), (0.02, 0.90)], [(0.12, 0.00), (0.62, 0.00)]],
    6: [[(0.50, 0.00), (0.24, 0.18), (0.06, 0.50), (0.06, 0.80), (0.26, 1.00),
         (0.50, 0.92), (0.58, 0.72), (0.44, 0.54), (0.20, 0.56), (0.06, 0.74)]],
    7: [[(0.00, 0.02), (0.62, 0.00), (0.40, 0.45), (0.22, 1.00)]],
    8: [[(0.52, 0.10), (0.30, 0.00), (0.08, 0.10), (0.10, 0.32), (0.30, 0.48),
         (0.54, 0.64), (0.58, 0.84), (0.30, 1.00), (0.04, 0.86), (0.08, 0.64),
         (0.30, 0.48), (0.50, 0.32), (0.52, 0.10)]],
    9: [[(0.56, 0.14), (0.30, 0.00), (0.08, 0.14), (0.08, 0.36), (0.30, 0.48),
         (0.54, 0.36), (0.56, 0.14), (0.55, 0.60), (0.52, 1.00)]],
}

# Operators sit in a box about half a digit tall (see operator_box in the tests).
OPERATORS = {
    "+": [[(0.00, 0.50), (1.00, 0.50)], [(0.50, 0.00), (0.50, 1.00)]],
    "-": [[(0.00, 0.50), (1.00, 0.50)]],
    "x": [[(0.00, 0.00), (1.00, 1.00)], [(1.00, 0.00), (0.00, 1.00)]],
    "/": [[(0.75, 0.00), (0.25, 1.00)]],
}


def catmull_rom(points, samples=8):
    """Smooth curve through the control points (uniform Catmull-Rom)."""
    if len(points) < 3:
        return list(points)
    pts = [points[0]] + list(points) + [points[-1]]
    out = []
    for i in range(1, len(pts) - 2):
        p0, p1, p2, p3 = pts[i - 1], pts[i], pts[i + 1], pts[i + 2]
        for s in range(samples):
            t = s / samples
            t2, t3 = t * t, t * t * t
            out.append(tuple(
                0.5 * (2 * p1[k] + (-p0[k] + p2[k]) * t + (2 * p0[k] - 5 * p1[k] + 4 * p2[k] - p3[k]) * t2
                       + (-p0[k] + 3 * p1[k] - 3 * p2[k] + p3[k]) * t3) for k in (0, 1)))
    out.append(points[-1])
    return out


def glyph(symbol):
    """Smoothed strokes of a digit (int or '0'..'9') or an operator ('+', '-', 'x', '/')."""
    if isinstance(symbol, str) and symbol.isdigit():
        symbol = int(symbol)
    raw = DIGITS.get(symbol) if isinstance(symbol, int) else OPERATORS.get(symbol)
    if raw is None:
        raise KeyError(f"handpaths: expected a digit 0-9 or one of + - x /, found {symbol!r}")
    return [catmull_rom(s) if len(s) > 2 else list(s) for s in raw]
