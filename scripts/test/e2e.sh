#!/usr/bin/env bash
# Playwright in real Chromium (and Firefox ESR for a call) against a real server (the web
# client and the server built from this clone first), in a network namespace where
# anything that leaves loopback fails the run (scripts/netns.sh). Extra arguments go to
# Playwright, e.g. `groups.spec.ts` or `-g "only sealed"`.
source "$(dirname "$0")/../env.sh"
"$ROOT/scripts/packages.sh" browsers
"$ROOT/scripts/build-web.sh"
say "browser tests (Playwright: Chromium, and Firefox ESR for a call between the two)"
# As in build-web.sh: the shared target folder's fixed path must hold this checkout's server.
touch "$ROOT/server/src/main.rs"
cargo build --manifest-path "$ROOT/Cargo.toml" -p server
cd "$ROOT/end2end"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >/dev/null
export HEARTH_BIN="$CARGO_TARGET_DIR/debug/hearth" HEARTH_SITE="$SITE"
"$ROOT/scripts/netns.sh" npx playwright test "$@"
