#!/usr/bin/env bash
# Runs a command where nothing can leave this machine unseen: in a network namespace of
# its own, with loopback and one interface that holds the default route, on which tcpdump
# records every packet. Fails when anything left but the kernel's IGMP reports for the
# mDNS group (browsers join it to resolve .local names). The tests' traffic must stay on
# loopback: this proves it, for every request, DNS query and ICE candidate.
#   scripts/netns.sh COMMAND ARGS...
source "$(dirname "$0")/env.sh"

if [ "${HEARTH_NETNS:-}" != inside ]; then
  "$ROOT/scripts/packages.sh" capture
  SUDO=()
  [ "$(id -u)" = 0 ] || SUDO=(sudo --preserve-env)
  if ! "${SUDO[@]}" unshare --net true 2>/dev/null; then
    say "no network namespace can be made here: running without the check that nothing leaves"
    exec "$@"
  fi
  exec "${SUDO[@]}" env HEARTH_NETNS=inside PATH="$PATH" unshare --net -- "$0" "$@"
fi

ip link set lo up
ip link add out0 type veth peer name out1
ip addr add 10.99.0.1/24 dev out0
sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip link set out1 up
ip link set out0 up
# A gateway that answers ARP without being there: every packet bound elsewhere is sent,
# whole, where tcpdump sees it.
ip route add default via 10.99.0.2 dev out0
ip neigh add 10.99.0.2 lladdr 02:00:00:00:00:02 dev out0 nud permanent

work=$(mktemp -d)
tcpdump -n -U -i out0 -w "$work/out.pcap" 2>"$work/tcpdump.log" &
capture=$!
for _ in $(seq 100); do grep -q "listening on" "$work/tcpdump.log" && break; sleep 0.1; done

status=0
"$@" || status=$?

sleep 1
kill "$capture"
wait "$capture" 2>/dev/null || true
left=$(tcpdump -n -r "$work/out.pcap" 'not igmp' 2>/dev/null || true)
groups=$(tcpdump -n -vv -r "$work/out.pcap" igmp 2>/dev/null | grep -o 'gaddr [0-9.]*' | sort -u \
  | grep -v '^gaddr 224\.0\.0\.251$' || true)
if [ -n "$left$groups" ]; then
  echo "FAIL: packets left the tests' own machine:" >&2
  tcpdump -n -v -r "$work/out.pcap" 'not igmp' 2>/dev/null | head -40 >&2 || true
  [ -z "$groups" ] || echo "multicast groups joined: $groups" >&2
  status=1
else
  say "nothing left loopback ($(tcpdump -n -r "$work/out.pcap" 2>/dev/null | wc -l) IGMP reports for the mDNS group)"
fi
rm -rf "$work"
exit "$status"
