#!/usr/bin/env python3
"""Writes the seed corpus under fuzz/corpus/<target>/ (committed; rerun only to change it).

Real-looking seeds, small: MNIST test digits (from ../shared/mnist or INKLING_MNIST) as IDX,
gzip IDX and mlxtend-style CSV lines; PNGs of every colour type; the shipped model and a few
tiny valid variants; golden files cut down from weights/golden.json; byte strings for the
structure-aware model generator.

    python3 fuzz/make-seeds.py [MNIST_DIR]
"""
import base64, gzip, json, os, random, struct, sys, zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MNIST = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("INKLING_MNIST", os.path.join(ROOT, "..", "shared", "mnist"))
OUT = os.path.join(ROOT, "fuzz", "corpus")


def write(target, name, data):
    os.makedirs(os.path.join(OUT, target), exist_ok=True)
    with open(os.path.join(OUT, target, name), "wb") as f:
        f.write(data)


def gz(data):  # fixed mtime: the corpus is byte-identical on every run
    return gzip.compress(data, mtime=0)


with gzip.open(os.path.join(MNIST, "t10k-images-idx3-ubyte.gz")) as f:
    images = f.read()
with gzip.open(os.path.join(MNIST, "t10k-labels-idx1-ubyte.gz")) as f:
    labels = f.read()
digits = [images[16 + 784 * i: 16 + 784 * (i + 1)] for i in range(4)]
digit_labels = list(labels[8:12])

# FuzzIDX
def idx_images(ds):
    return struct.pack(">IIII", 0x803, len(ds), 28, 28) + b"".join(ds)
def idx_labels(ls):
    return struct.pack(">II", 0x801, len(ls)) + bytes(ls)
write("FuzzIDX", "images-1.idx", idx_images(digits[:1]))
write("FuzzIDX", "images-2.idx.gz", gz(idx_images(digits[:2])))
write("FuzzIDX", "images-0.idx", idx_images([]))
write("FuzzIDX", "labels-4.idx", idx_labels(digit_labels))
write("FuzzIDX", "labels-4.idx.gz", gz(idx_labels(digit_labels)))
write("FuzzIDX", "two-members.gz", gz(idx_labels(digit_labels[:2])) + gz(b"\x05\x07"))
write("FuzzIDX", "images-2x3.idx", struct.pack(">IIII", 0x803, 1, 2, 3) + bytes(range(6)))

# FuzzSample: mlxtend CSV rows (784 pixels, then the label)
def csv_row(d, label):
    return (",".join(str(b) for b in d) + "," + str(label)).encode()
write("FuzzSample", "one-row.csv", csv_row(digits[0], digit_labels[0]) + b"\n")
write("FuzzSample", "three-rows.csv.gz", gz(b"\n".join(csv_row(d, l) for d, l in zip(digits[:3], digit_labels)) + b"\n"))
write("FuzzSample", "crlf-no-final-newline.csv", csv_row(digits[1], digit_labels[1]) + b"\r\n" + csv_row(digits[2], digit_labels[2]))

# FuzzPNG: every colour type, from one real digit (ink dark on white, like a scan)
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
def png(w, h, depth, ctype, rows, extra=b"", interlace=0):
    raw = b"".join(b"\x00" + r for r in rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, interlace))
            + extra + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
def adam7_rows(w, h, pixel):  # pixel(x, y) -> bytes; 8-bit or 16-bit samples
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
    out = b""
    for x0, y0, dx, dy in passes:
        xs = range(x0, w, dx)
        for y in range(y0, h, dy):
            if len(xs):
                out += b"\x00" + b"".join(pixel(x, y) for x in xs)
    return out
ink = [255 - b for b in digits[0]]  # dark ink on white paper
grey = [bytes(ink[28 * y: 28 * y + 28]) for y in range(28)]
write("FuzzPNG", "grey8.png", png(28, 28, 8, 0, grey))
write("FuzzPNG", "grey1.png", png(28, 28, 1, 0, [bytes(sum((1 if ink[28 * y + x + i] > 127 else 0) << (7 - i) for i in range(8) if x + i < 28) for x in range(0, 28, 8)) for y in range(28)]))
write("FuzzPNG", "grey16.png", png(28, 28, 16, 0, [b"".join(struct.pack(">H", v * 257) for v in r) for r in grey]))
write("FuzzPNG", "grey-alpha.png", png(28, 28, 8, 4, [bytes(v for p in r for v in (0, 255 - p)) for r in grey]))
write("FuzzPNG", "rgb.png", png(28, 28, 8, 2, [bytes(v for p in r for v in (p, p, 255)) for r in grey]))
write("FuzzPNG", "rgba.png", png(28, 28, 8, 6, [bytes(v for p in r for v in (20, 20, 120, 255 - p)) for r in grey]))
palette = b"".join(bytes((i * 17, i * 17, i * 17)) for i in range(16))
write("FuzzPNG", "palette4-trns.png", png(28, 28, 4, 3, [bytes((r[x] >> 4) << 4 | (r[x + 1] >> 4) for x in range(0, 28, 2)) for r in grey],
                                          extra=chunk(b"PLTE", palette) + chunk(b"tRNS", bytes([0] + [255] * 15))))
inter = adam7_rows(28, 28, lambda x, y: struct.pack(">H", ink[28 * y + x] * 257))
write("FuzzPNG", "grey16-interlaced.png",
      b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 28, 28, 16, 0, 0, 0, 1))
      + chunk(b"IDAT", zlib.compress(inter, 9)) + chunk(b"IEND", b""))
write("FuzzPNG", "gamma-rgb.png", png(28, 28, 8, 2, [bytes(v for p in r for v in (p, p, p)) for r in grey],
                                      extra=chunk(b"gAMA", struct.pack(">I", 100000))))

# FuzzModel: the shipped model and tiny valid ones (pool 28 -> 4x4, dense 16 -> 10)
with open(os.path.join(ROOT, "weights", "model.json"), "rb") as f:
    shipped = f.read()
write("FuzzModel", "shipped-model.json", shipped)
model = json.loads(shipped)
rng = random.Random(1)
def tensor(dims, dtype="float16"):
    n = 1
    for d in dims:
        n *= d
    fmt = "<%de" % n if dtype == "float16" else "<%df" % n
    return {"dtype": dtype, "shape": dims, "data": base64.b64encode(struct.pack(fmt, *[rng.uniform(-0.5, 0.5) for _ in range(n)])).decode()}
def small_model(layers, tensors):
    m = dict(model)
    m["layers"], m["tensors"] = layers, tensors
    m["training"] = dict(model["training"], history=[])
    return json.dumps(m, indent=1, sort_keys=True).encode()
tiny = [
    {"type": "maxpool2d", "name": "pool", "input_shape": [1, 28, 28], "output_shape": [1, 4, 4], "size": 7, "stride": 7},
    {"type": "flatten", "name": "flat", "input_shape": [1, 4, 4], "output_shape": [16]},
    {"type": "dense", "name": "fc", "input_shape": [16], "output_shape": [10], "in_features": 16, "out_features": 10,
     "weight": "fc.weight", "bias": "fc.bias"},
]
write("FuzzModel", "tiny-pool-dense.json", small_model(tiny, {"fc.weight": tensor([10, 16]), "fc.bias": tensor([10], "float32")}))
conv = [
    {"type": "conv2d", "name": "conv", "input_shape": [1, 28, 28], "output_shape": [2, 7, 7], "in_channels": 1,
     "out_channels": 2, "kernel": 3, "stride": 4, "padding": 1, "weight": "conv.weight", "bias": "conv.bias"},
    {"type": "relu", "name": "relu", "input_shape": [2, 7, 7], "output_shape": [2, 7, 7]},
    {"type": "maxpool2d", "name": "pool", "input_shape": [2, 7, 7], "output_shape": [2, 3, 3], "size": 2, "stride": 2},
    {"type": "flatten", "name": "flat", "input_shape": [2, 3, 3], "output_shape": [18]},
    {"type": "dense", "name": "fc", "input_shape": [18], "output_shape": [10], "in_features": 18, "out_features": 10,
     "weight": "fc.weight", "bias": "fc.bias"},
]
write("FuzzModel", "tiny-conv.json", small_model(conv, {"conv.weight": tensor([2, 1, 3, 3]), "conv.bias": tensor([2]),
                                                       "fc.weight": tensor([10, 18], "float32"), "fc.bias": tensor([10])}))
flat = [{"type": "flatten", "name": "flat", "input_shape": [1, 28, 28], "output_shape": [784]},
        {"type": "dense", "name": "fc", "input_shape": [784], "output_shape": [10], "in_features": 784, "out_features": 10,
         "weight": "w", "bias": "b"}]
write("FuzzModel", "linear.json", small_model(flat, {"w": tensor([10, 784]), "b": tensor([10])}))

# FuzzModelStructured: the generator reads choices from bytes; a few fixed strings
for i, seed in enumerate([b"", bytes(range(64)), bytes([7] * 40), bytes(rng.randrange(256) for _ in range(128))]):
    write("FuzzModelStructured", "bytes-%d" % i, seed)
write("FuzzModelStructured", "conv-pool-dense",
      bytes([1, 0, 9, 3, 3, 0, 3, 2, 1, 1, 8, 1, 1, 2, 2, 2, 3, 4, 40, 1, 4, 10, 0]))

# FuzzGolden: cut down from weights/golden.json
with open(os.path.join(ROOT, "weights", "golden.json"), "rb") as f:
    golden = json.loads(f.read())
byname = {c["name"]: c for c in golden["cases"]}
def golden_file(names, teach=None):
    g = dict(golden, cases=[byname[n] for n in names])
    g.pop("teach", None)
    if teach:
        g["teach"] = teach
    return json.dumps(g, indent=1).encode()
write("FuzzGolden", "one-mnist-case.json", golden_file(["mnist-test-0"]))
write("FuzzGolden", "preprocessed-and-synthetic.json", golden_file(["mnist-test-3-preprocessed", "touching-the-border-7"]))
write("FuzzGolden", "rgba.json", golden_file(["blank-transparent"]))
write("FuzzGolden", "blank-and-dot.json", golden_file(["blank-white", "single-dot"]))
teach = golden["teach"]
write("FuzzGolden", "teach-section.json", golden_file(["mnist-test-0"], {
    "examples": teach["examples"][:2], "probes": [p for p in teach["probes"] if p["name"].startswith("flagged-1")]}))

# FuzzTeach: teach files as Inkling.writeTeachFile writes them (JSON.stringify: one line),
# from the golden file's taught examples.
def teach_file(examples, sha=None):
    return (json.dumps({"format": "inkling-teach", "version": 1, "model_sha256": sha, "examples": examples},
                       separators=(",", ":")) + "\n").encode()
ex = teach["examples"]
write("FuzzTeach", "empty.json", teach_file([]))
write("FuzzTeach", "one-drawn-1.json", teach_file(ex[2:3], "0" * 64))
write("FuzzTeach", "three-styles.json", teach_file([ex[0], ex[4], ex[8]]))
write("FuzzTeach", "same-input-two-labels.json", teach_file([ex[0], dict(ex[0], label=7)]))
