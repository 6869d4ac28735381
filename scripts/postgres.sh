#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, its files in an empty folder DIR.
#   scripts/postgres.sh start DIR   installs PostgreSQL (scripts/packages.sh) if missing,
#                                   starts it and prints its URL (the rest goes to stderr)
#   scripts/postgres.sh stop DIR    stops it and removes DIR
set -euo pipefail
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

pgbin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
# PostgreSQL refuses to run as root: then the cluster belongs to the `postgres` user
# the package made.
runas=""; [ "$(id -u)" = 0 ] && runas="runuser -u postgres --"

if [ "${1:-}" = stop ]; then
  dir="$2"
  [ -d "$dir" ] || exit 0
  $runas "$(pgbin)/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  exit 0
fi

"$(dirname "$0")/packages.sh" postgres
PGBIN="$(pgbin)"

[ "${1:-}" = start ] && [ -n "${2:-}" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
dir="$2"
mkdir -p "$dir"
[ -z "$runas" ] || chown postgres "$dir"
$runas "$PGBIN/initdb" -D "$dir/data" -U hearth --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
# A free port: try a few at random (PostgreSQL cannot be given port 0). Durability
# stays on (fsync): the tests check what PostgreSQL promises, not a shortcut.
for _ in 1 2 3 4 5 6 7 8; do
  port=$((20000 + RANDOM % 40000))
  if $runas "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o \
    "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300" start >/dev/null; then
    break
  fi
  port=""
done
[ -n "$port" ] || { cat "$dir/log" >&2; exit 1; }
say "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') at 127.0.0.1:$port ($dir)"
echo "postgres://hearth@127.0.0.1:$port/postgres"
