#!/usr/bin/env bash
# Measures the page on our own drawn digits, numbers and sums, and writes the figures the
# model card shows: weights/drawn-evaluation.json, with the SHA-256 of weights/model.json.
#
# The drawn sets are browser tests (headless Chromium, real pointer events on the pad):
#   Tests/browser/test_drawing.py        traced MNIST digits (mouse, three placements), hand-designed digits (pen)
#   Tests/browser/test_screens.py        hand-designed digits drawn with a finger on an emulated phone
#   Tests/browser/test_numbers_drawn.py  numbers and sums in Number and Calculator modes
# Each set that runs is recorded (conftest.record_drawn) in artifacts/drawn-evaluation.json;
# this script copies it to weights/ only if every test passed and every set ran.
# The page is built from the committed weights into a temporary folder, without drawn
# figures (index.html does not depend on them), so a stale file never blocks the run.
# Run it after retraining (scripts/regenerate.sh does), then rebuild site/ and commit both.
set -euo pipefail
cd "$(dirname "$0")/.."

swift build -c release --product inkling
BIN="$(swift build -c release --show-bin-path)/inkling"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$BIN" build --model weights/model.json --evaluation weights/evaluation.json --golden weights/golden.json \
  --drawn-evaluation none --out "$tmp/site"

mkdir -p artifacts
rm -f artifacts/drawn-evaluation.json
INKLING_SITE="$tmp/site" python3 -m pytest -q Tests/browser/test_drawing.py Tests/browser/test_numbers_drawn.py \
  Tests/browser/test_screens.py::test_phone_touch_drawing_and_screenshot

python3 - <<'PY'
import hashlib, json, os, sys
src, dst, model = "artifacts/drawn-evaluation.json", "weights/drawn-evaluation.json", "weights/model.json"
try:
    d = json.load(open(src))
except (OSError, ValueError) as e:
    sys.exit(f"error: {src}: expected the drawn sets' results, found {e}")
sha = hashlib.sha256(open(model, "rb").read()).hexdigest()
kinds = {k: sum(1 for s in d["sets"] if s["kind"] == k) for k in ("digit", "number", "sum")}
problems = []
if not d.pop("tests_passed", False):
    problems.append("a failed test")
if d["model_sha256"] != sha:
    problems.append(f"figures of the model {d['model_sha256']}, not of {model} ({sha})")
if kinds != {"digit": 5, "number": 7, "sum": 10}:
    problems.append(f"sets {kinds}, expected digit 5, number 7, sum 10")
if problems:
    sys.exit(f"error: {src}: " + "; ".join(problems) + f"; {dst} left as it was")
with open(dst + ".tmp", "w") as f:
    json.dump(d, f, indent=1, ensure_ascii=False)
    f.write("\n")
os.replace(dst + ".tmp", dst)
for k in kinds:
    right = sum(s["right"] for s in d["sets"] if s["kind"] == k)
    total = sum(s["total"] for s in d["sets"] if s["kind"] == k)
    print(f"drawn {k}s: {right}/{total} ({100 * right / total:.1f}%)")
print(f"wrote {dst} for {model} (sha256 {sha[:12]}...)")
PY
