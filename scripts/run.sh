#!/usr/bin/env bash
# Builds Hearth (release) and runs it on every interface, with its data in ./data.
# Extra arguments go to the server (see `--help`). It also puts a `hearth` command on
# the PATH (in ~/.cargo/bin, beside cargo's), so the README's terminal commands work as
# written from any folder: it runs this build, with this clone's data folder and site.
source "$(dirname "$0")/env.sh"
"$ROOT/scripts/build-web.sh"
say "building the server (release)"
(cd "$ROOT" && cargo build -p server --release)
bin="$CARGO_TARGET_DIR/release/hearth"
mkdir -p "$HOME/.cargo/bin"
cat > "$HOME/.cargo/bin/hearth" <<WRAPPER
#!/bin/sh
# Made by $ROOT/scripts/run.sh: Hearth as built there, with that clone's configuration
# file, data folder and site unless told otherwise (flags, or HEARTH_CONFIG, HEARTH_DATA,
# HEARTH_SITE; these defaults are environment variables, so they come before hearth.toml).
if [ -z "\${HEARTH_CONFIG:-}" ] && [ -f "$ROOT/hearth.toml" ]; then export HEARTH_CONFIG="$ROOT/hearth.toml"; fi
export HEARTH_DATA="\${HEARTH_DATA:-$ROOT/data}" HEARTH_SITE="\${HEARTH_SITE:-$SITE}"
exec "$bin" "\$@"
WRAPPER
chmod +x "$HOME/.cargo/bin/hearth"
cd "$ROOT"
exec "$bin" --site "$SITE" "$@"
