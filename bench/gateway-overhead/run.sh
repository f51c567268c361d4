#!/usr/bin/env bash
# Gateway overhead: a trivial backend (a private nginx answering 200 "ok") called directly, through
# a bare Spring Cloud Gateway route (bare-gateway/: same JVM options and warm-up, no filters of the
# platform's) and through the platform gateway (JWT validation, rate limits, breaker, retry, audit,
# metrics on), with wrk, paced at about 2,000 requests/s and at saturation, in one run. Last line:
#   gateway-overhead added_p50_ms=<a> added_p99_ms=<b> ratio_to_bare=<gateway_rps/bare_rps> gateway_rps=<c> bare_rps=<d>
# (added = platform gateway minus direct, at the paced load).
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
BARE_PORT=18182

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
  [ -f "$WORK/bare.pid" ] && kill "$(cat "$WORK/bare.pid")" 2>/dev/null || true
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
(cd "$ROOT" && mvn -B -q -ntp package -f bench/gateway-overhead/bare-gateway/pom.xml -DskipTests >/dev/null)
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
SERVER_PORT=$BARE_PORT BACKEND_URL=http://127.0.0.1:$BACKEND_PORT \
  java ${GATEWAY_JAVA_OPTS:--Xmx512m} -jar "$HERE"/bare-gateway/target/bare-gateway-*.jar >"$WORK/bare.log" 2>&1 &
echo $! >"$WORK/bare.pid"
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$GATEWAY_PORT/actuator/health/readiness" >/dev/null && break; sleep 1; done
for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$BARE_PORT/api/bench/ok" >/dev/null && break; sleep 1; done
TOKEN=$(curl -fsS -X POST "http://127.0.0.1:$GATEWAY_PORT/api/auth/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
echo "$TOKEN" >"$WORK/token" # for profiling with KEEP=1
DIRECT=http://127.0.0.1:$BACKEND_PORT/ok
VIA_GATEWAY=http://127.0.0.1:$GATEWAY_PORT/api/bench/ok
VIA_BARE=http://127.0.0.1:$BARE_PORT/api/bench/ok

measure() { # connections delay_ms url token [duration]
  TOKEN=$4 DELAY_MS=$2 wrk -t2 -c"$1" -d"${5:-$DURATION}" -s "$HERE/wrk.lua" "$3" | grep '^RESULT'
}
value() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", (b > 0 ? a / b : 0)}'; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", a - b}'; }

# warm-up, alike for both JVMs: JIT and connection pools. Both gateways get the same request, token
# included (the bare route forwards it unread), so that the ratio compares the filters, not the
# requests; direct gets it without the token, as a service behind the gateway would not.
measure 8 0 "$VIA_GATEWAY" "$TOKEN" "$WARMUP" >/dev/null
measure 8 0 "$VIA_BARE" "$TOKEN" "$WARMUP" >/dev/null
direct_paced=$(measure "$PACED_CONNECTIONS" "$PACED_DELAY_MS" "$DIRECT" "")
bare_paced=$(measure "$PACED_CONNECTIONS" "$PACED_DELAY_MS" "$VIA_BARE" "$TOKEN")
gateway_paced=$(measure "$PACED_CONNECTIONS" "$PACED_DELAY_MS" "$VIA_GATEWAY" "$TOKEN")
direct_max=$(measure "$SATURATION_CONNECTIONS" 0 "$DIRECT" "")
bare_max=$(measure "$SATURATION_CONNECTIONS" 0 "$VIA_BARE" "$TOKEN")
gateway_max=$(measure "$SATURATION_CONNECTIONS" 0 "$VIA_GATEWAY" "$TOKEN")
echo "paced direct:      $direct_paced"
echo "paced bare:        $bare_paced"
echo "paced gateway:     $gateway_paced"
echo "saturated direct:  $direct_max"
echo "saturated bare:    $bare_max"
echo "saturated gateway: $gateway_max"
for q in p50_ms p99_ms; do
  g=$(value $q "$gateway_paced"); b=$(value $q "$bare_paced"); d=$(value $q "$direct_paced")
  echo "paced $q: gateway/bare=$(ratio "$g" "$b") gateway/direct=$(ratio "$g" "$d") bare-direct=$(minus "$b" "$d") gateway-bare=$(minus "$g" "$b")"
done
gateway_rps=$(value rps "$gateway_max"); bare_rps=$(value rps "$bare_max"); direct_rps=$(value rps "$direct_max")
echo "saturated rps: gateway/bare=$(ratio "$gateway_rps" "$bare_rps") gateway/direct=$(ratio "$gateway_rps" "$direct_rps") bare/direct=$(ratio "$bare_rps" "$direct_rps")"
echo "gateway-overhead added_p50_ms=$(minus "$(value p50_ms "$gateway_paced")" "$(value p50_ms "$direct_paced")")" \
  "added_p99_ms=$(minus "$(value p99_ms "$gateway_paced")" "$(value p99_ms "$direct_paced")")" \
  "ratio_to_bare=$(ratio "$gateway_rps" "$bare_rps") gateway_rps=$gateway_rps bare_rps=$bare_rps"
