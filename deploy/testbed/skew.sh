#!/usr/bin/env bash
# Moves one injector host's wall clock: restarts its sshd under libfaketime with FAKETIME=OFFSET,
# which every new SSH session (shell, date, java) inherits through sshd's SetEnv. A time namespace
# cannot do this: it shifts only the monotonic and boot clocks, never CLOCK_REALTIME.
# Sessions already open keep the clock they started with.
#
# usage: deploy/testbed/skew.sh lf-injN +5s|-3s|off
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
[ $# -eq 2 ] || die "usage: $0 lf-injN +5s|-3s|off"
h="$1"
require_injector "$h"
netns_exists "$h" || die "no $h namespace; run deploy/testbed/up.sh first"
if [ "$2" = off ]; then
  rm -f "$(host_dir "$h")/faketime"
else
  [[ "$2" =~ ^[-+][0-9]+[smhd]?$ ]] || die "offset '$2': expected a relative offset such as +5s or -3s, or off"
  echo "$2" >"$(host_dir "$h")/faketime"
fi
stop_sshd "$h"
start_sshd "$h"
[ -f "$STATE/testbed.env" ] && sed -i "s|^$h\.skew=.*|$h.skew=$([ "$2" = off ] || echo "$2")|" "$STATE/testbed.env"
log "$h: clock skew ${2}"
