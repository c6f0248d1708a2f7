#!/usr/bin/env bash
# The main job: install the system libraries, build inkling, and render site/ from the
# committed weights (no training, no dataset needed). Then open site/index.html.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --product inkling
BIN="$(swift build -c release --show-bin-path)/inkling"
"$BIN" info --model weights/model.json
"$BIN" build --model weights/model.json --evaluation weights/evaluation.json --golden weights/golden.json --out site
echo "open site/index.html"
