#!/usr/bin/env bash
# Shows the test bed: bridge, each host's namespace, address, link, shaping, sshd, skew, login,
# and the stand-in service. Exit 0 when everything is up, 1 otherwise.
#
# usage: deploy/testbed/status.sh
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
trap - ERR # a failing probe is a finding here, not an error
require_root
ok=1
for b in "$BRIDGE" "$HIDDEN_BRIDGE"; do
  if ip link show dev "$b" >/dev/null 2>&1; then
    echo "bridge $b $(ip -br -4 addr show dev "$b" | awk '{print $2, $3}')"
  else
    echo "bridge $b: absent"
    ok=0
  fi
done
printf '%-10s %-12s %-6s %-8s %-8s %-10s %-8s %s\n' HOST ADDRESS NETNS LINK SSHD LOGIN SKEW SHAPING
for h in "${HOSTS[@]}"; do
  ns=no link=- sshd=- login=- skew=- shaping=-
  if netns_exists "$h"; then
    ns=yes
    link="$(ip -br link show dev "$(host_veth "$h")" 2>/dev/null | awk '{print $2}')"
    shaping="$(ip netns exec "$h" tc qdisc show dev eth0 2>/dev/null | awk '$2 == "tbf" || $2 == "netem" {k = $2; sub(/^qdisc [a-z]+ [0-9a-f]+: (dev [^ ]+ )?root refcnt [0-9]+ /, ""); print k, $0}')"
    shaping="${shaping:--}"
  else
    ok=0
  fi
  if is_ssh_host "$h"; then
    if pid_alive "$(read_pid "$(host_dir "$h")/sshd.pid")"; then sshd="pid$(read_pid "$(host_dir "$h")/sshd.pid")"; else sshd=down; ok=0; fi
    skew="$(cat "$(host_dir "$h")/faketime" 2>/dev/null || echo -)"
    if [ "$sshd" != down ] && [ "$link" = UP ] && "$TESTBED_DIR/ssh.sh" "$h" true 2>/dev/null; then login=ok; else login=FAILED; ok=0; fi
  fi
  printf '%-10s %-12s %-6s %-8s %-8s %-10s %-8s %s\n' "$h" "$(host_addr "$h")" "$ns" "${link:--}" "$sshd" "$login" "$skew" "$shaping"
done
if stats="$("$TESTBED_DIR/target.sh" status 2>/dev/null)"; then
  echo "target http://$(host_addr "$TARGET"):$TARGET_PORT /stats: $stats"
else
  echo "target service: not running"
  ok=0
fi
[ "$ok" = 1 ] || exit 1
