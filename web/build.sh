#!/bin/sh
# Builds the viewer for the browser into web/dist: index.html, plainsight.js, plainsight_bg.wasm.
# Usage: web/build.sh            (from anywhere; about 9 minutes from clean on 2 cores)
# Env:   PROFILE=wasm-release    the Cargo profile (see Cargo.toml; default wasm-release)
#        WASM_OPT=-Oz            wasm-opt's optimisation flags
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
profile=${PROFILE:-wasm-release}
target_dir=${CARGO_TARGET_DIR:-$root/target}
WASM_OPT=${WASM_OPT:--Oz}

# wasm-bindgen's CLI must be exactly the version of the wasm-bindgen crate in Cargo.lock.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have" != "$want" ]; then
    echo "installing wasm-bindgen-cli $want (found '${have:-none}')"
    # --locked first; a crates.io mirror missing one of its locked dependencies (a yanked or
    # not yet mirrored version) fails that, and a fresh resolution works.
    cargo install wasm-bindgen-cli --version "$want" --locked ||
        cargo install wasm-bindgen-cli --version "$want"
fi
rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown ||
    rustup target add wasm32-unknown-unknown

# The viewer and the binary only (`cli` compiles nothing in the browser; `bench` would add its
# chart crate, which the page never draws).
cargo build --profile "$profile" --target wasm32-unknown-unknown --bin plainsight \
    --no-default-features --features viewer,cli
rm -rf web/dist
mkdir -p web/dist
wasm-bindgen --target web --no-typescript --out-dir web/dist --out-name plainsight \
    "$target_dir/wasm32-unknown-unknown/$profile/plainsight.wasm"
# wasm-opt (binaryen) takes the .wasm from 26.5 to 14.9 MB (6.6 to 4.8 MB gzipped).
# binaryen 108 (Debian 12's) must be told the WebAssembly features Rust 1.95 emits by default.
if command -v wasm-opt >/dev/null; then
    out=web/dist/plainsight_bg.wasm
    wasm-opt $WASM_OPT --enable-bulk-memory --enable-nontrapping-float-to-int \
        --enable-sign-ext --enable-mutable-globals --enable-reference-types \
        --enable-multivalue "$out" -o "$out.opt"
    mv "$out.opt" "$out"
    python3 web/fix_externref_export.py "$out"
else
    echo "note: wasm-opt not found (apt-get install binaryen): the .wasm is left unoptimised" >&2
fi
cp web/index.html web/dist/
ls -l web/dist
