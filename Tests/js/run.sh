#!/bin/bash
# Runs the JavaScript tests (node --test Tests/js/). First writes Swift's digit for every MNIST
# test image, which agreement.test.js compares with the JavaScript's:
#   inkling golden --test-digits artifacts/swift-test-digits.json [--data DIR]
# then the parity tests on the site's inlined code (INKLING_JS_FROM=site), then a short fuzz run of inkling.js (Tests/js/fuzz.js; INKLING_FUZZ_SECONDS, default 10).
# INKLING_BIN: the inkling binary (default: the release build; learn.test.js runs `inkling info` on
# a model exported by learn.js); INKLING_DATA: MNIST folder.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN="${INKLING_BIN:-$(swift build -c release --show-bin-path)/inkling}"
[ -x "$BIN" ] || { echo "error: $BIN: not built; run swift build -c release" >&2; exit 1; }
mkdir -p artifacts
"$BIN" golden --test-digits artifacts/swift-test-digits.json ${INKLING_DATA:+--data "$INKLING_DATA"}
INKLING_BIN="$BIN" INKLING_SWIFT_DIGITS=artifacts/swift-test-digits.json node --test Tests/js/
# The parity tests again on the code the committed site inlines (comments stripped by the build;
# CommittedSiteTests holds site/ to a fresh build).
INKLING_JS_FROM=site INKLING_BIN="$BIN" INKLING_SWIFT_DIGITS=artifacts/swift-test-digits.json \
  node --test Tests/js/golden.test.js Tests/js/numbers-golden.test.js Tests/js/learn-golden.test.js Tests/js/teach.test.js
node Tests/js/fuzz.js "${INKLING_FUZZ_SECONDS:-10}" --seed "${INKLING_FUZZ_SEED:-1}" --quiet
