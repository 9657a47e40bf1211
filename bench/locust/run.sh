#!/usr/bin/env bash
# Locust vs one loadfleet injector, side by side, against the same nginx sink that reads every
# body (see BENCHMARKS.md, "Locust"). Loopback only; every step is bounded (its SECONDS + 240 s).
# Needs Debian's packages: apt-get install python3-locust nginx-light (nginx-light pulls in
# libnginx-mod-http-echo, which the sink uses to read each body).
# Usage: bench/locust/run.sh [STEP...]     (about 11 minutes with the default steps)
#   STEP = TOOL:STUDENTS[:SECONDS], TOOL = locust | loadfleet (see compare.py)
# Results: target/bench-locust/{summary.md,results.json,<step>/...} (BENCH_OUT to change).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -gt 0 ] || set -- locust:200 loadfleet:200 locust:500 loadfleet:500
for tool in locust nginx java; do
  command -v "$tool" >/dev/null || { echo "bench/locust: '$tool' is not on PATH (apt-get install python3-locust nginx-light)" >&2; exit 2; }
done
[ -f /usr/lib/nginx/modules/ngx_http_echo_module.so ] || { echo "bench/locust: nginx's echo module is missing (apt-get install libnginx-mod-http-echo)" >&2; exit 2; }
# The bundle as it deploys: the injector runs through its bin/injector, with the JVM flags it sets.
[ -n "${BENCH_SKIP_BUILD:-}" ] || ./mvnw -B -q package -DskipTests
out="${BENCH_OUT:-target/bench-locust}"
rm -rf "$out"
# /usr/bin/python3: Debian's locust lives in Debian's Python, whatever python3 is first on PATH.
exec /usr/bin/python3 bench/locust/compare.py "$out" target/loadfleet-bundle "$@"
