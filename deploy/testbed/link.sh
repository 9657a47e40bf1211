#!/usr/bin/env bash
# Cuts or restores a host's only link (its veth on the bridge), as when a lab cable is pulled:
# packets are dropped silently, TCP connections stay open and resume when the link returns.
#
# usage: deploy/testbed/link.sh HOST down|up
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
[ $# -eq 2 ] || die "usage: $0 HOST down|up"
require_host "$1"
case "$2" in
  down | up) ip link set "$(host_veth "$1")" "$2" ;;
  *) die "usage: $0 HOST down|up" ;;
esac
log "$1 link $(host_veth "$1") $2"
