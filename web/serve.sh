#!/bin/sh
# Serves web/dist on http://127.0.0.1:PORT/ (default 8000). Build it first with web/build.sh.
set -eu
dist="$(cd "$(dirname "$0")" && pwd)/dist"
port=${1:-8000}
if [ ! -f "$dist/index.html" ]; then
    echo "no $dist/index.html: run web/build.sh first" >&2
    exit 1
fi
echo "plainsight on http://127.0.0.1:$port/ (Ctrl-C to stop)"
# Python's server knows .wasm is application/wasm, which WebAssembly.instantiateStreaming needs.
exec python3 -m http.server "$port" --bind 127.0.0.1 --directory "$dist"
