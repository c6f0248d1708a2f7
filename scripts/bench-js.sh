#!/bin/bash
# JS latency benchmark (issue 3, section 6): the shipped model's forward pass, the peers'
# plain-JS refnet (../shared/bench/peers/refnet.js, random weights) and preprocessing of a
# 280x280 canvas drawing, in node and in headless Chromium from file:// (RUNS runs, fresh
# profile each; the run with the median block figure is reported).
# usage: scripts/bench-js.sh [RUNS]      env: MODEL (weights/model.json), REFNET (peers' refnet.js)
# Prints JSON lines ({"runtime": "node ..."}, {"runtime": "chromium ..."}) and readable lines.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RUNS="${1:-3}"
MODEL="${MODEL:-$ROOT/weights/model.json}"
REFNET="${REFNET:-$ROOT/../shared/bench/peers/refnet.js}"
OUT="$ROOT/artifacts/bench-js"
[ -f "$MODEL" ] || { echo "error: $MODEL: missing model file" >&2; exit 1; }

node "$ROOT/bench/js/bench-node.js" "$MODEL" "$REFNET"

CHROME="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
[ -n "$CHROME" ] || { echo "error: chromium not installed (apt-get install -y chromium)" >&2; exit 1; }
rm -rf "$OUT" && mkdir -p "$OUT"
cp "$ROOT/bench/js/bench.html" "$ROOT/bench/js/bench-core.js" "$ROOT/templates/assets/inkling.js" "$OUT/"
[ -f "$REFNET" ] && cp "$REFNET" "$OUT/refnet.js"
{ printf 'var INKLING_BENCH_MODEL = '; cat "$MODEL"; printf ';\n'; } > "$OUT/bench-data.js"
PROFILES="$(mktemp -d)"
trap 'rm -rf "$PROFILES"' EXIT
for i in $(seq 1 "$RUNS"); do
  DOM="$(timeout 300 "$CHROME" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
        --user-data-dir="$PROFILES/p$i" --no-first-run --disable-renderer-backgrounding \
        --disable-background-timer-throttling --disable-backgrounding-occluded-windows \
        --dump-dom "file://$OUT/bench.html" 2>"$PROFILES/stderr$i" || true)"
  LINE="$(printf '%s' "$DOM" | grep -o 'RESULT {.*}' | head -1 | sed 's/^RESULT //' || true)"
  if [ -z "$LINE" ]; then
    echo "error: chromium run $i gave no result: $(printf '%s' "$DOM" | grep -o 'ERROR.*' | head -1) $(tail -3 "$PROFILES/stderr$i")" >&2
    exit 1
  fi
  printf '%s\n' "$LINE" >> "$PROFILES/results"
done
node -e '
const fs = require("fs"), Bench = require(process.argv[2]);
const rs = fs.readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
rs.sort((a, b) => a.model.block_median_us - b.model.block_median_us);
const r = rs[rs.length >> 1];
r.runs = rs.map((x) => ({ model_block_us: x.model.block_median_us, refnet_block_us: x.refnet ? x.refnet.block_median_us : null, preprocess_block_us: x.preprocess_280.block_median_us }));
console.log(JSON.stringify(r));
console.log(Bench.line(r));
' "$PROFILES/results" "$ROOT/bench/js/bench-core.js"
