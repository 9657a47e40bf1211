#!/usr/bin/env bash
# Logs into a test-bed host (an injector or lf-target) exactly as the launcher must: the test-bed key, the
# generated known_hosts, strict host-key checking, no agent, no password prompt.
#
# usage: deploy/testbed/ssh.sh lf-injN|lf-target [command...]
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
[ $# -ge 1 ] || die "usage: $0 lf-injN|lf-target [command...]"
h="$1"
shift
require_ssh_host "$h"
[ -s "$STATE/id_ed25519" ] || die "no test-bed key in $STATE; run deploy/testbed/up.sh first"
exec ssh -i "$STATE/id_ed25519" -o IdentitiesOnly=yes -o IdentityAgent=none \
  -o UserKnownHostsFile="$STATE/known_hosts" -o GlobalKnownHostsFile=/dev/null \
  -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=5 -o LogLevel=ERROR \
  "$(host_user "$h")@$(host_addr "$h")" "$@"
