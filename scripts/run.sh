#!/usr/bin/env bash
# Builds Hearth (release) and runs it on every interface, with its data in ./data.
# Extra arguments go to the server (see `--help`).
source "$(dirname "$0")/env.sh"
"$ROOT/scripts/build-web.sh"
say "building the server (release)"
(cd "$ROOT" && cargo build -p server --release)
exec "$CARGO_TARGET_DIR/release/hearth" --site "$SITE" "$@"
