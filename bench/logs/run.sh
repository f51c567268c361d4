#!/usr/bin/env bash
# Container logs to Elasticsearch: log-agent against rsyslog (imfile -> omelasticsearch, bulk), on
# the same generated CRI files (BENCH_LOG_MB, 1024 by default, in BENCH_PODS pods, 8), each into a
# fresh index; then log-agent into a null sink. Last line:
#   logs agent_mib_s=<a> rsyslog_mib_s=<b> agent_cpu_s_per_gib=<c> rsyslog_cpu_s_per_gib=<d> agent_rss_mb=<e> lost=<f> dup=<g>
# Needs Elasticsearch (scripts/infra.sh starts it), rsyslog and rsyslog-elasticsearch (installed
# here), kube-sim for the pods' metadata (started here, stopped at the end).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
TAG=bench
# shellcheck source=../../scripts/lib.sh
source scripts/lib.sh
need_packages rsyslog rsyslog-elasticsearch python3 curl
bash scripts/infra.sh up >/dev/null
mvn -B -q -ntp install -pl log-agent,kube-sim -am -DskipTests -Dspotless.check.skip=true >/tmp/logs-bench-maven.log 2>&1 \
  || { tail -n 60 /tmp/logs-bench-maven.log; exit 1; }
WORK=$(mktemp -d /var/tmp/logs-bench.XXXX)
KUBE_SIM_PID=
cleanup() {
  [ -n "$KUBE_SIM_PID" ] && kill "$KUBE_SIM_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
java -Xmx256m -jar "$(ls kube-sim/target/kube-sim-*-exec.jar)" --server.port=0 --clusters=1 --nodes=1 \
  --kube-sim.base-port=0 --kube-sim.kubeconfig-dir="$WORK/kubeconfigs" >"$WORK/kube-sim.log" 2>&1 &
KUBE_SIM_PID=$!
for _ in $(seq 1 120); do [ -s "$WORK/kubeconfigs/room-1.kubeconfig" ] && break; sleep 0.5; done
[ -s "$WORK/kubeconfigs/room-1.kubeconfig" ] || { tail -n 30 "$WORK/kube-sim.log"; die "kube-sim did not start"; }
KUBECONFIG_FILE=$WORK/kubeconfigs/room-1.kubeconfig
API=$(awk '/server:/ {print $2}' "$KUBECONFIG_FILE")
TOKEN=$(awk '/token:/ {print $2}' "$KUBECONFIG_FILE")
for _ in $(seq 1 60); do
  curl -fsk -o /dev/null -H "Authorization: Bearer $TOKEN" "$API/api/v1/nodes/room-1-node-1" && break
  sleep 0.5
done
python3 bench/logs/bench.py "$WORK" "$(ls log-agent/target/log-agent-*.jar | grep -v plain | head -n 1)" \
  "$KUBECONFIG_FILE" "$API" "$TOKEN"
