#!/usr/bin/env bash
# Rust unit and integration tests: a real server on an ephemeral port with a temporary
# SQLite file. Extra arguments go to `cargo test` (e.g. `-p server --test it lockout`).
source "$(dirname "$0")/../env.sh"
cd "$ROOT"
say "Rust tests"
# The frontend is left out: building it natively beside the server would unify the
# `hydrate` and `ssr` features of the shared crates.
if [ $# -eq 0 ]; then set -- --workspace --exclude frontend; fi
cargo test --manifest-path "$ROOT/Cargo.toml" "$@"
