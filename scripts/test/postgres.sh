#!/usr/bin/env bash
# The server's integration tests again on PostgreSQL: a throwaway server, which two
# Hearth processes share. Extra arguments pick tests (e.g. `lockout`).
source "$(dirname "$0")/../env.sh"
cd "$ROOT"
say "server tests on PostgreSQL"
PG_DIR="$(mktemp -d /tmp/hearth-pg.XXXXXX)"
trap '"$ROOT/scripts/postgres.sh" stop "$PG_DIR"' EXIT
PG_URL="$("$ROOT/scripts/postgres.sh" start "$PG_DIR")"
# The same package selection as the Rust stage, so nothing is rebuilt (features unify
# per selection); only the server's integration tests touch the database.
HEARTH_TEST_POSTGRES="$PG_URL" cargo test --manifest-path "$ROOT/Cargo.toml" --workspace \
  --exclude frontend --test it -- "$@"
