#!/usr/bin/env bash
# nginx propagation: nginx-mgr (its own process) and N agents on one cluster (three with real
# nginx and its Lua module, the rest in process with a no-op nginx and balancer, plus one agent
# process whose RSS is reported); changes through the API at a steady rate in two phases:
# (a) members and weights, pushed to nginx's Lua balancer, with a client sending requests through a
# real nginx; (b) locations, which reload. Latency from the API's 2xx to each agent's report.
# Last line:
#   nginx-propagation agents=<N> dynamic_p50_ms=<a> dynamic_p99_ms=<b> dynamic_reloads=<c>
#     failed_requests=<d> reloads_per_s=<e> final_after_last_write_ms=<f> agent_rss_mb=<g>
# Knobs: BENCH_AGENTS (100), BENCH_RATE (200 writes/s), BENCH_SECONDS (20 a phase),
# BENCH_INTERVAL (1S: the agents' reload interval, ISO-8601 without PT, e.g. 0.2S),
# BENCH_PUSH_INTERVAL (0.1S: their push-interval, the default), BENCH_WARMUP (10 s of writes before
# the phases), BENCH_CONNECTIONS (10 etcd connections the 97 simulated agents share; 0: one each).
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
  -Dbench.seconds="${BENCH_SECONDS:-20}" -Dbench.interval="${BENCH_INTERVAL:-1S}" -Dbench.push-interval="${BENCH_PUSH_INTERVAL:-0.1S}" \
  -Dbench.warmup="${BENCH_WARMUP:-10}" -Dbench.connections="${BENCH_CONNECTIONS:-10}" \
  >/tmp/nginx-bench-maven.log 2>&1 || { tail -n 40 /tmp/nginx-bench-maven.log; exit 1; }
cat nginx-agent/target/nginx-propagation.txt
