#!/usr/bin/env bash
# Installs what building Hearth needs and is missing: the wasm32 target, the pinned
# wasm-bindgen CLI, wasm-opt (npm binaryen; Debian's is too old and breaks hydration), the
# emoji font and the icons.
source "$(dirname "$0")/env.sh"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2 minutes, once)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi
# The npm tools live in one folder and install together (--no-save prunes what it is not
# told): wasm-opt, the emoji font shipped for machines without one (OFL), and the UI's
# icons (lucide, ISC).
version_of() { node -p "require('$TOOLS/node_modules/$1/package.json').version" 2>/dev/null; }
if ! "$TOOLS/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version $BINARYEN_VERSION" \
  || [ "$(version_of @fontsource/noto-color-emoji)" != "$EMOJI_FONT_VERSION" ] \
  || [ "$(version_of lucide-static)" != "$LUCIDE_VERSION" ]; then
  say "installing wasm-opt (npm binaryen@$BINARYEN_VERSION), the emoji font and the icons (npm)"
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-save --no-audit --no-fund "binaryen@$BINARYEN_VERSION" \
    "@fontsource/noto-color-emoji@$EMOJI_FONT_VERSION" "lucide-static@$LUCIDE_VERSION" >/dev/null
fi
