# shellcheck shell=bash
# shellcheck disable=SC2034 # the settings below are read by the scripts that source this file
# Shared definitions of the loadfleet test bed; sourced by the scripts beside it, never run.
# Everything the test bed creates carries the prefix "lf-"/"lfv-"/"lfinj" so that teardown can
# find exactly its own objects and nothing else.

TESTBED_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$TESTBED_DIR/../.." && pwd)"
STATE="$TESTBED_DIR/.state"
# Each sshd's own files (config, host key, pid, log, skew). Not under the repo: every injector's
# sshd sees a private /tmp bound over /tmp, which would hide a checkout that lives under /tmp.
HOST_STATE=/var/lib/loadfleet-testbed/hosts

# Name the failing command: a bare "exit 1" from set -e says nothing about what went wrong.
set -E
trap 'echo "testbed: $(basename "$0") failed at ${BASH_SOURCE[0]##*/}:$LINENO: $BASH_COMMAND" >&2' ERR

SUBNET=10.203.7.0/24
BRIDGE=lf-br0
BRIDGE_ADDR=10.203.7.1
INJECTORS=(lf-inj1 lf-inj2 lf-inj3 lf-inj4)
TARGET=lf-target
TARGET_PORT=8080
# An injector the launcher reaches only through the jump host's sshd: alone on a second bridge on
# which the root namespace has no address (and no route), and the jump host (lf-inj1) has a leg.
HIDDEN=lf-inj5
HIDDEN_BRIDGE=lf-br1
HIDDEN_SUBNET=10.203.8.0/24
JUMP=lf-inj1
JUMP_LEG=lfv-inj1b
JUMP_LEG_ADDR=10.203.8.11
# The target has a leg there too, so that the hidden injector reaches the service at its one URL
# (10.203.7.20, routed on-link over that leg) as every other injector does.
TARGET_LEG=lfv-targetb
TARGET_LEG_ADDR=10.203.8.20
# Every host with an sshd: the injectors, the hidden one, and the target, whose sshd lets the
# launcher sample the service's host and count what the service stored, as on a real service host.
SSH_HOSTS=("${INJECTORS[@]}" "$HIDDEN" "$TARGET")
# Every network namespace of the bed.
HOSTS=("${INJECTORS[@]}" "$HIDDEN" "$TARGET")
# The stand-in's recordings on lf-target: readable by lftarget (the count command runs as it).
TARGET_DATA=/srv/loadfleet-target/data
# Debian's own packages; .ci/run installs these and shellcheck (for the tests). python3: the
# end-to-end tests drive the launcher through a pseudo-terminal with its pty module.
PACKAGES=(openssh-server openssh-client iproute2 faketime procps curl zsh python3)
LIBFAKETIME=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
SSHD=/usr/sbin/sshd
BUNDLE="$REPO_DIR/target/loadfleet-bundle"

host_addr() {
  case "$1" in
    lf-inj[1-4]) echo "10.203.7.1${1#lf-inj}" ;;
    "$HIDDEN") echo 10.203.8.15 ;;
    "$TARGET") echo 10.203.7.20 ;;
    *) die "unknown test-bed host '$1' (hosts: ${HOSTS[*]})" ;;
  esac
}
host_bridge() { if [ "$1" = "$HIDDEN" ]; then echo "$HIDDEN_BRIDGE"; else echo "$BRIDGE"; fi; }
# Root-side end of the host's veth pair (<= 15 chars); the namespace side is always eth0.
host_veth() { echo "lfv-${1#lf-}"; }
host_user() {
  case "$1" in
    "$TARGET") echo lftarget ;;
    *) echo "lfinj${1#lf-inj}" ;;
  esac
}
host_dir() { echo "$HOST_STATE/$1"; }

# The hosts differ as a stranger's fleet would (the end-to-end tests run against all of them):
#   lf-inj1  sshd on port 2222 (known_hosts names it [10.203.7.11]:2222)
#   lf-inj2  sshd without an SFTP subsystem (files must travel over plain exec channels)
#   lf-inj3  login shell zsh, whose ~/.zshenv prints a notice on stdout and on stderr
#   lf-inj4  (with --skew) a clock off by the given offset
#   lf-inj5  reachable only through lf-inj1's sshd (the jump host); not among the 4 injectors the
#            end-to-end tests' inventories use unless they name it
host_port() {
  case "$1" in
    lf-inj1) echo 2222 ;;
    *) echo 22 ;;
  esac
}
host_shell() {
  case "$1" in
    lf-inj3) echo /usr/bin/zsh ;;
    *) echo /bin/bash ;;
  esac
}
has_sftp() { [ "$1" != lf-inj2 ]; }
# How known_hosts and ssh name a host: [address]:port unless the port is 22.
host_key_name() {
  local port
  port="$(host_port "$1")"
  if [ "$port" = 22 ]; then host_addr "$1"; else echo "[$(host_addr "$1")]:$port"; fi
}

die() { echo "testbed: $*" >&2; exit 1; }
log() { echo "testbed: $*"; }

require_root() { [ "$(id -u)" = 0 ] || die "must run as root (network namespaces, sshd, users); use sudo"; }

is_injector() {
  local h
  for h in "${INJECTORS[@]}"; do [ "$h" = "$1" ] && return 0; done
  return 1
}
require_injector() { is_injector "$1" || die "'$1' is not an injector host (injectors: ${INJECTORS[*]})"; }
is_ssh_host() { is_injector "$1" || [ "$1" = "$HIDDEN" ] || [ "$1" = "$TARGET" ]; }
require_ssh_host() { is_ssh_host "$1" || die "'$1' is not a test-bed host with sshd (hosts: ${SSH_HOSTS[*]})"; }
require_host() { is_ssh_host "$1" || die "unknown host '$1' (hosts: ${HOSTS[*]})"; }
netns_exists() { ip netns list | awk '{print $1}' | grep -qx "$1"; }

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
read_pid() { if [ -s "$1" ]; then cat "$1"; fi; }

# sshd of one injector host, started inside its namespace with its own config; a host that has a
# faketime file gets libfaketime both for the daemon and, through SetEnv, for every session (sshd
# builds each session's environment from scratch, so LD_PRELOAD would not reach it otherwise).
write_sshd_config() {
  local h="$1" d user skew
  d="$(host_dir "$h")"
  user="$(host_user "$h")"
  skew="$(cat "$d/faketime" 2>/dev/null || true)"
  {
    echo "# generated by deploy/testbed/up.sh for $h; do not edit"
    echo "ListenAddress $(host_addr "$h"):$(host_port "$h")"
    echo "HostKey $d/ssh_host_ed25519_key"
    echo "PidFile $d/sshd.pid"
    echo "AllowUsers $user"
    echo "PubkeyAuthentication yes"
    echo "PasswordAuthentication no"
    echo "KbdInteractiveAuthentication no"
    echo "PermitRootLogin no"
    # No PAM: the daemon runs outside systemd/logind; the account's password field is '*'
    # (no password, not locked) so that sshd lets the key in.
    echo "UsePAM no"
    echo "AuthorizedKeysFile .ssh/authorized_keys"
    if has_sftp "$h"; then echo "Subsystem sftp internal-sftp"; fi
    echo "MaxStartups 64:30:128"
    echo "MaxSessions 64"
    echo "ClientAliveInterval 0"
    echo "LogLevel INFO"
    # libfaketime shifts the monotonic clocks by the same constant too (its default); keeping them
    # real (FAKETIME_DONT_FAKE_MONOTONIC=1) made a JVM start 10x slower here (javac 33 s vs 2.4 s).
    # FAKETIME_SHARED: see start_faketime_holder.
    if [ -n "$skew" ]; then
      echo "SetEnv LD_PRELOAD=$LIBFAKETIME FAKETIME=$skew \"FAKETIME_SHARED=$(faketime_shared "$h")\""
    fi
  } >"$d/sshd_config"
}

# Debian's libfaketime 0.9.10 gives every process that has no FAKETIME_SHARED a semaphore and
# shared memory of its own in /dev/shm, named by its pid, and unlinks them only at a normal exit:
# `bash -c cmd` (which execs cmd) and every killed process leak a pair. With pids wrapping at
# 32768, a later process meets a leaked pair under its own pid, or inherits a dead creator's
# names, and libfaketime exits ("sem_open failed and recreation attempts failed") -- it broke a
# bundle unpack on the skewed host after ~900 leaks. So one long-lived holder process per skewed
# host creates the pair, and every process there (sshd and sessions, via FAKETIME_SHARED) reuses
# it: nobody else creates, nobody unlinks, nothing leaks. (Newer libfaketime has
# FAKETIME_DISABLE_SHM for this; 0.9.10 does not.)
faketime_shared() {
  local pid
  pid="$(read_pid "$(host_dir "$1")/faketime-holder.pid")"
  echo "/faketime_sem_$pid /faketime_shm_$pid"
}

start_faketime_holder() {
  local h="$1" d skew user pid
  d="$(host_dir "$h")"
  skew="$(cat "$d/faketime" 2>/dev/null || true)"
  [ -n "$skew" ] || return 0
  pid_alive "$(read_pid "$d/faketime-holder.pid")" && return 0
  user="$(host_user "$h")"
  # Inside the host's namespace (so down.sh ends it with the rest), as the host's user (so the
  # pair is its own). setpriv and ip netns exec both exec: $! is the holder itself.
  ip netns exec "$h" setpriv --reuid="$user" --regid="$user" --init-groups \
    env LD_PRELOAD="$LIBFAKETIME" FAKETIME="$skew" sleep infinity </dev/null >/dev/null 2>&1 &
  pid=$!
  echo "$pid" >"$d/faketime-holder.pid"
  local i
  for i in $(seq 50); do
    [ -e "/dev/shm/sem.faketime_sem_$pid" ] && [ -e "/dev/shm/faketime_shm_$pid" ] && return 0
    sleep 0.1
  done
  die "$h: libfaketime made no shared semaphore for holder pid $pid (/dev/shm/sem.faketime_sem_$pid)"
}

stop_faketime_holder() {
  local d pid
  d="$(host_dir "$1")"
  pid="$(read_pid "$d/faketime-holder.pid")"
  if pid_alive "$pid"; then kill -KILL "$pid"; fi
  if [ -n "$pid" ]; then rm -f "/dev/shm/sem.faketime_sem_$pid" "/dev/shm/faketime_shm_$pid"; fi
  rm -f "$d/faketime-holder.pid"
}

start_sshd() {
  local h="$1" d skew
  d="$(host_dir "$h")"
  skew="$(cat "$d/faketime" 2>/dev/null || true)"
  mkdir -p /run/sshd # privilege separation dir Debian's sshd expects (systemd makes it normally)
  local faked=()
  if [ -n "$skew" ]; then
    start_faketime_holder "$h"
    faked=(LD_PRELOAD="$LIBFAKETIME" FAKETIME="$skew" FAKETIME_SHARED="$(faketime_shared "$h")")
  else
    stop_faketime_holder "$h"
  fi
  write_sshd_config "$h"
  "$SSHD" -t -f "$d/sshd_config" || die "$h: sshd rejects $d/sshd_config"
  # `ip netns exec` gives the daemon its own mount namespace (propagation slave), so a /tmp bound
  # there is private to this host, as on a real machine; sessions inherit it from sshd.
  # shellcheck disable=SC2016 # "$1" and "$@" are the inner sh's arguments, not this shell's
  ip netns exec "$h" sh -c 'mount --bind "$1" /tmp && shift && exec "$@"' sh \
    "/tmp/loadfleet-testbed/$h" env "${faked[@]}" "$SSHD" -f "$d/sshd_config" -E "$d/sshd.log"
  for _ in $(seq 50); do
    pid_alive "$(read_pid "$d/sshd.pid")" && return 0
    sleep 0.1
  done
  die "$h: sshd did not start; see $d/sshd.log"
}

stop_sshd() {
  local d pid
  d="$(host_dir "$1")"
  pid="$(read_pid "$d/sshd.pid")"
  if pid_alive "$pid"; then
    kill "$pid"
    for _ in $(seq 50); do pid_alive "$pid" || break; sleep 0.1; done
  fi
  rm -f "$d/sshd.pid"
}

# Rewrites the launcher's known_hosts from the host keys each host currently trusts as its own
# ($HOST_STATE/<h>/known_key.pub), which rekey.sh may deliberately leave behind the real key.
write_known_hosts() {
  local h
  : >"$STATE/known_hosts.tmp"
  for h in "${SSH_HOSTS[@]}"; do
    [ -s "$(host_dir "$h")/known_key.pub" ] || continue
    echo "$(host_key_name "$h") $(cut -d' ' -f1,2 "$(host_dir "$h")/known_key.pub")" >>"$STATE/known_hosts.tmp"
  done
  mv "$STATE/known_hosts.tmp" "$STATE/known_hosts"
}

key_fingerprint() { ssh-keygen -l -E sha256 -f "$1" | awk '{print $2}'; }

# Deletes a link if it is there. A veth whose peer was in a deleted namespace vanishes on its own a
# moment after that namespace, so between a look and a delete it may go: "not there" is the goal
# reached, never an error.
remove_link() {
  local _
  for _ in $(seq 20); do
    ip link show dev "$1" >/dev/null 2>&1 || return 0
    ip link del "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  die "cannot delete link $1: still there after 20 tries (see: ip link show dev $1)"
}
