#!/usr/bin/env bash
# Injector benchmark (see BENCHMARKS.md "## Injector"). Loopback only; every step is bounded
# (ramp, warm-up to the first full upload cycle, BENCH_STEADY seconds measured, 5 s; the
# simulation's own maxDuration and a fork timeout stop anything that overruns).
# Usage: bench/injector/run.sh [STEP...]   (about 12 minutes with the default steps)
#   STEP = VARIANT:USERS  one forked Gatling run of ProctoringSimulation (profile full: 17.5 MB
#                         every 30 s, heartbeats every 10 s, ramp 10/s) against a stand-in
#                         (`loadfleet target --discard`) started in its own JVM for that step
#        | curl           the floor: curl uploading the same multipart bytes over one connection
# Variants: bundle = the JVM flags bin/injector had before tuning (G1, at d2f4681), --no-reports;
#           tuned  = the flags BENCHMARKS.md recommends, which bin/injector now runs, --no-reports;
#           untimed = tuned with the simulation's response-time histograms off
#                    (-Dloadfleet.responseTimes=false): the recording's cost is tuned minus untimed.
#           parts  = tuned with the upload's body built from Gatling's own multipart parts
#                    (-Dloadfleet.uploadBody=gatling; the simulation's default sends the recording's
#                    shared bytes without copies).
#           memory = tuned with the recording always sent from its mapped file, in slices
#                    (-Dloadfleet.uploadBody=memory; the default sends it from its file with
#                    sendfile over plain HTTP).
#           c1     = tuned with -XX:TieredStopAtLevel=1 (the client compiler only: less JIT work in a
#                    short run, slower code in a long one).
# Results: target/bench-injector/{results.json,summary.md,<step>/...}.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -gt 0 ] || set -- curl bundle:500 tuned:500 tuned:100 tuned:250 tuned:1000 curl

# The JVM flags of the first injector start script (src/main/bundle/bin/injector at d2f4681).
BUNDLE_OPTS="-server -XX:+UseG1GC -XX:MaxRAMPercentage=60 -XX:+HeapDumpOnOutOfMemoryError -XX:MaxInlineLevel=20 -XX:MaxTrivialSize=12"
# What the figures support (BENCHMARKS.md says why, flag by flag).
TUNED_OPTS="${TUNED_OPTS:--server -XX:+UseParallelGC -Xms512m -Xmx512m -XX:+HeapDumpOnOutOfMemoryError -XX:MaxInlineLevel=20 -XX:MaxTrivialSize=12 -Dio.netty.leakDetection.level=disabled}"
# The same without the live response-time histograms (the progress file keeps its counts).
UNTIMED_OPTS="$TUNED_OPTS -Dloadfleet.responseTimes=false"
# The stand-in: a fixed heap so its collector does not size itself on the machine (it holds no uploads).
SERVICE_OPTS="${SERVICE_OPTS:--Xmx512m}"

./mvnw -B -q test-compile
./mvnw -B -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
exec java -Xmx256m -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  "-Dbench.variant.bundle=$BUNDLE_OPTS" \
  "-Dbench.variant.tuned=$TUNED_OPTS" \
  "-Dbench.variant.untimed=$UNTIMED_OPTS" \
  "-Dbench.variant.parts=$TUNED_OPTS -Dloadfleet.uploadBody=gatling" \
  "-Dbench.variant.memory=$TUNED_OPTS -Dloadfleet.uploadBody=memory" \
  "-Dbench.variant.c1=$TUNED_OPTS -XX:TieredStopAtLevel=1" \
  "-Dbench.serviceOptions=$SERVICE_OPTS" \
  "-Dbench.steady=${BENCH_STEADY:-60}" "-Dbench.curlUploads=${BENCH_CURL_UPLOADS:-100}" \
  bench/injector/InjectorBenchmark.java "${BENCH_OUT:-target/bench-injector}" "$@"
