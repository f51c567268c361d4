#!/usr/bin/env bash
# DNS benchmark: API create -> answer at BIND (p50/p99) and sustained changes per second.
# Starts the local servers if needed; prints three lines, the last one:
#   dns api_to_answer_p99_ms=<a> changes_per_s=<b>
# Sizes: BENCH_LATENCY_RECORDS (1000), BENCH_THROUGHPUT_RECORDS (4000), BENCH_THREADS (8).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bash "$ROOT/scripts/infra.sh" up >/dev/null
cd "$ROOT"
mvn -B -q -ntp install -pl platform-common -am -DskipTests >/dev/null
rm -f dns-service/target/dns-bench.txt
mvn -B -q -ntp verify -pl dns-service -Dspotless.check.skip=true -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=DnsBenchmark -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dbench.latencyRecords="${BENCH_LATENCY_RECORDS:-1000}" -Dbench.throughputRecords="${BENCH_THROUGHPUT_RECORDS:-4000}" \
  -Dbench.threads="${BENCH_THREADS:-8}" >/tmp/dns-bench-maven.log 2>&1 \
  || { tail -n 40 /tmp/dns-bench-maven.log; exit 1; }
cat dns-service/target/dns-bench.txt
