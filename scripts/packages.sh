#!/usr/bin/env bash
# Installs the Debian packages a group of tests needs, when missing; the one place that
# calls apt-get.
#   scripts/packages.sh browsers   Chromium, ChromeDriver, NSS tools (to trust the test
#                                  CA), the emoji font, and Firefox ESR (a call between
#                                  the two, firefox.spec.ts)
#   scripts/packages.sh postgres   PostgreSQL (for the server tests on it)
#   scripts/packages.sh capture    tcpdump, ip and nft (scripts/netns.sh: nothing leaves;
#                                  blip.spec.ts cuts a call's network)
source "$(dirname "$0")/env.sh"

missing() {
  case "$1" in
    browsers)
      ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null \
        || ! command -v certutil >/dev/null || ! fc-list 2>/dev/null | grep -qi "noto color emoji" \
        || ! command -v firefox-esr >/dev/null ;;
    postgres) ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 ;;
    capture) ! command -v tcpdump >/dev/null || ! command -v ip >/dev/null \
      || ! command -v nft >/dev/null ;;
    *) echo "unknown package group: $1" >&2; exit 2 ;;
  esac
}
debs() {
  case "$1" in
    browsers) echo chromium chromium-driver libnss3-tools fonts-noto-color-emoji firefox-esr ;;
    postgres) echo postgresql ;;
    capture) echo tcpdump iproute2 nftables ;;
  esac
}

for group in "$@"; do
  missing "$group" || continue
  say "installing $(debs "$group") (Debian packages)" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq >&2
  # shellcheck disable=SC2046 # the package names are words
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $(debs "$group") >/dev/null
done
