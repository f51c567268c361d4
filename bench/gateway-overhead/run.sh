#!/usr/bin/env bash
# Gateway overhead: a trivial backend (a private nginx answering 200 "ok") called directly and
# through the gateway (JWT validation, rate limits, breaker, metrics on), with wrk, paced at about
# 2,000 requests/s and at saturation. Last line:
#   gateway-overhead added_p50_ms=<a> added_p99_ms=<b> direct_rps=<c> gateway_rps=<d>
# Knobs: WARMUP (60s: C2 needs about a minute on two shared cores), DURATION (15s), PACED_CONNECTIONS (20), PACED_DELAY_MS (10), SATURATION_CONNECTIONS (64),
# GATEWAY_JAVA_OPTS (-Xmx512m).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/bench/gateway-overhead
WARMUP=${WARMUP:-60s}
DURATION=${DURATION:-15s}
PACED_CONNECTIONS=${PACED_CONNECTIONS:-20}
PACED_DELAY_MS=${PACED_DELAY_MS:-10}
SATURATION_CONNECTIONS=${SATURATION_CONNECTIONS:-64}
BACKEND_PORT=18181
GATEWAY_PORT=18180

TAG=bench
# shellcheck source=../../scripts/lib.sh
source "$ROOT/scripts/lib.sh"
need_packages wrk nginx openssl
bash "$ROOT/scripts/infra.sh" up >/dev/null
# a fresh identity store each run: the bootstrap admin gets this run's password
mariadb --no-defaults --protocol=tcp -h127.0.0.1 -P13306 -uroot -e 'DROP DATABASE IF EXISTS gateway_bench'
WORK=$(mktemp -d)
cleanup() {
  [ -f "$WORK/gateway.pid" ] && kill "$(cat "$WORK/gateway.pid")" 2>/dev/null || true
  [ -f "$WORK/nginx/logs/nginx.pid" ] && kill "$(cat "$WORK/nginx/logs/nginx.pid")" 2>/dev/null || true
}
trap cleanup EXIT
[ "${KEEP:-}" = 1 ] && trap - EXIT

# the backend: a private nginx instance
mkdir -p "$WORK/nginx/logs" "$WORK/nginx/conf" "$WORK/nginx/tmp"
cat >"$WORK/nginx/conf/nginx.conf" <<NGINX
worker_processes 1;
pid $WORK/nginx/logs/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/tmp; proxy_temp_path $WORK/nginx/tmp; fastcgi_temp_path $WORK/nginx/tmp;
  uwsgi_temp_path $WORK/nginx/tmp; scgi_temp_path $WORK/nginx/tmp;
  server { listen 127.0.0.1:$BACKEND_PORT; location / { return 200 "ok\n"; } }
}
NGINX
nginx -p "$WORK/nginx" -c "$WORK/nginx/conf/nginx.conf" -e "$WORK/nginx/logs/error.log"

# the gateway, with limits far above the load so that only its overhead is measured; its audit
# events go to bench.audit-events, never to a local platform's audit-service
(cd "$ROOT" && mvn -B -q -ntp package -pl gateway -am -DskipTests >/dev/null)
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/key.pem" 2>/dev/null
PASSWORD=bench-$(openssl rand -hex 8)
SERVER_PORT=$GATEWAY_PORT PLATFORM_ADMIN_PASSWORD=$PASSWORD PLATFORM_GATEWAY_SIGNINGKEY="$WORK/key.pem" \
  PLATFORM_DB_URL="jdbc:mysql://127.0.0.1:13306/gateway_bench?createDatabaseIfNotExist=true" \
  java ${GATEWAY_JAVA_OPTS:--Xmx512m} -jar "$ROOT"/gateway/target/gateway-*.jar \
  --platform.gateway.services.bench=http://127.0.0.1:$BACKEND_PORT \
  --platform.kafka.topic-prefix=bench. \
  --platform.gateway.rate-limits.user.capacity=1000000 --platform.gateway.rate-limits.user.per-second=1000000 \
  --platform.gateway.rate-limits.tenant.capacity=1000000 --platform.gateway.rate-limits.tenant.per-second=1000000 \
  >"$WORK/gateway.log" 2>&1 &
echo $! >"$WORK/gateway.pid"
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$GATEWAY_PORT/actuator/health/readiness" >/dev/null && break; sleep 1; done
TOKEN=$(curl -fsS -X POST "http://127.0.0.1:$GATEWAY_PORT/api/auth/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
echo "$TOKEN" >"$WORK/token" # for profiling with KEEP=1
DIRECT=http://127.0.0.1:$BACKEND_PORT/ok
VIA_GATEWAY=http://127.0.0.1:$GATEWAY_PORT/api/bench/ok

measure() { # connections delay_ms url token [duration]
  TOKEN=$4 DELAY_MS=$2 wrk -t2 -c"$1" -d"${5:-$DURATION}" -s "$HERE/wrk.lua" "$3" | grep '^RESULT'
}
value() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$2"; }

measure 8 0 "$VIA_GATEWAY" "$TOKEN" "$WARMUP" >/dev/null # warm-up: JIT and connection pools
direct_paced=$(measure "$PACED_CONNECTIONS" "$PACED_DELAY_MS" "$DIRECT" "")
gateway_paced=$(measure "$PACED_CONNECTIONS" "$PACED_DELAY_MS" "$VIA_GATEWAY" "$TOKEN")
direct_max=$(measure "$SATURATION_CONNECTIONS" 0 "$DIRECT" "")
gateway_max=$(measure "$SATURATION_CONNECTIONS" 0 "$VIA_GATEWAY" "$TOKEN")
echo "paced direct:      $direct_paced"
echo "paced gateway:     $gateway_paced"
echo "saturated direct:  $direct_max"
echo "saturated gateway: $gateway_max"
added_p50=$(awk -v g="$(value p50_ms "$gateway_paced")" -v d="$(value p50_ms "$direct_paced")" 'BEGIN{printf "%.3f", g-d}')
added_p99=$(awk -v g="$(value p99_ms "$gateway_paced")" -v d="$(value p99_ms "$direct_paced")" 'BEGIN{printf "%.3f", g-d}')
echo "gateway-overhead added_p50_ms=$added_p50 added_p99_ms=$added_p99 direct_rps=$(value rps "$direct_max") gateway_rps=$(value rps "$gateway_max")"
