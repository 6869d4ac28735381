#!/usr/bin/env bash
# Builds the web client into $SITE: the hydrate WASM (size-tuned profile), its JS glue,
# wasm-opt, and the stylesheet.
source "$(dirname "$0")/env.sh"
"$ROOT/scripts/setup.sh"

say "building the web client (WASM)"
# The target folder is shared by every checkout (CI's fresh clones among them). Cargo
# copies a finished binary to its fixed path only when it builds it, so after another
# checkout's build that path could hold the other's WASM: make it build this one.
touch "$ROOT/frontend/src/lib.rs"
cargo build --manifest-path "$ROOT/Cargo.toml" -p frontend --target wasm32-unknown-unknown --profile wasm-release
mkdir -p "$SITE/pkg" "$SITE/style"
wasm-bindgen --target web --no-typescript --out-dir "$SITE/pkg" --out-name hearth \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/frontend.wasm"
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  "$SITE/pkg/hearth_bg.wasm" -o "$SITE/pkg/hearth_bg.wasm"
cp "$ROOT"/style/* "$SITE/style/"
cp "$ROOT"/web/sw.js "$SITE/sw.js"
raw=$(stat -c %s "$SITE/pkg/hearth_bg.wasm")
gz=$(gzip -9c "$SITE/pkg/hearth_bg.wasm" | wc -c)
say "web client: $SITE (WASM $((raw / 1024)) KiB, $((gz / 1024)) KiB gzipped)"
