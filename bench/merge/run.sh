#!/usr/bin/env bash
# Merge benchmark (see BENCHMARKS.md "## Merge"). Usage: bench/merge/run.sh [TOTAL_RECORDS...] [--no-report]
# Default: 1M and 10M records across 4 inputs. The benchmark JVM gets a 64 MiB heap on purpose:
# the merge must stream. Gatling's report generation is forked with -Xmx6g.
# --inputs N splits the records over N logs; --full-report also times loadfleet's whole report
# (its phases, CPU, peak heap and RSS) and opens its hosts page in headless Chromium (Debian's
# chromium-headless-shell) unless --no-browser; --keep keeps the logs and the report under
# target/bench-merge. BENCH_HEAP sets the benchmark JVM's -Xmx, BENCH_JVM_OPTS adds JVM options
# (for example -XX:StartFlightRecording=filename=target/bench.jfr).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -gt 0 ] || set -- 1000000 10000000
./mvnw -B -q test-compile
./mvnw -B -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
# shellcheck disable=SC2086 # BENCH_JVM_OPTS holds several JVM options, split on purpose
exec java "-Xmx${BENCH_HEAP:-64m}" ${BENCH_JVM_OPTS:-} -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" \
  bench/merge/MergeBenchmark.java target/bench-merge "$@"
