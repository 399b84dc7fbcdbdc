#!/bin/sh
# The browser test: builds web/dist if it is missing (or with --build), serves it on 127.0.0.1,
# loads it in headless Chromium (WebGL 2 through SwiftShader), waits for the first frame,
# presses ] S Right Right Right Tab, and checks that the screenshots are real pictures the keys
# changed, with no error in the page. Reports the .wasm's size (raw and gzipped, the download)
# and the time from navigation to the first drawn frame. Writes web/test-screenshot.png. Exits
# non-zero on failure.
# Needs: apt-get install chromium python3-websocket
set -eu
web="$(cd "$(dirname "$0")" && pwd)"
if [ "${1:-}" = "--build" ] || [ ! -f "$web/dist/plainsight_bg.wasm" ]; then
    "$web/build.sh"
fi
wasm="$web/dist/plainsight_bg.wasm"
raw=$(wc -c < "$wasm")
gz=$(gzip -6 -c "$wasm" | wc -c)
awk -v r="$raw" -v g="$gz" 'BEGIN { printf "plainsight_bg.wasm: %.1f MB raw, %.1f MB gzipped (gzip -6)\n", r / 1e6, g / 1e6 }'
# Debian's python3-websocket is for Debian's python3, which may not be the first on PATH.
py=
for p in python3 /usr/bin/python3; do
    if "$p" -c 'import websocket' 2>/dev/null; then py=$p; break; fi
done
if [ -z "$py" ]; then
    echo "FAIL: no python3 with the websocket module (apt-get install python3-websocket)" >&2
    exit 1
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$web/dist" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT INT TERM
"$py" "$web/browser_test.py" "http://127.0.0.1:$port/" "$web/test-screenshot.png"
