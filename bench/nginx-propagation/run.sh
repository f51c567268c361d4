#!/usr/bin/env bash
# nginx propagation: nginx-mgr (its own process) and N agents on one cluster (three with real
# nginx, the rest in process with a no-op nginx, plus one agent process whose RSS is reported);
# changes through the API at a steady rate; latency from the API's 2xx to each agent's report.
# Last line:
#   nginx-propagation agents=<N> p50_ms=<x> p99_ms=<y> reloads_per_s=<z> agent_rss_mb=<r>
# Knobs: BENCH_AGENTS (100), BENCH_RATE (200 writes/s), BENCH_SECONDS (20),
# BENCH_INTERVAL (1S: the agents' reload interval, ISO-8601 without PT, e.g. 0.2S).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bash "$ROOT/scripts/infra.sh" up >/dev/null
cd "$ROOT"
# nginx-agent and what it needs (platform-common, nginx-model, nginx-mgr's runnable jar), installed
mvn -B -q -ntp install -pl nginx-agent -am -DskipTests -Dspotless.check.skip=true >/dev/null
rm -f nginx-agent/target/nginx-propagation.txt
mvn -B -q -ntp verify -pl nginx-agent -Dspotless.check.skip=true -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=NginxPropagationBenchmark -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dbench.agents="${BENCH_AGENTS:-100}" -Dbench.rate="${BENCH_RATE:-200}" \
  -Dbench.seconds="${BENCH_SECONDS:-20}" -Dbench.interval="${BENCH_INTERVAL:-1S}" \
  >/tmp/nginx-bench-maven.log 2>&1 || { tail -n 40 /tmp/nginx-bench-maven.log; exit 1; }
cat nginx-agent/target/nginx-propagation.txt
