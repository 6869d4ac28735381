#!/usr/bin/env bash
# The code's shape (issue 19): no import cycle among the modules of server/src and
# app/src, and the chat pages within their bounds (signals per struct, function and
# view! lengths). Needs only Python 3, no build.
source "$(dirname "$0")/../env.sh"
cd "$ROOT"
say "Code shape: import cycles and page bounds"
python3 scripts/import-cycles.py server/src app/src
python3 scripts/sizes.py app/src/pages
