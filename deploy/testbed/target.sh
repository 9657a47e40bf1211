#!/usr/bin/env bash
# The stand-in service on the target host lf-target (10.203.7.20:8080), run from the built
# injector bundle (target/loadfleet-bundle, made by ./mvnw package).
#
# usage: deploy/testbed/target.sh start|stop|restart|status [-- extra `loadfleet target` options]
#   restart gives a fresh data dir and fresh /stats counters.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
cmd="${1:-status}"
shift || true
[ "${1:-}" = "--" ] && shift
extra=("$@")
url="http://$(host_addr "$TARGET"):$TARGET_PORT"
pidfile="$STATE/target.pid"

start() {
  require_root
  netns_exists "$TARGET" || die "no $TARGET namespace; run deploy/testbed/up.sh first"
  if pid_alive "$(read_pid "$pidfile")"; then
    log "target already running (pid $(read_pid "$pidfile")) at $url"
    return 0
  fi
  [ -x "$BUNDLE/bin/loadfleet" ] ||
    die "$BUNDLE/bin/loadfleet not found: build the bundle first (./mvnw -B package -DskipTests), or bring the test bed up without the service (up.sh --no-target)"
  rm -rf "$TARGET_DATA"
  install -d -m 755 "$(dirname "$TARGET_DATA")" "$TARGET_DATA"
  # setsid: the service outlives this script and gets its own process group.
  ip netns exec "$TARGET" setsid "$BUNDLE/bin/loadfleet" target --bind "$(host_addr "$TARGET")" \
    --port "$TARGET_PORT" --data-dir "$TARGET_DATA" "${extra[@]}" \
    </dev/null >"$STATE/target.log" 2>&1 &
  echo $! >"$pidfile"
  for _ in $(seq 120); do
    if curl -sf -o /dev/null --max-time 2 "$url/stats"; then
      log "target up at $url (pid $(read_pid "$pidfile"))"
      return 0
    fi
    pid_alive "$(read_pid "$pidfile")" || die "the stand-in service exited; see $STATE/target.log"
    sleep 0.5
  done
  die "the stand-in service did not answer $url/stats within 60 s; see $STATE/target.log"
}

stop() {
  local pid
  pid="$(read_pid "$pidfile")"
  if pid_alive "$pid"; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
    for _ in $(seq 100); do pid_alive "$pid" || break; sleep 0.1; done
    pid_alive "$pid" && kill -KILL -- "-$pid" 2>/dev/null
  fi
  rm -f "$pidfile"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status)
    if pid_alive "$(read_pid "$pidfile")" && curl -sf --max-time 2 "$url/stats"; then
      echo
    else
      echo "target: not running"
      exit 1
    fi
    ;;
  *) die "usage: $0 start|stop|restart|status [-- extra loadfleet target options]" ;;
esac
