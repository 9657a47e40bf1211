#!/usr/bin/env bash
# Merge benchmark (see BENCHMARKS.md "## Merge"). Usage: bench/merge/run.sh [TOTAL_RECORDS...] [--no-report]
# Default: 1M and 10M records across 4 inputs. The benchmark JVM gets a 64 MiB heap on purpose:
# the merge must stream. Gatling's report generation is forked with -Xmx6g.
# --inputs N splits the records over N logs; --full-report also times loadfleet's whole report
# (run it with BENCH_HEAP=512m: exact statistics keep histograms per host and request name).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -gt 0 ] || set -- 1000000 10000000
./mvnw -B -q compile
./mvnw -B -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
exec java "-Xmx${BENCH_HEAP:-64m}" -cp "target/classes:$(cat target/bench-classpath.txt)" \
  bench/merge/MergeBenchmark.java target/bench-merge "$@"
