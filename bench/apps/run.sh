#!/usr/bin/env bash
# Applications: the e2e platform (gateway, cluster-service, app-orchestrator, ... as processes)
# with kube-sim's default readiness delay (2 s); 50 applications of 5 services, 2 layers deep on
# average, started at once. Last line:
#   apps apps=<n> services=<m> all_ready_s=<x> overhead_s=<y>
# The lines before: where a step's time goes (p50/p95 from kube-sim's timeline), and the peer (a
# deploy-and-poll script per application) with the ratio, and the CPU each process spent. The
# applications are deleted at the end, so runs on the same servers start alike.
# Knobs: BENCH_APPS (50), BENCH_RECONCILE_INTERVAL (cluster-service's full rounds, 5s). Needs MariaDB, etcd, Kafka, BIND and the registries: starts them with
# scripts/infra.sh when they are not running.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
bash scripts/infra.sh up >/dev/null
# the services' jars the e2e platform runs, installed
mvn -B -q -ntp install -pl e2e -am -DskipTests -Dspotless.check.skip=true >/tmp/apps-bench-maven.log 2>&1 \
  || { tail -n 60 /tmp/apps-bench-maven.log; exit 1; }
rm -f e2e/target/apps-bench.txt
mvn -B -q -ntp verify -pl e2e -Dspotless.check.skip=true -Dit.test=AppsBenchmark \
  -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
  -De2e.read-after=10s -De2e.pod-ready-delay=2s -De2e.nodes=10 -De2e.reconcile-interval="${BENCH_RECONCILE_INTERVAL:-5s}" -Dbench.apps="${BENCH_APPS:-50}" -Dbench.warmup-apps="${BENCH_WARMUP:-10}" \
  >/tmp/apps-bench-maven.log 2>&1 || { tail -n 60 /tmp/apps-bench-maven.log; exit 1; }
cat e2e/target/apps-bench.txt
