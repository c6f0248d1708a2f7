"""Turn a 28x28 MNIST digit into pen strokes a person could have drawn.

Pipeline (all pure Python, no numpy):
  grey 28x28 --bilinear x SCALE--> grey S x S --threshold--> binary
  --Zhang-Suen thinning--> 1-pixel skeleton --prune short spurs-->
  --walk edges into polylines (straightest continuation at junctions)-->
  --Ramer-Douglas-Peucker--> strokes in 28x28 coordinates (floats).

A stroke is a list of (x, y) points; a drawing is a list of strokes.
`place` maps a drawing onto a box of the canvas; `rasterize` draws strokes back
into a 28x28 grid so tests can check the tracing kept the digit's shape.
"""
import math

SCALE = 4  # trace at 112x112: smoother skeletons than at 28x28


def upscale(pixels, w, h, k):
    """Bilinear upscale of a w*h grey image (list) by integer factor k."""
    W, H = w * k, h * k
    out = [0] * (W * H)
    for Y in range(H):
        sy = min(max((Y + 0.5) / k - 0.5, 0.0), h - 1.0)
        y0 = int(sy)
        y1 = min(y0 + 1, h - 1)
        fy = sy - y0
        for X in range(W):
            sx = min(max((X + 0.5) / k - 0.5, 0.0), w - 1.0)
            x0 = int(sx)
            x1 = min(x0 + 1, w - 1)
            fx = sx - x0
            top = pixels[y0 * w + x0] * (1 - fx) + pixels[y0 * w + x1] * fx
            bot = pixels[y1 * w + x0] * (1 - fx) + pixels[y1 * w + x1] * fx
            out[Y * W + X] = top * (1 - fy) + bot * fy
    return out


def zhang_suen(binary, w, h):
    """Zhang & Suen (1984) thinning of a w*h 0/1 image; returns a new list."""
    img = list(binary)
    # Clear the border so every neighbourhood lookup stays in range.
    for x in range(w):
        img[x] = img[(h - 1) * w + x] = 0
    for y in range(h):
        img[y * w] = img[y * w + w - 1] = 0
    on = {i for i, v in enumerate(img) if v}
    changed = True
    while changed:
        changed = False
        for step in (0, 1):
            remove = []
            for i in on:
                # Neighbours P2..P9 clockwise from north.
                p = (img[i - w], img[i - w + 1], img[i + 1], img[i + w + 1],
                     img[i + w], img[i + w - 1], img[i - 1], img[i - w - 1])
                b = sum(p)
                if b < 2 or b > 6:
                    continue
                a = sum(1 for j in range(8) if p[j] == 0 and p[(j + 1) % 8] == 1)
                if a != 1:
                    continue
                if step == 0:
                    if p[0] * p[2] * p[4] or p[2] * p[4] * p[6]:
                        continue
                else:
                    if p[0] * p[2] * p[6] or p[0] * p[4] * p[6]:
                        continue
                remove.append(i)
            for i in remove:
                img[i] = 0
                on.discard(i)
            changed = changed or bool(remove)
    return img


def _graph(skel, w, h):
    """8-connected pixel graph, minus diagonal edges that short-cut a 4-connected corner."""
    on = {(i % w, i // w) for i, v in enumerate(skel) if v}
    adj = {p: set() for p in on}
    for (x, y) in on:
        for dx, dy in ((1, 0), (0, 1), (-1, 0), (0, -1)):
            q = (x + dx, y + dy)
            if q in on:
                adj[(x, y)].add(q)
        for dx, dy in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
            q = (x + dx, y + dy)
            if q in on and (x + dx, y) not in on and (x, y + dy) not in on:
                adj[(x, y)].add(q)
    return adj


def _prune(adj, min_len):
    """Remove spurs: branches from an endpoint to a junction shorter than min_len pixels."""
    for _ in range(2):
        ends = [p for p, n in adj.items() if len(n) == 1]
        for e in ends:
            if e not in adj or len(adj[e]) != 1:
                continue
            path, prev, cur = [e], None, e
            while len(adj[cur]) == 2 or cur == e:
                nxt = [q for q in adj[cur] if q != prev]
                if not nxt:
                    break
                prev, cur = cur, nxt[0]
                if len(adj[cur]) != 2:
                    break
                path.append(cur)
            if len(adj.get(cur, ())) >= 3 and len(path) < min_len:
                for p in path:
                    for q in adj.pop(p):
                        if q in adj:
                            adj[q].discard(p)
    return adj


def _walk(adj):
    """Cover every edge once with as few, as straight polylines as possible."""
    used = set()

    def key(a, b):
        return (a, b) if a < b else (b, a)

    def free(p):
        return [q for q in adj[p] if key(p, q) not in used]

    strokes = []
    # Endpoints first (strokes start at pen-down tips), then junctions, then loops.
    order = sorted(adj, key=lambda p: (len(adj[p]) != 1, len(adj[p]) < 3, p[1], p[0]))
    for start in order:
        while free(start):
            line = [start]
            prev, cur = None, start
            while True:
                options = free(cur)
                if not options:
                    break
                if prev is None:
                    nxt = min(options)
                else:
                    # Straightest continuation: compare against the direction of the last few pixels.
                    back = line[-4] if len(line) >= 4 else line[0]
                    dx, dy = cur[0] - back[0], cur[1] - back[1]
                    nxt = max(options, key=lambda q: (_cos(dx, dy, q[0] - cur[0], q[1] - cur[1]), q))
                used.add(key(cur, nxt))
                line.append(nxt)
                prev, cur = cur, nxt
            strokes.append(line)
    return strokes


def _cos(ax, ay, bx, by):
    na, nb = math.hypot(ax, ay), math.hypot(bx, by)
    return (ax * bx + ay * by) / (na * nb) if na and nb else 0.0


def rdp(points, eps):
    """Ramer-Douglas-Peucker simplification of a polyline."""
    if len(points) < 3:
        return list(points)
    (x0, y0), (x1, y1) = points[0], points[-1]
    dx, dy = x1 - x0, y1 - y0
    norm = math.hypot(dx, dy)
    best, index = -1.0, 0
    for i in range(1, len(points) - 1):
        px, py = points[i]
        d = abs(dy * (px - x0) - dx * (py - y0)) / norm if norm else math.hypot(px - x0, py - y0)
        if d > best:
            best, index = d, i
    if best <= eps:
        return [points[0], points[-1]]
    return rdp(points[:index + 1], eps)[:-1] + rdp(points[index:], eps)


def length(stroke):
    return sum(math.dist(stroke[i], stroke[i + 1]) for i in range(len(stroke) - 1))


def trace(pixels, threshold=96):
    """28x28 grey digit (255 = ink) -> strokes in 28x28 coordinates."""
    k = SCALE
    big = upscale(pixels, 28, 28, k)
    binary = [1 if v >= threshold else 0 for v in big]
    skel = zhang_suen(binary, 28 * k, 28 * k)
    adj = _prune(_graph(skel, 28 * k, 28 * k), min_len=3 * k)
    strokes = []
    for line in _walk(adj):
        pts = [((x + 0.5) / k, (y + 0.5) / k) for x, y in line]
        pts = rdp(pts, 0.25)
        strokes.append(pts)
    # Drop specks a pen would not make, but never the whole digit.
    longest = max((length(s) for s in strokes), default=0)
    kept = [s for s in strokes if length(s) >= 1.5 or length(s) == longest]
    if not kept:
        raise ValueError("trace: expected ink in the 28x28 digit, found none above threshold")
    return kept


def bbox(strokes):
    xs = [x for s in strokes for x, _ in s]
    ys = [y for s in strokes for _, y in s]
    return min(xs), min(ys), max(xs), max(ys)


def place(strokes, cx, cy, height, max_width=None):
    """Scale strokes so their bounding box is `height` tall (aspect kept, width capped
    at max_width) and centred on (cx, cy). Units are the caller's (CSS pixels)."""
    x0, y0, x1, y1 = bbox(strokes)
    w, h = max(x1 - x0, 1e-6), max(y1 - y0, 1e-6)
    s = height / h
    if max_width is not None and w * s > max_width:
        s = max_width / w
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    return [[(cx + (x - mx) * s, cy + (y - my) * s) for x, y in st] for st in strokes]


def resample(stroke, step):
    """Points every `step` units along the stroke, like a pointer sampled while moving."""
    if len(stroke) < 2:
        return list(stroke)
    out = [stroke[0]]
    carry = 0.0
    for (ax, ay), (bx, by) in zip(stroke, stroke[1:]):
        seg = math.hypot(bx - ax, by - ay)
        t = step - carry
        while t <= seg:
            out.append((ax + (bx - ax) * t / seg, ay + (by - ay) * t / seg))
            t += step
        carry = seg - (t - step)
    if out[-1] != stroke[-1]:
        out.append(stroke[-1])
    return out


def rasterize(strokes, radius=1.0, size=28):
    """Binary size x size raster of the strokes drawn with a round pen of `radius`."""
    img = [0] * (size * size)
    for st in strokes:
        pts = resample(st, 0.25) if len(st) > 1 else st
        for x, y in pts:
            for yy in range(max(0, int(y - radius - 1)), min(size, int(y + radius + 2))):
                for xx in range(max(0, int(x - radius - 1)), min(size, int(x + radius + 2))):
                    if math.hypot(xx + 0.5 - x, yy + 0.5 - y) <= radius:
                        img[yy * size + xx] = 1
    return img
