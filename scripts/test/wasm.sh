#!/usr/bin/env bash
# The protocol's known-answer vectors compiled to WASM and run in headless Chromium: the
# browser must agree with the native run byte for byte.
source "$(dirname "$0")/../env.sh"
"$ROOT/scripts/setup.sh"
"$ROOT/scripts/packages.sh" browsers
say "protocol vectors as WASM in headless Chromium"
cd "$ROOT/protocol"
CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test vectors
