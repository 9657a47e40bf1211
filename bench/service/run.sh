#!/usr/bin/env bash
# Service benchmark (see BENCHMARKS.md "## Service"). Loopback only; every step is bounded
# (BENCH_WARMUP + BENCH_WINDOW seconds of load, then in-flight requests finish; the service is
# started with --duration so it cannot outlive a crashed run).
# Usage: bench/service/run.sh [STEP...]   (about 15 minutes with the default steps)
#   STEP = VARIANT:STUDENTS[:store]   one service JVM driven by the benchmark JVM with the guide's
#                                     workload (17.5 MB every 30 s and a heartbeat every 10 s per
#                                     student); discard mode unless ':store' (files written,
#                                     counted against uploadsStored, then deleted)
# Variants: old = the stand-in at OLD_REV (default 4722c3e, before the service rework: Netty's
#                 multipart decoder), compiled from git into target/bench-service/old;
#           new = this working tree (target/classes), Netty's native epoll transport;
#           nio = the same with -Dloadfleet.service.transport=nio (Java NIO, as old).
# Results: target/bench-service/{results.json,summary.md,<step>/service.log}.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -gt 0 ] || set -- old:500 new:500 nio:500 old:500 new:500 nio:500 old:100:store new:100:store
OLD_REV="${OLD_REV:-4722c3e}"
OUT="${BENCH_OUT:-target/bench-service}"
SERVICE_OPTS="${SERVICE_OPTS:--Xmx512m}"

./mvnw -B -q test-compile
./mvnw -B -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
DEPS="$(cat target/bench-classpath.txt)"
OLD="$OUT/old"
rm -rf "$OLD" && mkdir -p "$OLD/src" "$OLD/classes"
git archive "$OLD_REV" src/main/java | tar -x -C "$OLD/src"
find "$OLD/src" -name '*.java' >"$OLD/sources.txt"
javac -nowarn -Xlint:none -d "$OLD/classes" -cp "$DEPS" @"$OLD/sources.txt"

read -ra extra <<<"${BENCH_JAVA_OPTS:-}"
exec java -Xmx512m -cp "target/test-classes:target/classes:$DEPS" \
  "-Dbench.deps=$DEPS" \
  "-Dbench.classes.old=$OLD/classes" \
  "-Dbench.classes.new=target/classes" \
  "-Dbench.classes.nio=target/classes" "-Dbench.jvm.nio=-Dloadfleet.service.transport=nio" \
  "-Dbench.serviceOptions=$SERVICE_OPTS" \
  "${extra[@]}" \
  "-Dbench.warmup=${BENCH_WARMUP:-45}" "-Dbench.window=${BENCH_WINDOW:-45}" \
  bench/service/ServiceBenchmark.java "$OUT" "$@"
