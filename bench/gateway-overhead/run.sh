#!/usr/bin/env bash
# Gateway overhead: a trivial backend (a private nginx answering 200 "ok") called directly, through
# a bare Spring Cloud Gateway route (bare-gateway/: same JVM options and warm-up, no filters of the
# platform's) and through the platform gateway (JWT validation, rate limits, breaker, retry, audit,
# metrics on), with wrk, paced at about 2,000 requests/s and at saturation, in rounds that take the
# two gateways in turn. Last line, medians over the rounds:
#   gateway-overhead added_p50_ms=<a> added_p99_ms=<b> ratio_to_bare=<gateway_rps/bare_rps> gateway_rps=<c> bare_rps=<d>
# (added = platform gateway minus direct, at the paced load).
# Knobs: WARMUP (60s: C2 needs about a minute on two shared cores), ROUNDS (5: single rounds range from 0.7 to 0.9 on this shared machine), DURATION (10s),
# PACED_CONNECTIONS (20), PACED_DELAY_MS (10), SATURATION_CONNECTIONS (64), GATEWAY_JAVA_OPTS
# (-Xmx512m, both gateways).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/bench/gateway-overhead
WARMUP=${WARMUP:-60s}
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-5}
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

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }
# CPU microseconds per request of process $1 over a saturated run of $2 (echoes the RESULT line)
saturate() {
  local before after result
  before=$(cpu_ticks "$1")
  result=$(measure "$SATURATION_CONNECTIONS" 0 "$2" "$TOKEN")
  after=$(cpu_ticks "$1")
  echo "$result cpu_us_per_request=$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" \
    -v rps="$(value rps "$result")" -v d="${DURATION%s}" 'BEGIN{printf "%.0f", t / hz * 1e6 / (rps * d)}')"
}

# Rounds, the two gateways in turn (which goes first alternates), so that the machine's drift
# weighs on both alike; each figure below is the median over the rounds.
GATEWAY_PID=$(cat "$WORK/gateway.pid"); BARE_PID=$(cat "$WORK/bare.pid")
: >"$WORK/rounds"
for round in $(seq 1 "$ROUNDS"); do
  direct_paced=$(measure "$PACED_CONNECTIONS" "$PACED_DELAY_MS" "$DIRECT" "")
  if [ $((round % 2)) = 1 ]; then
    bare_paced=$(measure "$PACED_CONNECTIONS" "$PACED_DELAY_MS" "$VIA_BARE" "$TOKEN")
    gateway_paced=$(measure "$PACED_CONNECTIONS" "$PACED_DELAY_MS" "$VIA_GATEWAY" "$TOKEN")
    bare_max=$(saturate "$BARE_PID" "$VIA_BARE")
    gateway_max=$(saturate "$GATEWAY_PID" "$VIA_GATEWAY")
  else
    gateway_paced=$(measure "$PACED_CONNECTIONS" "$PACED_DELAY_MS" "$VIA_GATEWAY" "$TOKEN")
    bare_paced=$(measure "$PACED_CONNECTIONS" "$PACED_DELAY_MS" "$VIA_BARE" "$TOKEN")
    gateway_max=$(saturate "$GATEWAY_PID" "$VIA_GATEWAY")
    bare_max=$(saturate "$BARE_PID" "$VIA_BARE")
  fi
  direct_max=$(measure "$SATURATION_CONNECTIONS" 0 "$DIRECT" "")
  echo "round $round paced direct:      $direct_paced"
  echo "round $round paced bare:        $bare_paced"
  echo "round $round paced gateway:     $gateway_paced"
  echo "round $round saturated direct:  $direct_max"
  echo "round $round saturated bare:    $bare_max"
  echo "round $round saturated gateway: $gateway_max"
  for q in p50_ms p99_ms; do
    echo "direct_$q $(value $q "$direct_paced")"; echo "bare_$q $(value $q "$bare_paced")"
    echo "gateway_$q $(value $q "$gateway_paced")"
  done >>"$WORK/rounds"
  {
    echo "direct_rps $(value rps "$direct_max")"; echo "bare_rps $(value rps "$bare_max")"
    echo "gateway_rps $(value rps "$gateway_max")"
    echo "ratio $(ratio "$(value rps "$gateway_max")" "$(value rps "$bare_max")")"
    echo "bare_cpu $(value cpu_us_per_request "$bare_max")"
    echo "gateway_cpu $(value cpu_us_per_request "$gateway_max")"
  } >>"$WORK/rounds"
done
m() { awk -v k="$1" '$1 == k {print $2}' "$WORK/rounds" | median; }
for q in p50_ms p99_ms; do
  g=$(m gateway_$q); b=$(m bare_$q); d=$(m direct_$q)
  echo "paced $q (median): direct=$d bare=$b gateway=$g gateway/bare=$(ratio "$g" "$b") bare-direct=$(minus "$b" "$d") gateway-bare=$(minus "$g" "$b")"
done
echo "saturated (median): direct_rps=$(m direct_rps) bare_rps=$(m bare_rps) gateway_rps=$(m gateway_rps)" \
  "gateway/bare per round=$(awk '$1 == "ratio" {printf "%s ", $2}' "$WORK/rounds")"
echo "cpu per request (median): bare_us=$(m bare_cpu) gateway_us=$(m gateway_cpu) bare/gateway=$(ratio "$(m bare_cpu)" "$(m gateway_cpu)")"
echo "gateway-overhead added_p50_ms=$(minus "$(m gateway_p50_ms)" "$(m direct_p50_ms)")" \
  "added_p99_ms=$(minus "$(m gateway_p99_ms)" "$(m direct_p99_ms)")" \
  "ratio_to_bare=$(m ratio) gateway_rps=$(m gateway_rps) bare_rps=$(m bare_rps)"
