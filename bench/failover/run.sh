#!/usr/bin/env bash
# Failover: kube-sim with 3 clusters, one cluster-service with default probe settings (every 5 s,
# 3 s timeout, failed after 3 misses), 30 workloads of 3 replicas; room-3's API made unreachable.
# Last line:
#   failover detect_s=<a> restore_s=<b>
# detect: until cluster-service shows room-3 failed over; restore: until rooms 1 and 2 run all
# 90 replicas Ready (read from those clusters). Knob: BENCH_WORKLOADS (30).
# Needs MariaDB, etcd and Kafka: starts them with scripts/infra.sh when they are not running.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
bash scripts/infra.sh up >/dev/null
# cluster-service and what it needs (platform-common, kube-sim's runnable jar), installed
mvn -B -q -ntp install -pl cluster-service -am -DskipTests -Dspotless.check.skip=true >/dev/null
rm -f cluster-service/target/failover.txt
mvn -B -q -ntp test -pl cluster-service -Dspotless.check.skip=true -Dtest=FailoverBenchmark \
  -Dsurefire.failIfNoSpecifiedTests=false -Dbench.workloads="${BENCH_WORKLOADS:-30}" \
  >/tmp/failover-bench-maven.log 2>&1 || { tail -n 40 /tmp/failover-bench-maven.log; exit 1; }
cat cluster-service/target/failover.txt
