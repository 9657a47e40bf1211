#!/usr/bin/env bash
# Logs into a test-bed host (an injector or lf-target) exactly as the launcher must: the test-bed key, the
# generated known_hosts, strict host-key checking, no agent, no password prompt; lf-inj5 through its
# jump host lf-inj1 (`ssh -W`, with the same options on both legs). A command runs under
# /bin/sh behind a marker line on stdout and stderr, as the launcher runs its own, and what the login
# shell prints before the marker (lf-inj3's ~/.zshenv notices) is cut off; a login that never
# reaches the marker shows everything it printed.
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
opts=(-i "$STATE/id_ed25519" -o IdentitiesOnly=yes -o IdentityAgent=none
  -o UserKnownHostsFile="$STATE/known_hosts" -o GlobalKnownHostsFile=/dev/null
  -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=5 -o LogLevel=ERROR)
if [ "$h" = "$HIDDEN" ]; then
  # ProxyJump (-J) would not pass these options to the jump leg; ProxyCommand does.
  opts+=(-o "ProxyCommand=ssh ${opts[*]} -p $(host_port "$JUMP") -W %h:%p $(host_user "$JUMP")@$(host_addr "$JUMP")")
fi
opts+=(-p "$(host_port "$h")")
dest="$(host_user "$h")@$(host_addr "$h")"
if [ $# -eq 0 ]; then
  exec ssh "${opts[@]}" "$dest"
fi
marker=@@testbed-begin
command="$*"
quoted=${command//\'/\'\\\'\'}
remote="echo $marker; echo $marker >&2; exec /bin/sh -c '$quoted'"
# What follows the marker; everything, if the marker never came (ssh's own error, a broken login).
# Line by line as it comes (bash's read takes a pipe byte by byte; awk would hold a block back).
cut_greeting() {
  local line seen=0 kept=()
  while IFS= read -r line || [ -n "$line" ]; do
    if [ "$seen" = 1 ]; then
      printf '%s\n' "$line"
    elif [ "$line" = "$marker" ]; then
      seen=1
    else
      kept+=("$line")
    fi
  done
  if [ "$seen" = 0 ] && [ ${#kept[@]} -gt 0 ]; then printf '%s\n' "${kept[@]}"; fi
}
# The command's own exit status is ours (pipefail: ssh's), without lib.sh's failure message.
trap - ERR
set +e
# shellcheck disable=SC2029 # $remote is built here on purpose; the command inside it is quoted
{ ssh "${opts[@]}" "$dest" "$remote" 2>&1 1>&3 3>&- | cut_greeting; } 3>&1 1>&2 | cut_greeting
exit $?
