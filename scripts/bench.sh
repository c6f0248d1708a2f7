#!/bin/bash
# Inkling vs the refnet peers (../shared/bench/peers), measured in one sitting on this machine.
#   1. the peers' run_all.sh (PyTorch train/infer, ONNX Runtime, plain-JS refnet in node and Chromium)
#   2. .build/release/inkling bench --json --threads 2 (built with `swift build -c release` if missing)
#   3. scripts/bench-js.sh, if present (the shipped model's JS forward pass in node and Chromium)
#   4. a markdown table comparing the figures
# usage: scripts/bench.sh
#   env: PEERS (peers folder, default ../shared/bench/peers), DATA (MNIST folder, default ../shared/mnist),
#        THREADS (default 2), OUT (where the JSON outputs go, default a fresh temp dir)
# Peers setup first: bash ../shared/bench/peers/setup.sh (torch, onnxruntime, onnx, threadpoolctl, chromium).
# If the peers folder is read-only, it is copied to a temp dir and run from there.
# Exits non-zero if any step fails.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PEERS="${PEERS:-$ROOT/../shared/bench/peers}"
DATA="${DATA:-$ROOT/../shared/mnist}"
THREADS="${THREADS:-2}"
OUT="${OUT:-$(mktemp -d /tmp/inkling-bench.XXXXXX)}"
mkdir -p "$OUT"
FAIL=0
fail() { echo "FAILED: $*" >&2; FAIL=1; }

[ -d "$PEERS" ] || { echo "error: peers folder $PEERS not found" >&2; exit 1; }
PEERS="$(cd "$PEERS" && pwd)"
DATA="$(cd "$DATA" 2>/dev/null && pwd || echo "$DATA")"
echo "# inkling bench, $(date -Is), $(nproc) cores, OUT=$OUT"
echo "# load before start: $(cat /proc/loadavg)"

# --- 1. peers ---------------------------------------------------------------------------------
# Always run a copy: shared/ is read-only by intent, and the peers write results and artifacts.
RUNDIR="$OUT/peers"
rm -rf "$RUNDIR"; cp -r "$PEERS" "$RUNDIR" && chmod -R u+w "$RUNDIR" || { echo "error: cannot copy $PEERS" >&2; exit 1; }
PRES="$RUNDIR/results/$(date +%Y%m%d-%H%M%S)"
echo "## peers: $RUNDIR/run_all.sh $DATA $PRES"
T0=$(date +%s)
bash "$RUNDIR/run_all.sh" "$DATA" "$PRES" || fail "peers run_all.sh exited non-zero"
echo "# peers took $(( $(date +%s) - T0 )) s"
# run_all.sh does not stop on a failed step: check each step's rc and JSON.
if [ -f "$PRES/commands.txt" ]; then
  grep -q 'rc=[^0 ]' "$PRES/commands.txt" && fail "a peer step exited non-zero: $(grep 'rc=[^0 ]' "$PRES/commands.txt" | tr '\n' ' ')"
else
  fail "peers wrote no $PRES/commands.txt"
fi
[ -f "$PRES/summary.json" ] || fail "peers wrote no summary.json"

# --- 2. inkling (Swift) -----------------------------------------------------------------------
BIN="$ROOT/.build/release/inkling"
if [ ! -x "$BIN" ]; then
  echo "## building: swift build -c release"
  ( cd "$ROOT" && swift build -c release ) || { fail "swift build -c release"; }
fi
echo "## inkling: $BIN bench --json --threads $THREADS"
T0=$(date +%s)
if "$BIN" bench --json --threads "$THREADS" > "$OUT/inkling.json" 2> "$OUT/inkling.err"; then
  cat "$OUT/inkling.json"
else
  fail "inkling bench (rc=$?): $(tail -3 "$OUT/inkling.err")"
fi
echo "# inkling bench took $(( $(date +%s) - T0 )) s"

# --- 3. JS latency ----------------------------------------------------------------------------
if [ -f "$ROOT/scripts/bench-js.sh" ]; then
  echo "## js: scripts/bench-js.sh"
  T0=$(date +%s)
  if bash "$ROOT/scripts/bench-js.sh" > "$OUT/js.txt" 2> "$OUT/js.err"; then
    grep -v '^{' "$OUT/js.txt"
  else
    fail "bench-js.sh (rc=$?): $(tail -3 "$OUT/js.err")"
  fi
  echo "# bench-js took $(( $(date +%s) - T0 )) s"
else
  echo "# scripts/bench-js.sh not found: no JS row"
  : > "$OUT/js.txt"
fi
echo "# load after: $(cat /proc/loadavg)"

# --- 4. table ---------------------------------------------------------------------------------
python3 - "$PRES/summary.json" "$OUT/inkling.json" "$OUT/js.txt" "$THREADS" <<'PY' || fail "table"
import json, sys

def load_json(p):
    try:
        return json.load(open(p))
    except Exception:
        try:
            lines = [l for l in open(p).read().splitlines() if l.strip().startswith("{")]
            return json.loads(lines[-1]) if lines else {}
        except Exception:
            return {}

def g(r, path):
    for k in path.split("."):
        if not isinstance(r, dict):
            return None
        r = r.get(k)
    return r

P = load_json(sys.argv[1])
I = load_json(sys.argv[2])
threads = sys.argv[4]
JS = {}
try:
    for l in open(sys.argv[3]).read().splitlines():
        if l.strip().startswith("{"):
            r = json.loads(l)
            JS["chromium" if str(r.get("runtime", "")).startswith("chromium") else "node"] = r
except Exception:
    pass

def fmt(v, unit=""):
    if v is None:
        return "n/a"
    return ("%.0f" % v if abs(v) >= 100 else "%.1f" % v) + unit

def ratio(a, b):
    return "%.2fx" % (a / b) if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b else "n/a"

rows = []
def row(figure, ink, peer_name, peer, r):
    rows.append((figure, ink, peer_name, peer, r))

it, tt = I.get("refnet_train_images_per_s"), g(P, "torch.train_images_per_s")
row("refnet train images/s", fmt(it), "PyTorch %s, %s thr" % (g(P, "torch.torch_version"), g(P, "torch.threads")), fmt(tt), ratio(it, tt))
ii, oi = I.get("refnet_infer_images_per_s"), g(P, "onnx.inference.batch1000_images_per_s")
row("refnet infer images/s (batch 1000)", fmt(ii), "ORT %s batch-1000, 2 thr" % g(P, "onnx.onnxruntime_version"), fmt(oi), ratio(ii, oi))
ti = g(P, "torch.inference.batch1000_images_per_s")
row("refnet infer images/s (batch 1000)", fmt(ii), "PyTorch batch-1000, 2 thr", fmt(ti), ratio(ii, ti))
row("model train images/s", fmt(I.get("model_train_images_per_s")), "-", "-", "-")
row("model infer images/s (batch 1000)", fmt(I.get("model_infer_images_per_s")), "-", "-", "-")
for rt in ("node", "chromium"):
    j = JS.get(rt)
    m = g(j, "model.block_median_us") if j else None
    peer = g(P, "%s.latency_block_median_us" % rt)
    # ratio < 1: the model is faster than the peers' refnet.js
    row("JS %s latency us/digit (block median)" % rt, fmt(m), "peers' refnet.js (run_all, trained weights)", fmt(peer), ratio(m, peer))
    same = g(j, "refnet.block_median_us") if j else None
    row("JS %s latency us/digit (block median)" % rt, fmt(m), "refnet.js in bench-js harness (random weights)", fmt(same), ratio(m, same))

print()
print("Inkling: %s thread(s), median of %s runs, %s train / %s infer images, data %s. Peers: one run_all.sh, data %s."
      % (I.get("threads"), I.get("repeats"), I.get("train_images"), I.get("infer_images"), I.get("data"), g(P, "torch.train_source")))
print("Ratios are Inkling / peer (throughput: >1 = Inkling faster; JS latency: <1 = Inkling faster).\n")
print("| figure | Inkling | peer | peer figure | ratio |\n|---|---|---|---|---|")
for r in rows:
    print("| %s |" % " | ".join(str(x) for x in r))
print()
print("raw: inkling=" + json.dumps(I))
print("raw: peers torch train_images_per_s=%s epoch_seconds=%s; torch b1000 2thr=%s 1thr=%s; ORT b1000 2thr=%s 1thr=%s; ORT b1 2thr us=%s; node refnet block us=%s; chromium refnet block us=%s"
      % (tt, g(P, "torch.epoch_seconds"), ti, g(P, "torch.inference_1thread.batch1000_images_per_s"), oi,
         g(P, "onnx.inference_1thread.batch1000_images_per_s"), g(P, "onnx.inference.latency_b1_median_us"),
         g(P, "node.latency_block_median_us"), g(P, "chromium.latency_block_median_us")))
for rt, j in JS.items():
    print("raw: js %s model block/single us=%s/%s refnet block us=%s preprocess_280 block us=%s"
          % (j.get("runtime"), g(j, "model.block_median_us"), g(j, "model.median_us"), g(j, "refnet.block_median_us"), g(j, "preprocess_280.block_median_us")))
missing = [n for n, v in (("inkling refnet train", it), ("torch train", tt), ("inkling refnet infer", ii), ("ORT b1000", oi)) if v is None]
if missing:
    print("missing figures: " + ", ".join(missing), file=sys.stderr)
    sys.exit(1)
PY

echo "# outputs: $OUT (peers results: $PRES)"
[ "$FAIL" = 0 ] || { echo "bench.sh: at least one step failed" >&2; exit 1; }
