#!/usr/bin/env bash
# Every benchmark in BENCHMARKS.md, one after the other (about 30 minutes on 2 cores):
# the merge (bench/merge/run.sh: 1M and 10M records), the hosts page (the same with 8 inputs and
# loadfleet's whole report) and the injector (bench/injector/run.sh: curl floor, bundle vs tuned
# side by side at 500 students, the tuned injector at 1-1000 students).
set -euo pipefail
cd "$(dirname "$0")"
./merge/run.sh
BENCH_HEAP=512m ./merge/run.sh --inputs 8 --no-report --full-report 10000000
./injector/run.sh
