#!/usr/bin/env bash
# Remakes docs/screenshots/ from a fresh server (its own temporary data folder). Needs the
# web client and server built (scripts/build-web.sh, cargo build -p server).
source "$(dirname "$0")/env.sh"
port=${HEARTH_SHOTS_PORT:-3999}
data=$(mktemp -d)
trap 'kill $pid 2>/dev/null; rm -rf "$data"' EXIT
"$CARGO_TARGET_DIR/debug/hearth" --addr 127.0.0.1 --port "$port" --no-tls --data "$data" --site "$SITE" \
  > "$data/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/login" > /dev/null && break; sleep 0.2; done
mkdir -p "$ROOT/docs/screenshots"
# The first account (Ann's) is the admin only with the setup code the server printed.
code=$(grep -A1 "No admin yet" "$data/server.log" | tail -1 | tr -d ' ')
(cd "$ROOT/end2end" && node screenshots.mjs "http://127.0.0.1:$port" "$ROOT/docs/screenshots" "$code")
say "screenshots in docs/screenshots/"
