#!/usr/bin/env bash
# Placement: 10,000 workloads over 100 clusters, each taking the room the previous ones used.
# Last line:
#   placement workloads=10000 clusters=100 total_ms=<x>
# Knobs: BENCH_WORKLOADS (10000), BENCH_CLUSTERS (100). Needs no servers.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
mvn -B -q -ntp install -pl cluster-service -am -DskipTests -Dspotless.check.skip=true >/dev/null
rm -f cluster-service/target/placement.txt
mvn -B -q -ntp test -pl cluster-service -Dspotless.check.skip=true -Dtest=PlacementBenchmark \
  -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.workloads="${BENCH_WORKLOADS:-10000}" -Dbench.clusters="${BENCH_CLUSTERS:-100}" \
  >/tmp/placement-bench-maven.log 2>&1 || { tail -n 40 /tmp/placement-bench-maven.log; exit 1; }
cat cluster-service/target/placement.txt
