#!/usr/bin/env bash
# Host-key changes, as when a lab machine is reinstalled.
#
# usage: deploy/testbed/rekey.sh lf-injN rotate   new host key; known_hosts keeps the old one
#        deploy/testbed/rekey.sh lf-injN restore  back to the original key (known_hosts matches again)
#        deploy/testbed/rekey.sh lf-injN accept   write the host's current key into known_hosts
# Prints the old and new SHA256 fingerprints.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
[ $# -eq 2 ] || die "usage: $0 lf-injN rotate|restore|accept"
h="$1"
require_injector "$h"
d="$(host_dir "$h")"
[ -s "$d/ssh_host_ed25519_key" ] || die "$h has no host key; run deploy/testbed/up.sh first"
old="$(key_fingerprint "$d/ssh_host_ed25519_key.pub")"
case "$2" in
  rotate)
    if [ ! -s "$d/orig_host_key" ]; then
      cp -p "$d/ssh_host_ed25519_key" "$d/orig_host_key"
      cp -p "$d/ssh_host_ed25519_key.pub" "$d/orig_host_key.pub"
    fi
    rm -f "$d/ssh_host_ed25519_key" "$d/ssh_host_ed25519_key.pub"
    ssh-keygen -q -t ed25519 -N '' -C "$h" -f "$d/ssh_host_ed25519_key"
    ;;
  restore)
    [ -s "$d/orig_host_key" ] || { log "$h: key never rotated; nothing to restore"; exit 0; }
    mv "$d/orig_host_key" "$d/ssh_host_ed25519_key"
    mv "$d/orig_host_key.pub" "$d/ssh_host_ed25519_key.pub"
    ;;
  accept)
    cp "$d/ssh_host_ed25519_key.pub" "$d/known_key.pub"
    rm -f "$d/orig_host_key" "$d/orig_host_key.pub"
    write_known_hosts
    log "$h: known_hosts now trusts $old"
    exit 0
    ;;
  *) die "usage: $0 lf-injN rotate|restore|accept" ;;
esac
stop_sshd "$h"
start_sshd "$h"
log "$h: host key was $old, now $(key_fingerprint "$d/ssh_host_ed25519_key.pub"); known_hosts trusts $(key_fingerprint "$d/known_key.pub")"
