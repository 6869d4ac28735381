#!/usr/bin/env bash
# Runs every test: Rust unit and integration tests (real server, temporary SQLite), then
# Playwright in real Chromium against a real server.
source "$(dirname "$0")/env.sh"
cd "$ROOT"

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! command -v certutil >/dev/null || ! fc-list 2>/dev/null | grep -qi "noto color emoji"; then
  say "installing Chromium, ChromeDriver, NSS tools (to trust the test CA) and the emoji font (Debian packages)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver libnss3-tools fonts-noto-color-emoji >/dev/null
fi

"$ROOT/scripts/build-web.sh"

say "WASM size budgets (gzip)"
"$ROOT/scripts/wasm-budget.sh"

say "Rust tests"
# The frontend is left out: building it natively beside the server would unify the
# `hydrate` and `ssr` features of the shared crates.
cargo test --manifest-path "$ROOT/Cargo.toml" --workspace --exclude frontend

say "server tests again on PostgreSQL (a throwaway server; two Hearth processes share it)"
PG_DIR="$(mktemp -d /tmp/hearth-pg.XXXXXX)"
trap '"$ROOT/scripts/postgres.sh" stop "$PG_DIR"' EXIT
PG_URL="$("$ROOT/scripts/postgres.sh" start "$PG_DIR")"
# The same package selection as above, so nothing is rebuilt (features unify per
# selection); only the server's integration tests touch the database.
HEARTH_TEST_POSTGRES="$PG_URL" cargo test --manifest-path "$ROOT/Cargo.toml" --workspace --exclude frontend --test it

say "protocol vectors as WASM in headless Chromium (must agree with the native run)"
(cd "$ROOT/protocol" && CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test vectors)

say "browser tests (Playwright, Chromium)"
# As in build-web.sh: the shared target folder's fixed path must hold this checkout's server.
touch "$ROOT/server/src/main.rs"
cargo build --manifest-path "$ROOT/Cargo.toml" -p server
cd "$ROOT/end2end"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >/dev/null
export HEARTH_BIN="$CARGO_TARGET_DIR/debug/hearth" HEARTH_SITE="$SITE"
npx playwright test
