#!/usr/bin/env bash
# Per-host traffic shaping, applied in both directions (the host's eth0 egress = its uploads, the
# bridge-side veth egress = what it receives), to play a 1 Gbps NIC or a slow link.
#
# usage: deploy/testbed/shape.sh HOST rate RATE [burst SIZE]   tbf, e.g. rate 1gbit, rate 100mbit
#        deploy/testbed/shape.sh HOST delay DELAY [rate RATE]  netem, e.g. delay 50ms (needs sch_netem)
#        deploy/testbed/shape.sh HOST clear|show
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
[ $# -ge 2 ] || die "usage: $0 HOST rate RATE [burst SIZE] | delay DELAY [rate RATE] | clear | show"
h="$1"
shift
require_host "$h"
netns_exists "$h" || die "no $h namespace; run deploy/testbed/up.sh first"
veth="$(host_veth "$h")"

# Both ends: in the namespace (eth0) and in the root namespace (the veth on the bridge).
on_both() {
  local verb="$1"
  shift
  ip netns exec "$h" tc qdisc "$verb" dev eth0 "$@"
  tc qdisc "$verb" dev "$veth" "$@"
}
# 4 ms worth of traffic at RATE (at least 64 KiB), so that timer granularity does not cap the rate.
default_burst() {
  local bits
  bits="$(echo "$1" | awk '{ v = $0 + 0; u = tolower($0); sub(/^[0-9.]+/, "", u);
    m = (u ~ /^g/) ? 1e9 : (u ~ /^m/) ? 1e6 : (u ~ /^k/) ? 1e3 : 1;
    if (u ~ /bps$/ || u == "b") m *= 8; print v * m }')"
  awk -v b="$bits" 'BEGIN { x = b / 8 * 0.004; if (x < 65536) x = 65536; printf "%d\n", x }'
}

case "$1" in
  rate)
    [ $# -ge 2 ] || die "rate needs a value such as 1gbit or 100mbit"
    rate="$2"
    burst="$(default_burst "$rate")"
    [ "${3:-}" = burst ] && burst="${4:?burst needs a size}"
    on_both replace root tbf rate "$rate" burst "$burst" latency 100ms
    ;;
  delay)
    [ $# -ge 2 ] || die "delay needs a value such as 50ms"
    args=(delay "$2")
    [ "${3:-}" = rate ] && args+=(rate "${4:?rate needs a value}")
    if ! on_both replace root netem "${args[@]}" 2>"$STATE/tc.err"; then
      grep -q 'unknown' "$STATE/tc.err" &&
        die "this kernel has no netem qdisc (CONFIG_NET_SCH_NETEM unset), so no added delay here; 'rate' (tbf) works"
      die "tc netem failed: $(cat "$STATE/tc.err")"
    fi
    ;;
  clear)
    ip netns exec "$h" tc qdisc del dev eth0 root 2>/dev/null || true
    tc qdisc del dev "$veth" root 2>/dev/null || true
    ;;
  show) ;;
  *) die "unknown shaping '$1' (rate, delay, clear, show)" ;;
esac
echo "$h eth0 (egress from host): $(ip netns exec "$h" tc qdisc show dev eth0 | head -1)"
echo "$h $veth (egress to host): $(tc qdisc show dev "$veth" | head -1)"
