#!/usr/bin/env bash
# Brings up the loadfleet test bed: 4 injector hosts (lf-inj1..4, each a network namespace with
# Debian's sshd, its own unix user, home and /tmp) and a target host (lf-target: the stand-in
# service, and an sshd for its user lftarget) on the private bridge lf-br0, 10.203.7.0/24, and a
# fifth injector (lf-inj5, 10.203.8.15) on a second bridge lf-br1 that only lf-inj1 reaches: the
# launcher gets there through lf-inj1's sshd as its jump host. The injectors differ as a
# stranger's fleet would (port, SFTP, login shell, clock, jump host; see lib.sh). Idempotent:
# what exists is kept and checked. If any step fails, everything is torn down again (down.sh).
#
# usage: deploy/testbed/up.sh [--no-target] [--skew HOST=OFFSET]...
#   --no-target         do not start the stand-in service (no built bundle needed)
#   --skew lf-inj4=+5s  run that host's sshd and every session under libfaketime (FAKETIME syntax)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

start_target=1
skews=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-target) start_target=0 ;;
    --skew)
      [ $# -ge 2 ] || die "--skew needs HOST=OFFSET, e.g. --skew lf-inj4=+5s"
      skews+=("$2")
      shift
      ;;
    -h | --help)
      sed -n '2,12p' "$0"
      exit 0
      ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
  shift
done
require_root
for s in "${skews[@]}"; do
  [[ "$s" =~ ^(lf-inj[1-4])=([-+][0-9]+[smhd]?)$ ]] ||
    die "--skew '$s': expected an injector and a relative offset such as lf-inj4=+5s or lf-inj2=-3s"
done

on_exit() {
  local rc=$?
  if [ $rc -ne 0 ]; then
    echo "testbed: up failed (exit $rc); tearing down what was created" >&2
    "$TESTBED_DIR/down.sh" >&2 || true
  fi
}
trap on_exit EXIT

install_packages() {
  local need=() p
  for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
  [ ${#need[@]} -eq 0 ] && return 0
  log "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "${need[@]}" >/dev/null
}

make_bridge() {
  local bridge="$1" subnet="$2" other
  if ! ip link show dev "$bridge" >/dev/null 2>&1; then
    # The subnet must be ours alone: refuse if any other interface already routes it.
    other="$(ip -4 route show "$subnet" | grep -v "dev $bridge" || true)"
    [ -z "$other" ] || die "$subnet is already routed ($other); remove that route or change it in lib.sh"
    ip link add "$bridge" type bridge
  fi
  ip link set "$bridge" up
}

# A second interface, eth1, on the hidden bridge for a host of the main one: the jump host's
# (lf-inj1) and the target's.
make_hidden_leg() {
  local h="$1" veth="$2" addr="$3"
  if ! ip link show dev "$veth" >/dev/null 2>&1; then
    ip link add "$veth" type veth peer name eth1 netns "$h"
  fi
  ip link set "$veth" master "$HIDDEN_BRIDGE"
  ip link set "$veth" up
  ip -n "$h" addr replace "$addr/24" dev eth1
  ip -n "$h" link set eth1 up
}

# A host: namespace, loopback, a veth pair into the bridge, one address, and no default route,
# so the only place it can reach is 10.203.7.0/24.
make_host() {
  local h="$1" veth
  veth="$(host_veth "$h")"
  netns_exists "$h" || ip netns add "$h"
  ip -n "$h" link set lo up
  if ! ip link show dev "$veth" >/dev/null 2>&1; then
    ip link add "$veth" type veth peer name eth0 netns "$h"
  fi
  ip link set "$veth" master "$(host_bridge "$h")"
  ip link set "$veth" up
  ip -n "$h" addr replace "$(host_addr "$h")/24" dev eth0
  ip -n "$h" link set eth0 up
  mkdir -p "$(host_dir "$h")"
}

make_user() {
  local h="$1" user home
  user="$(host_user "$h")"
  home="/home/$user"
  if ! id "$user" >/dev/null 2>&1; then
    useradd --create-home --home-dir "$home" --shell "$(host_shell "$h")" --user-group "$user"
  fi
  usermod -s "$(host_shell "$h")" "$user"
  [ "$(getent passwd "$user" | cut -d: -f6)" = "$home" ] || die "user $user exists with another home; remove it (userdel -r $user)"
  # '*' = no password but not locked: sshd (UsePAM no) refuses even keys for a locked account.
  usermod -p '*' "$user"
  chmod 750 "$home" # the hosts must not see each other's files
  install -d -m 700 -o "$user" -g "$user" "$home/.ssh"
  install -m 600 -o "$user" -g "$user" "$STATE/id_ed25519.pub" "$home/.ssh/authorized_keys"
  install -d -m 1777 "/tmp/loadfleet-testbed/$h"
  if [ "$(host_shell "$h")" = /usr/bin/zsh ]; then
    # A login file that talks, as some hosts' do: zsh reads ~/.zshenv for every command.
    printf '%s\n' "echo 'Welcome to $h (a notice from ~/.zshenv on stdout)'" \
      "echo '$h: a notice from ~/.zshenv on stderr' >&2" >"$home/.zshenv"
    chown "$user:$user" "$home/.zshenv"
  else
    rm -f "$home/.zshenv"
  fi
}

make_host_key() {
  local d
  d="$(host_dir "$1")"
  if [ ! -s "$d/ssh_host_ed25519_key" ]; then
    ssh-keygen -q -t ed25519 -N '' -C "$1" -f "$d/ssh_host_ed25519_key"
  fi
  # What the launcher's known_hosts says about this host; rekey.sh may make it differ.
  [ -s "$d/known_key.pub" ] || cp "$d/ssh_host_ed25519_key.pub" "$d/known_key.pub"
}

ensure_sshd() {
  local h="$1" d
  d="$(host_dir "$h")"
  stop_sshd "$h" # restart so that a changed config or skew always takes effect
  start_sshd "$h"
}

# An inventory for the launcher (format: dev.loadfleet.config.InventoryLoader) that
# drives all 4 hosts with unequal weights against the target host; a short, small run.
write_inventory() {
  local h n=0
  {
    echo "# Generated by deploy/testbed/up.sh for the test bed: 4 injectors, target on lf-target."
    echo "# Key and known_hosts are the test bed's own, in $STATE."
    echo "users: 20"
    echo "rampRate: 10"
    echo "duration: 30s"
    echo "target: http://$(host_addr "$TARGET"):$TARGET_PORT"
    echo "knownHosts: $STATE/known_hosts"
    echo "workload:"
    echo "  recordingSize: 64KB"
    echo "  uploadInterval: 5s"
    echo "  heartbeatInterval: 2s"
    echo "defaults:"
    echo "  port: 22"
    echo "  keyFile: $STATE/id_ed25519"
    echo "  baseDir: loadfleet"
    echo "hosts:"
    for h in "${INJECTORS[@]}"; do
      n=$((n + 1))
      echo "  - name: $h"
      echo "    address: $(host_addr "$h")"
      echo "    user: $(host_user "$h")"
      [ "$(host_port "$h")" = 22 ] || echo "    port: $(host_port "$h")"
      echo "    weight: $n"
    done
  } >"$STATE/cluster.yaml"
}

# Flat KEY=VALUE facts for scripts and the end-to-end tests (java.util.Properties reads it).
write_env() {
  local h
  {
    echo "STATE=$STATE"
    echo "KEY=$STATE/id_ed25519"
    echo "KNOWN_HOSTS=$STATE/known_hosts"
    echo "INVENTORY=$STATE/cluster.yaml"
    echo "TARGET_URL=http://$(host_addr "$TARGET"):$TARGET_PORT"
    echo "INJECTORS=${INJECTORS[*]}"
    for h in "${INJECTORS[@]}"; do
      echo "$h.address=$(host_addr "$h")"
      echo "$h.user=$(host_user "$h")"
      echo "$h.port=$(host_port "$h")"
      echo "$h.shell=$(host_shell "$h")"
      echo "$h.sftp=$(has_sftp "$h" && echo yes || echo no)"
      echo "$h.veth=$(host_veth "$h")"
      echo "$h.skew=$(cat "$(host_dir "$h")/faketime" 2>/dev/null || true)"
    done
    echo "HIDDEN=$HIDDEN"
    echo "$HIDDEN.address=$(host_addr "$HIDDEN")"
    echo "$HIDDEN.user=$(host_user "$HIDDEN")"
    echo "$HIDDEN.port=$(host_port "$HIDDEN")"
    echo "$HIDDEN.shell=$(host_shell "$HIDDEN")"
    echo "$HIDDEN.sftp=yes"
    echo "$HIDDEN.jump=$(host_user "$JUMP")@$(host_addr "$JUMP"):$(host_port "$JUMP")"
    echo "$TARGET.address=$(host_addr "$TARGET")"
    echo "$TARGET.user=$(host_user "$TARGET")"
    echo "$TARGET.port=$(host_port "$TARGET")"
    echo "TARGET_DATA=$TARGET_DATA"
  } >"$STATE/testbed.env"
}

check_logins() {
  local h out
  for h in "${SSH_HOSTS[@]}"; do
    # shellcheck disable=SC2016 # the command expands on the injector host, not here
    out="$("$TESTBED_DIR/ssh.sh" "$h" 'echo "$(id -un) $(hostname -I 2>/dev/null || true) $(java -version 2>&1 | head -1)"')" ||
      die "$h: ssh login with the test-bed key failed; see $(host_dir "$h")/sshd.log"
    log "$h: $out"
  done
}

install_packages
umask 022
mkdir -p "$STATE" "$HOST_STATE"
chmod 700 "$STATE" "$(dirname "$HOST_STATE")"
[ -s "$STATE/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C loadfleet-testbed -f "$STATE/id_ed25519"
make_bridge "$BRIDGE" "$SUBNET"
ip addr replace "$BRIDGE_ADDR/24" dev "$BRIDGE"
make_bridge "$HIDDEN_BRIDGE" "$HIDDEN_SUBNET" # no address here: the launcher cannot reach it
for h in "${HOSTS[@]}"; do make_host "$h"; done
make_hidden_leg "$JUMP" "$JUMP_LEG" "$JUMP_LEG_ADDR"
make_hidden_leg "$TARGET" "$TARGET_LEG" "$TARGET_LEG_ADDR"
# The hidden host reaches the service's address on-link: the target answers ARP for it on eth1.
ip -n "$HIDDEN" route replace "$(host_addr "$TARGET")/32" dev eth0
for s in "${skews[@]}"; do echo "${s#*=}" >"$(host_dir "${s%%=*}")/faketime"; done
for h in "${SSH_HOSTS[@]}"; do
  make_user "$h"
  make_host_key "$h"
  ensure_sshd "$h"
done
write_known_hosts
write_inventory
write_env
check_logins
if [ "$start_target" = 1 ]; then
  "$TESTBED_DIR/target.sh" start
fi
log "up: injectors ${INJECTORS[*]} at 10.203.7.11-14 (lf-inj1 on port 2222), $HIDDEN at $(host_addr "$HIDDEN") through $JUMP only, target $TARGET at $(host_addr "$TARGET"); facts in $STATE/testbed.env"
