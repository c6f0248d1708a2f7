#!/usr/bin/env bash
# Retrain the model and regenerate everything made from it, in order:
#
#   inkling train     -> weights/model.json       the weights (format v1)
#   inkling evaluate  -> weights/evaluation.json  accuracy, confusion, misread digits (model card)
#   inkling golden    -> weights/golden.json      Swift reference values the JavaScript must match
#   drawn-evaluation.sh -> weights/drawn-evaluation.json  the page on our own drawn sets (model card),
#                                                 redone only when it is not of this model
#   inkling build     -> site/                    the page, the model card, the golden check
#
# Usage:
#   scripts/regenerate.sh                 retrain from scratch, then everything else
#   SKIP_TRAIN=1 scripts/regenerate.sh    keep weights/model.json; redo evaluation, golden, site
#
# Environment:
#   INKLING_DATA        the MNIST folder (default ../shared/mnist)
#   INKLING_TRAIN_ARGS  the training recipe; the default below must match the shipped
#                       model's recipe (the exact command is in weights/model.json,
#                       training.command, and on the model card)
#
# Then commit weights/ and site/ together: a test fails when site/ is stale.
set -euo pipefail
cd "$(dirname "$0")/.."

DATA="${INKLING_DATA:-../shared/mnist}"
TRAIN_ARGS="${INKLING_TRAIN_ARGS:---epochs 15 --seed 1 --threads 2}"

# Each step prints its wall-clock time on stderr, so the slow one is easy to spot.
step() { local t0=$SECONDS; "$@"; echo "# $(basename "$1") ${2:-}: $((SECONDS - t0)) s" >&2; }

step swift build -c release --product inkling
BIN="$(swift build -c release --show-bin-path)/inkling"

if [ -z "${SKIP_TRAIN:-}" ]; then
  # shellcheck disable=SC2086  # TRAIN_ARGS is a list of options
  step "$BIN" train --data "$DATA" $TRAIN_ARGS --out weights/model.json
fi
step "$BIN" evaluate --data "$DATA" --model weights/model.json --save weights/evaluation.json
step "$BIN" golden --data "$DATA" --model weights/model.json --out weights/golden.json
if ! python3 -c 'import hashlib, json, sys
m = hashlib.sha256(open("weights/model.json", "rb").read()).hexdigest()
sys.exit(json.load(open("weights/drawn-evaluation.json"))["model_sha256"] != m)' 2>/dev/null; then
  # Headless Chromium draws the browser tests' digits, numbers and sums (about 3 minutes).
  step bash scripts/drawn-evaluation.sh
fi
step "$BIN" build --model weights/model.json --evaluation weights/evaluation.json --golden weights/golden.json --out site
step "$BIN" golden --check --data "$DATA" --model weights/model.json --out weights/golden.json
echo "regenerated weights/model.json, weights/evaluation.json, weights/golden.json, weights/drawn-evaluation.json and site/ in $SECONDS s"
