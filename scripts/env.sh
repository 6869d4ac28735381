# Shared settings for the scripts; sourced, not run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
# Build tools that are not Rust crates (wasm-opt) live outside the clone, so CI's fresh
# clones reuse them.
TOOLS="${HEARTH_TOOLS:-$HOME/.cache/hearth/tools}"
SITE="${HEARTH_SITE:-$CARGO_TARGET_DIR/site}"
WASM_BINDGEN_VERSION=0.2.130
BINARYEN_VERSION=132
# The emoji font shipped for machines without one (OFL; split by unicode-range).
EMOJI_FONT_VERSION=5.3.2
# The UI's icons (ISC), drawn into the stylesheet at build time.
LUCIDE_VERSION=1.62.0
export PATH="$HOME/.cargo/bin:$TOOLS/node_modules/.bin:$PATH"
# .cargo/config.toml sets `--cfg erase_components` for the server and the WASM alike (the
# browser's hydration needs the server's HTML built the same way). A RUSTFLAGS in the
# environment replaces that setting, so it is carried over; and cargo reads the config
# from the current folder, so the scripts build from the clone's root.
if [ -n "${RUSTFLAGS:-}" ]; then export RUSTFLAGS="$RUSTFLAGS --cfg erase_components"; fi
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
