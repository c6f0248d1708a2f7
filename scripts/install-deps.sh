#!/usr/bin/env bash
# Installs what Inkling needs on a fresh Debian machine (run as root): the system libraries
# the Swift package links (OpenBLAS, libpng, zlib), node for the JavaScript tests, Chromium
# and its driver for the browser tests, and the Python test tools. Idempotent and quiet.
set -euo pipefail
need=()
for pkg in pkg-config libopenblas-dev libpng-dev zlib1g-dev chromium chromium-driver; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
command -v node >/dev/null 2>&1 || need+=(nodejs)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
python3 -c 'import selenium, pytest' 2>/dev/null || python3 -m pip install -q selenium pytest
