#!/usr/bin/env bash
# log-center's export beyond a search window: BENCH_RECORDS (1,000,000) records of one tenant in
# Elasticsearch, exported to CSV through the API by log-center as a process with a 256 MB heap.
# Last line:
#   log-export records=<n> seconds=<s> records_per_s=<r> file_mb=<m> heap_max_mb=256 peak_rss_mb=<p>
# Needs Elasticsearch (scripts/infra.sh starts it).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
bash scripts/infra.sh up >/dev/null
mvn -B -q -ntp install -pl e2e -am -DskipTests -Dspotless.check.skip=true >/tmp/log-export-bench-maven.log 2>&1 \
  || { tail -n 60 /tmp/log-export-bench-maven.log; exit 1; }
rm -f e2e/target/log-export-bench.txt
mvn -B -ntp verify -pl e2e -Dspotless.check.skip=true -Dit.test=LogExportBenchmark \
  -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dbench.records="${BENCH_RECORDS:-1000000}" >/tmp/log-export-bench-maven.log 2>&1 \
  || { tail -n 60 /tmp/log-export-bench-maven.log; exit 1; }
cat e2e/target/log-export-bench.txt
