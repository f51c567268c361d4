#!/usr/bin/env bash
# The whole platform on this machine: the infrastructure (scripts/infra.sh), simulated
# Kubernetes clusters (kube-sim) and every service, built from this checkout.
#
#   platform.sh up       install what is missing, build, start everything, print how to log in
#   platform.sh down     stop the services, then the infrastructure this checkout started
#   platform.sh status   one line per service and server
#
# Logs: $DATA/logs/<service>.log (JSON lines). Ports: README.md.
#
# The platform's generated state (admin password, gateway signing key, the keys that seal
# kubeconfigs and TLS keys, the nginx agent's and log agent's files) lives beside the data of the
# servers it must match, in <servers' data folder>/platform, not in this checkout: the servers are
# one set per machine that every checkout reuses, so a second checkout, or this one after its
# .data/ was removed, finds the admin password and keys the running MariaDB and etcd hold. (Giving
# each checkout its own databases, etcd prefixes, topics and zone instead would leave every earlier
# checkout's data behind and still meet the same nginx cluster and BIND zone.) A fingerprint of
# that state is kept in MariaDB and etcd too: a state that does not belong to them stops `up`
# before any service starts. A failed `up` stops the services it started and the servers
# scripts/infra.sh started for it; servers it reused are left alone.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TAG=platform
# shellcheck source=lib.sh
source "$ROOT/scripts/lib.sh"
# shellcheck source=infra/ports.env
source "$ROOT/scripts/infra/ports.env"

# Start order matters only for kube-sim (clusters first) and the gateway (JWKS before first use).
SERVICES=(kube-sim:8092 gateway:8080 cluster-service:8081 app-orchestrator:8082 build-service:8083
  nginx-mgr:8084 dns-service:8085 log-center:8086 audit-service:8087 nginx-agent:8090)
# kube-sim's three rooms with this many nodes each; a log-agent per node, as a DaemonSet runs one
NODES_PER_ROOM=${PLATFORM_NODES_PER_ROOM:-2}
LOG_AGENTS=()
for room in 1 2 3; do
  for node in $(seq 1 "$NODES_PER_ROOM"); do
    LOG_AGENTS+=("room-$room-node-$node:$((8100 + (room - 1) * NODES_PER_ROOM + node))")
  done
done
STATE= # set by cmd_up: <servers' data folder>/platform
LAUNCHED=() # services this `up` started
INFRA_STARTED=$(mktemp) # servers scripts/infra.sh started for this `up`
trap 'rm -f "$INFRA_STARTED"' EXIT
# Small heaps and a quick JIT: eleven JVMs share two cores on a laptop or CI machine.
JVM_OPTS=${PLATFORM_JVM_OPTS:--Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k}

# the runnable jar: kube-sim's is -exec (its plain jar is a library for other modules' tests)
jar_of() { ls "$ROOT/$1"/target/"$1"-*-exec.jar "$ROOT/$1"/target/"$1"-*.jar 2>/dev/null | grep -v -- '-plain\|-tests' | head -n 1; }
service_pid() { local f=$RUN/$1.pid; [ -s "$f" ] && alive "$(cat "$f")" && cat "$f"; }
ready() { curl -fsS --max-time 2 "http://127.0.0.1:$1/actuator/health/readiness" >/dev/null 2>&1; }

build() {
  need_build_tools
  log "building the services (mvn package, tests skipped: scripts/test.sh runs them)"
  (cd "$ROOT" && mvn -B -q -ntp package -DskipTests) >"$LOGS/build.log" 2>&1 \
    || { tail -n 40 "$LOGS/build.log"; die "the build failed; see $LOGS/build.log"; }
}

# Secrets of the local platform, made once and kept beside the servers' data.
secrets() {
  mkdir -p "$STATE"
  need_packages openssl jq
  [ -s "$STATE/gateway-signing-key.pem" ] \
    || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$STATE/gateway-signing-key.pem" 2>/dev/null
  [ -s "$STATE/admin-password" ] || openssl rand -base64 18 | tr -d '/+=' >"$STATE/admin-password"
  # cluster-service seals kubeconfigs with it (AES-256-GCM); losing it loses the registrations
  [ -s "$STATE/cluster-credentials-key" ] || openssl rand -base64 32 >"$STATE/cluster-credentials-key"
  # nginx-mgr seals TLS private keys with it; the nginx agents open them with it
  [ -s "$STATE/nginx-certificates-key" ] || openssl rand -base64 32 >"$STATE/nginx-certificates-key"
  # build-service seals the configurations' git webhook secrets and the registries' credentials
  # with it; losing it means making those again (build-hooks-key until it sealed more than hooks)
  [ -s "$STATE/build-hooks-key" ] && [ ! -s "$STATE/build-secrets-key" ] && mv "$STATE/build-hooks-key" "$STATE/build-secrets-key"
  [ -s "$STATE/build-secrets-key" ] || openssl rand -base64 32 >"$STATE/build-secrets-key"
  # build-service signs the registries' tokens with this key; they trust its certificate
  mkdir -p "$STATE/registry-tokens"
  [ -s "$STATE/registry-tokens/key.pem" ] \
    || openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=container-cloud-registry-tokens \
      -keyout "$STATE/registry-tokens/key.pem" -out "$STATE/registry-tokens/cert.pem" 2>/dev/null
  # the platform's own account at its registries (sync policies copy with it)
  [ -s "$STATE/registry-password" ] || openssl rand -base64 24 | tr -d '/+=' >"$STATE/registry-password"
  # app-orchestrator's client secret at the gateway (its service account, for work no user waits on)
  [ -s "$STATE/app-orchestrator-secret" ] || openssl rand -base64 36 | tr -d '/+=' >"$STATE/app-orchestrator-secret"
  chmod 600 "$STATE/gateway-signing-key.pem" "$STATE/admin-password" "$STATE/cluster-credentials-key" \
    "$STATE/nginx-certificates-key" "$STATE/build-secrets-key" "$STATE/registry-tokens/key.pem" \
    "$STATE/registry-password" "$STATE/app-orchestrator-secret"
}

# The platform's image registries, one per simulated room (CNCF distribution, as
# scripts/infra.sh runs the tests'): each enforces tenant projects with build-service as its token
# service (auth.token; the realm is build-service's /registry/token, which answers once it is up)
# and notifies build-service of every push.
REGISTRIES=(registry-room-1:$PLATFORM_REGISTRY_PORT registry-room-2:$PLATFORM_REGISTRY2_PORT
  registry-room-3:$PLATFORM_REGISTRY3_PORT)
start_registry() {
  local name=$1 port=$2 dir=$STATE/registries/$1
  if service_pid "$name" >/dev/null; then log "$name already running on :$port"; return 0; fi
  need_packages docker-registry
  mkdir -p "$dir/data"
  cat >"$dir/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
  secret: $(openssl rand -hex 16)
auth:
  token:
    realm: http://127.0.0.1:8083/registry/token
    service: container-cloud-registry
    issuer: container-cloud-build-service
    rootcertbundle: $STATE/registry-tokens/cert.pem
notifications:
  endpoints:
    - name: build-service
      url: http://127.0.0.1:8083/registry/events
      headers: {Authorization: ["Bearer $(cat "$ROOT/scripts/infra/registry-notify.secret")"]}
      timeout: 2s
      threshold: 3
      backoff: 1s
YAML
  log "starting $name on 127.0.0.1:$port"
  LAUNCHED+=("$name")
  docker-registry serve "$dir/config.yml" >>"$LOGS/$name.log" 2>&1 &
  echo $! >"$RUN/$name.pid"
  for _ in $(seq 1 30); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/")" = 401 ] && return 0
    sleep 0.5
  done
  die "$name does not answer on :$port; see $LOGS/$name.log"
}

# The host daemons' heaps, as their DaemonSet or systemd unit sets them (their READMEs, "Memory");
# with them, native memory trimmed and two malloc arenas.
daemon_heap() {
  case $1 in
    nginx-agent) echo 48m ;;
    log-agent) echo 80m ;;
  esac
}

# start_service NAME PORT [MODULE [VAR=VALUE...]]: the module's jar (NAME's unless told) with the
# platform's settings and the extra variables given.
start_service() {
  local name=$1 port=$2 module=${3:-$1} jar heap jvm_extra= arenas=
  heap=$(daemon_heap "$module")
  if [ -n "$heap" ]; then
    jvm_extra="-Xms16m -Xmx$heap -XX:TrimNativeHeapInterval=5000"
    arenas=MALLOC_ARENA_MAX=2
  fi
  if service_pid "$name" >/dev/null; then log "$name already running on :$port"; return 0; fi
  if ready "$port"; then die "port $port answers already but $name was not started here: $(holder_of "$port")"; fi
  jar=$(jar_of "$module") || true
  [ -n "$jar" ] || die "no jar for $module: run the build"
  log "starting $name on 127.0.0.1:$port"
  LAUNCHED+=("$name")
  # shellcheck disable=SC2086
  env SERVER_PORT="$port" LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs \
    PLATFORM_ADMIN_PASSWORD="$(cat "$STATE/admin-password")" \
    PLATFORM_GATEWAY_SIGNINGKEY="$STATE/gateway-signing-key.pem" \
    PLATFORM_CLUSTER_CREDENTIALS_KEY="$(cat "$STATE/cluster-credentials-key")" \
    PLATFORM_NGINX_CERTIFICATES_KEY="$(cat "$STATE/nginx-certificates-key")" \
    PLATFORM_NGINX_CERT_DIR="$STATE/nginx-agent/local-1-certs" \
    KUBE_SIM_KUBECONFIG_DIR="$STATE/kubeconfigs" KUBE_SIM_LOGS_DIR="$STATE/nodes" KUBE_SIM_NODES="$NODES_PER_ROOM" \
    PLATFORM_NGINX_PREFIX="$STATE/nginx-agent/local-1" \
    PLATFORM_NGINX_LISTEN_ADDRESS=127.0.0.1 PLATFORM_NGINX_STOP_ON_EXIT=true \
    PLATFORM_LOGS_EXPORTS_DIR="$STATE/log-exports" \
    PLATFORM_DNS_TSIG_SECRET="$(sed -n 's/.*secret "\(.*\)";/\1/p' "$ROOT/scripts/infra/tsig.key")" \
    PLATFORM_REGISTRY_EVENTS_SECRET="$(cat "$ROOT/scripts/infra/registry-notify.secret")" \
    PLATFORM_BUILD_SECRETS_KEY="$(cat "$STATE/build-secrets-key")" \
    PLATFORM_BUILD_WORKSPACES="$STATE/build/workspaces" PLATFORM_BUILD_CACHES="$STATE/build/caches" \
    PLATFORM_BUILD_IMAGES="$STATE/build/images" PLATFORM_BUILD_REGISTRY="127.0.0.1:$PLATFORM_REGISTRY_PORT" \
    PLATFORM_BUILD_REGISTRYTOKENS_KEY="$STATE/registry-tokens/key.pem" \
    PLATFORM_BUILD_REGISTRYTOKENS_CERTIFICATE="$STATE/registry-tokens/cert.pem" \
    PLATFORM_APPS_SERVICE_SECRET_FILE="$STATE/app-orchestrator-secret" \
    SPRING_APPLICATION_JSON="$(service_accounts)" \
    $arenas "${@:4}" \
    java $JVM_OPTS $jvm_extra -jar "$jar" >>"$LOGS/$name.log" 2>&1 &
  echo $! >"$RUN/$name.pid"
}

# The gateway's client-credentials accounts (keys with dashes do not bind from plain variables)
service_accounts() {
  jq -cn --arg file "$STATE/app-orchestrator-secret" \
    '{platform:{gateway:{"service-accounts":{"app-orchestrator":{"secret-file":$file,role:"developer",tenants:["*"]}}}}}'
}

wait_ready() {
  local name=$1 port=$2
  for _ in $(seq 1 180); do
    ready "$port" && return 0
    service_pid "$name" >/dev/null || break
    sleep 1
  done
  printf '[platform] ERROR: %s is not ready on :%s; last lines of %s:\n' "$name" "$port" "$LOGS/$name.log" >&2
  tail -n 30 "$LOGS/$name.log" >&2
  return 1
}

stop_service() {
  local name=$1 pid
  pid=$(service_pid "$name") || { rm -f "$RUN/$name.pid"; return 0; }
  log "stopping $name (pid $pid)"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do alive "$pid" || break; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$RUN/$name.pid"
}

# A log-agent for each simulated node, reading the node's pod log folder with the room's kubeconfig
# (kube-sim writes both at its start).
start_log_agents() {
  local entry node
  for entry in "${LOG_AGENTS[@]}"; do
    node=${entry%%:*}
    start_service "log-agent-$node" "${entry##*:}" log-agent \
      PLATFORM_LOG_AGENT_NODE="$node" PLATFORM_LOG_AGENT_CLUSTER="${node%-node-*}" \
      PLATFORM_LOG_AGENT_POD_LOGS="$STATE/nodes/$node/pods" \
      PLATFORM_LOG_AGENT_STATE_DIR="$STATE/log-agent/$node" \
      PLATFORM_LOG_AGENT_KUBECONFIG="$STATE/kubeconfigs/${node%-node-*}.kubeconfig"
  done
  for entry in "${LOG_AGENTS[@]}"; do
    wait_ready "log-agent-${entry%%:*}" "${entry##*:}" || exit 1
  done
}

stop_services() {
  local i entry
  for ((i = ${#LOG_AGENTS[@]} - 1; i >= 0; i--)); do stop_service "log-agent-${LOG_AGENTS[$i]%%:*}"; done
  for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do stop_service "${SERVICES[$i]%%:*}"; done
  for entry in "${REGISTRIES[@]}"; do stop_service "${entry%%:*}"; done
  stop_service git-daemon
}

# The sample service (samples/hello-java) as repository hello.git, served by git daemon on
# GIT_PORT for build-service to clone: refreshed from the checkout at every `up`.
GIT_PORT=19418
git_daemon() {
  local base=$STATE/git work
  need_packages git
  rm -rf "$base/hello.git"
  mkdir -p "$base"
  work=$(mktemp -d)
  cp -r "$ROOT/samples/hello-java/." "$work"
  git -C "$work" init --quiet --initial-branch=main
  git -C "$work" add .
  git -C "$work" -c user.name=platform -c user.email=platform@localhost commit --quiet -m "the sample service"
  git init --quiet --bare "$base/hello.git"
  git -C "$work" push --quiet "$base/hello.git" main
  rm -rf "$work"
  service_pid git-daemon >/dev/null && return 0
  log "serving the sample repository on git://127.0.0.1:$GIT_PORT/hello.git"
  LAUNCHED+=(git-daemon)
  git daemon --reuseaddr --export-all --listen=127.0.0.1 --port="$GIT_PORT" --base-path="$base" "$base" \
    >>"$LOGS/git-daemon.log" 2>&1 &
  echo $! >"$RUN/git-daemon.pid"
}

cmd_up() {
  local t0=$SECONDS entry data
  INFRA_STARTED_FILE=$INFRA_STARTED bash "$ROOT/scripts/infra.sh" up
  trap 'undo_failed_up $?' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  data=$(bash "$ROOT/scripts/infra.sh" servers-data-dir) || exit 1
  STATE=$data/platform
  [ "$data" = "$DATA" ] || log "the running servers keep their data in $data (another checkout's or an earlier PLATFORM_DATA): using the platform state there"
  mkdir -p "$RUN" "$LOGS" "$STATE/nodes" || die "cannot write the platform state beside the servers' data, in $STATE"
  secrets
  check_fingerprint
  [ "${PLATFORM_SKIP_BUILD:-}" = 1 ] || build
  git_daemon
  for entry in "${REGISTRIES[@]}"; do start_registry "${entry%%:*}" "${entry##*:}"; done
  for entry in "${SERVICES[@]}"; do start_service "${entry%%:*}" "${entry##*:}"; done
  for entry in "${SERVICES[@]}"; do
    wait_ready "${entry%%:*}" "${entry##*:}" || exit 1
  done
  start_log_agents
  register_local_objects
  trap 'rm -f "$INFRA_STARTED"' EXIT
  log "platform up in $((SECONDS - t0)) s"
  cat <<EOF

  Gateway:   http://127.0.0.1:8080
  Log in:    user 'admin', password '$(cat "$STATE/admin-password")' (kept in $STATE/admin-password)

    TOKEN=\$(curl -fsS -X POST http://127.0.0.1:8080/api/auth/login \\
      -H 'Content-Type: application/json' \\
      -d '{"username":"admin","password":"$(cat "$STATE/admin-password")"}' | jq -er .access_token) \\
      || echo "login failed" >&2
    curl -s -X POST http://127.0.0.1:8080/api/dns/records -H "Authorization: Bearer \$TOKEN" \\
      -H 'Content-Type: application/json' \\
      -d '{"name":"hello.platform.test","type":"A","ttl":60,"values":["10.0.0.42"]}'
    dig @127.0.0.1 -p 10053 hello.platform.test +short

    # nginx: an upstream (here the gateway itself) and a server on 127.0.0.1:18080
    curl -s -X POST http://127.0.0.1:8080/api/nginx/clusters/local/upstreams -H "Authorization: Bearer \$TOKEN" \\
      -H 'Content-Type: application/json' -d '{"name":"gw","balance":"round-robin","active":"vm",
      "vm":{"members":[{"host":"127.0.0.1","port":8080}]},"healthCheck":{"interval":"5s","rise":2,
      "fall":3,"timeout":"1s","path":"/actuator/health","expectedStatuses":[200]}}'
    curl -s -X POST http://127.0.0.1:8080/api/nginx/clusters/local/servers -H "Authorization: Bearer \$TOKEN" \\
      -H 'Content-Type: application/json' -d '{"name":"gw","serverNames":["gw.platform.test"],
      "listen":[{"port":18080}],"locations":[{"path":"/","match":"prefix","upstream":"gw"}]}'
    curl -s http://127.0.0.1:18080/actuator/health          # through nginx, a second or so later
    curl -s http://127.0.0.1:8080/api/nginx/clusters/local/convergence -H "Authorization: Bearer \$TOKEN"

  Kubeconfigs of the simulated clusters: $STATE/kubeconfigs
  Stop everything: bash scripts/platform.sh down
EOF
}

# On any failed exit of `up` (die, a service not ready, Ctrl-C): the services this run launched
# stop, then the servers scripts/infra.sh started for it; what was running before stays.
undo_failed_up() {
  local rc=$1 i servers=()
  trap - EXIT INT TERM
  if [ "$rc" != 0 ]; then
    mapfile -t servers < <(grep . "$INFRA_STARTED")
    if [ $((${#LAUNCHED[@]} + ${#servers[@]})) -gt 0 ]; then
      log "up failed: stopping what it started: ${LAUNCHED[*]}${servers[*]:+ ${servers[*]}}"
    fi
    for ((i = ${#LAUNCHED[@]} - 1; i >= 0; i--)); do stop_service "${LAUNCHED[$i]}"; done
    for ((i = ${#servers[@]} - 1; i >= 0; i--)); do bash "$ROOT/scripts/infra.sh" stop "${servers[$i]}"; done
  fi
  rm -f "$INFRA_STARTED"
  exit "$rc"
}

# The state and the servers belong together: a fingerprint of the state is kept in MariaDB and
# etcd at the first `up`, and a later `up` whose state differs (its files replaced or lost while
# the servers kept their data) stops here, saying so, instead of failing at the admin's login.
check_fingerprint() {
  local mine held sql etcd=(env ETCDCTL_API=3 etcdctl --endpoints="http://127.0.0.1:$ETCD_PORT" --dial-timeout=2s)
  mine=$(cat "$STATE/admin-password" "$STATE/gateway-signing-key.pem" "$STATE/cluster-credentials-key" \
    "$STATE/nginx-certificates-key" | sha256sum | cut -c1-64)
  sql="CREATE DATABASE IF NOT EXISTS platform_state;
CREATE TABLE IF NOT EXISTS platform_state.fingerprint (id TINYINT PRIMARY KEY, value CHAR(64) NOT NULL);
INSERT IGNORE INTO platform_state.fingerprint VALUES (1, '$mine');
SELECT value FROM platform_state.fingerprint WHERE id = 1;"
  held=$(mariadb --no-defaults --protocol=tcp -h127.0.0.1 -P"$MARIADB_PORT" -uplatform -pplatform -N -B -e "$sql") \
    || die "cannot read the platform state's fingerprint from MariaDB"
  [ "$held" = "$mine" ] || fingerprint_mismatch MariaDB
  held=$("${etcd[@]}" get --print-value-only /container-cloud/platform-state) \
    || die "cannot read the platform state's fingerprint from etcd"
  if [ -z "$held" ]; then
    "${etcd[@]}" put /container-cloud/platform-state "$mine" >/dev/null || die "cannot write the fingerprint to etcd"
  elif [ "$held" != "$mine" ]; then
    fingerprint_mismatch etcd
  fi
}

fingerprint_mismatch() {
  die "$1 holds the data of a platform whose admin password and keys are not the ones in $STATE
  (that folder was replaced or lost while the servers kept their data). Put the original files back,
  or start afresh: stop everything ('bash scripts/platform.sh down' here and in the checkout that
  started the servers) and remove the servers' data folder $(dirname "$STATE")."
}

admin_token() {
  curl -fsS -X POST http://127.0.0.1:8080/api/auth/login -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$(cat "$STATE/admin-password")\"}" \
    | sed 's/.*"access_token":"\([^"]*\)".*/\1/'
}

# What the local platform manages from the start, registered through the gateway like any
# operator would: the local BIND's zone, the nginx cluster, the simulated clusters and their rooms'
# image registries.
register_local_objects() {
  local token status
  token=$(admin_token) || die "cannot log in as admin through the gateway with the password in $STATE/admin-password"
  status=$(curl -s -o /dev/null -w '%{http_code}' -X POST http://127.0.0.1:8080/api/dns/zones \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"name":"platform.test","serverHost":"127.0.0.1","serverPort":10053,"tsigKey":"platform-key","defaultTtl":300}')
  case $status in
    201) log "registered DNS zone platform.test (BIND on 127.0.0.1:10053)" ;;
    409) ;;
    *) die "registering DNS zone platform.test answered HTTP $status" ;;
  esac
  status=$(curl -s -o /dev/null -w '%{http_code}' -X POST http://127.0.0.1:8080/api/nginx/clusters \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"name\":\"local\",\"flavour\":\"nginx\",\"version\":\"$(nginx -v 2>&1 | sed 's|.*/||')\",\"templateSet\":\"standard\",\"defaults\":{\"httpPort\":80,\"httpsPort\":443}}")
  case $status in
    201) log "registered nginx cluster local (nginx-agent local-1 serves it on 127.0.0.1)" ;;
    409) ;;
    *) die "registering nginx cluster local answered HTTP $status" ;;
  esac
  local kubeconfig name
  for kubeconfig in "$STATE"/kubeconfigs/*.kubeconfig; do
    [ -e "$kubeconfig" ] || continue
    name=$(basename "$kubeconfig" .kubeconfig)
    status=$(curl -s -o /dev/null -w '%{http_code}' -X POST http://127.0.0.1:8080/api/clusters/clusters \
      -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d "{\"name\":\"$name\",\"machineRoom\":\"hall-${name##*-}\",\"labels\":{\"simulated\":\"true\"},\"kubeconfig\":\"$(awk '{printf "%s\\n", $0}' "$kubeconfig")\"}")
    case $status in
      201) log "registered simulated cluster $name in cluster-service" ;;
      409) ;;
      *) die "registering cluster $name answered HTTP $status" ;;
    esac
  done
  # each simulated room's image registry (started above), with the platform's own account there
  local room port
  for room in room-1:$PLATFORM_REGISTRY_PORT room-2:$PLATFORM_REGISTRY2_PORT room-3:$PLATFORM_REGISTRY3_PORT; do
    name=${room%%:*} port=${room##*:}
    status=$(curl -s -o /dev/null -w '%{http_code}' -X POST http://127.0.0.1:8080/api/builds/registries \
      -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d "{\"name\":\"$name\",\"room\":\"$name\",\"url\":\"http://127.0.0.1:$port\",\"kind\":\"distribution\",
           \"credentials\":{\"username\":\"platform\$sync\",\"password\":\"$(cat "$STATE/registry-password")\"}}")
    case $status in
      201) log "registered image registry $name (127.0.0.1:$port) in build-service" ;;
      409)
        # registered by an earlier version at another address: the platform's own now
        if ! curl -fsS http://127.0.0.1:8080/api/builds/registries/"$name" -H "Authorization: Bearer $token" \
          | grep -q "\"url\":\"http://127.0.0.1:$port\""; then
          curl -fsS -o /dev/null -X DELETE http://127.0.0.1:8080/api/builds/registries/"$name" \
            -H "Authorization: Bearer $token" || die "cannot replace image registry $name"
          register_local_objects
          return
        fi ;;
      *) die "registering image registry $name answered HTTP $status" ;;
    esac
  done
}

cmd_status() {
  local entry name port pid
  for entry in "${SERVICES[@]}"; do
    name=${entry%%:*} port=${entry##*:}
    pid=$(service_pid "$name" || true)
    printf '%-17s 127.0.0.1:%-6s %-6s %s\n' "$name" "$port" "$(ready "$port" && echo ready || echo down)" "${pid:+pid $pid}"
  done
  for entry in "${LOG_AGENTS[@]}"; do
    name=log-agent-${entry%%:*} port=${entry##*:}
    pid=$(service_pid "$name" || true)
    printf '%-17s 127.0.0.1:%-6s %-6s %s\n' "$name" "$port" "$(ready "$port" && echo ready || echo down)" "${pid:+pid $pid}"
  done
  for entry in "${REGISTRIES[@]}"; do
    name=${entry%%:*} port=${entry##*:}
    pid=$(service_pid "$name" || true)
    printf '%-17s 127.0.0.1:%-6s %-6s %s\n' "$name" "$port" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/" | grep -q 401 && echo ready || echo down)" "${pid:+pid $pid}"
  done
  bash "$ROOT/scripts/infra.sh" status || true
}

case ${1:-} in
  up) cmd_up ;;
  down) stop_services; bash "$ROOT/scripts/infra.sh" down ;;
  status) cmd_status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
