#!/usr/bin/env bash
# Runs every test, or the stages named (`scripts/test.sh rust e2e`): the code's shape
# (import cycles, page bounds), the WASM size budgets, Rust unit and integration tests on SQLite, the server's tests again on
# PostgreSQL, the protocol vectors as WASM in Chromium, and Playwright. Each stage is
# also a script of its own in scripts/test/, which takes arguments to run fewer tests.
source "$(dirname "$0")/env.sh"
cd "$ROOT"
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(shape budget rust postgres wasm e2e)

for stage in "${stages[@]}"; do
  case "$stage" in
    shape | budget | rust | postgres | wasm | e2e) ;;
    *) echo "unknown stage: $stage (shape, budget, rust, postgres, wasm, e2e)" >&2; exit 2 ;;
  esac
done

"$ROOT/scripts/packages.sh" browsers postgres
"$ROOT/scripts/build-web.sh"
for stage in "${stages[@]}"; do
  case "$stage" in
    budget) say "WASM size budgets (gzip)"; "$ROOT/scripts/wasm-budget.sh" ;;
    *) "$ROOT/scripts/test/$stage.sh" ;;
  esac
done
