#!/usr/bin/env bash
# Tears the test bed down completely: every process inside the test-bed namespaces (sshd, sessions,
# injectors, the service), the namespaces and their veths, the bridge, the lfinjN and lftarget users and homes
# and their libfaketime files in /dev/shm, the per-host /tmp dirs and the state dir. Safe to run
# any number of times.
#
# usage: deploy/testbed/down.sh
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root

"$TESTBED_DIR/target.sh" stop || true

# Only processes inside our own namespaces: listed by namespace, ended by pid.
ns_pids() {
  local h
  for h in "${HOSTS[@]}"; do
    if netns_exists "$h"; then ip netns pids "$h" 2>/dev/null || true; fi
  done
}
mapfile -t pids < <(ns_pids)
if [ ${#pids[@]} -gt 0 ]; then
  kill -TERM "${pids[@]}" 2>/dev/null || true
  alive=()
  for _ in $(seq 50); do
    alive=()
    for p in "${pids[@]}"; do
      if pid_alive "$p"; then alive+=("$p"); fi
    done
    [ ${#alive[@]} -eq 0 ] && break
    sleep 0.1
  done
  if [ ${#alive[@]} -gt 0 ]; then
    kill -KILL "${alive[@]}" 2>/dev/null || true
    # Gone, not only signalled: userdel below refuses a user who still owns a process.
    for p in "${alive[@]}"; do
      for _ in $(seq 50); do pid_alive "$p" || break; sleep 0.1; done
    done
  fi
fi

for h in "${HOSTS[@]}"; do
  veth="$(host_veth "$h")"
  remove_link "$veth"
  netns_exists "$h" && ip netns del "$h"
done
for v in "$JUMP_LEG" "$TARGET_LEG"; do
  remove_link "$v"
done
for b in "$BRIDGE" "$HIDDEN_BRIDGE"; do
  remove_link "$b"
done

for h in "${SSH_HOSTS[@]}"; do
  user="$(host_user "$h")"
  if id "$user" >/dev/null 2>&1; then
    # Leftover processes of the test-bed user outside the namespaces (none expected).
    for p in $(pgrep -u "$user" || true); do kill -KILL "$p" 2>/dev/null || true; done
    for _ in $(seq 50); do pgrep -u "$user" >/dev/null || break; sleep 0.1; done
    # libfaketime's semaphores and shared memory of that user (see start_faketime_holder).
    find /dev/shm -maxdepth 1 -user "$user" \( -name 'sem.faketime_sem_*' -o -name 'faketime_shm_*' \) -delete
    userdel --remove "$user" 2>/dev/null || userdel "$user"
    rm -rf "/home/${user:?}"
  fi
done
rm -rf /tmp/loadfleet-testbed "$(dirname "$TARGET_DATA")"
rm -rf "$STATE" "$(dirname "$HOST_STATE")"
log "down: no lf-* namespaces, links, sshd or lfinj users left"
