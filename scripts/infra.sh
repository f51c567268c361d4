#!/usr/bin/env bash
# Local infrastructure of the platform as plain processes on 127.0.0.1: MariaDB, etcd,
# a Kafka broker (KRaft), Elasticsearch, BIND and an image registry per kube-sim room (CNCF
# distribution). No Docker.
#
#   infra.sh up              install what is missing, start what is not answering, wait for all
#   infra.sh down            stop what `up` started here (by pid file), nothing else
#   infra.sh status          one line per server
#   infra.sh stop NAME       stop one server (fault drills in tests); NAME in: mariadb etcd kafka elasticsearch bind registry registry2 registry3
#   infra.sh start NAME      start one server again and wait for it
#   infra.sh wipe REGISTRY   empty one registry's storage (fault drills: a room's disk replaced)
#   infra.sh data-dir        this checkout's data folder
#   infra.sh servers-data-dir  the data folder of the running MariaDB and etcd, wherever started
#   infra.sh home SERVER     where kafka or elasticsearch is installed (fetched first if missing)
#
# Data lives under $PLATFORM_DATA (default: <checkout>/.data). Ports: scripts/infra/ports.env.
#
# The servers are one set per machine (fixed ports), shared by every checkout: `up` reuses what
# answers. So that a checkout can tell where a server it did not start keeps its data (and with it
# the platform's state that must match it: scripts/platform.sh), every server started here is
# recorded in $REGISTRY/<name> (its pid and data folder), a place every checkout knows.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
INFRA=$ROOT/scripts/infra
TAG=infra
# shellcheck source=infra/ports.env
source "$INFRA/ports.env"

SERVERS=(mariadb etcd kafka elasticsearch bind registry registry2 registry3)
KAFKA_VERSION=4.1.2
ES_VERSION=8.17.0
DATABASES=(gateway cluster app build dns audit)

# shellcheck source=lib.sh
source "$ROOT/scripts/lib.sh"

REGISTRY=${PLATFORM_SERVER_REGISTRY:-/var/tmp/container-cloud/servers}
# Where servers started now keep their data: this checkout's folder, unless servers started from
# another folder run already; then that one (set by use_running_set_folder), so that the set
# stays in one folder with the state that matches it.
SERVER_DATA=$DATA

port_of() {
  case $1 in
    mariadb) echo "$MARIADB_PORT" ;; etcd) echo "$ETCD_PORT" ;; kafka) echo "$KAFKA_PORT" ;;
    elasticsearch) echo "$ES_PORT" ;; bind) echo "$BIND_PORT" ;; registry) echo "$REGISTRY_PORT" ;;
    registry2) echo "$REGISTRY2_PORT" ;; registry3) echo "$REGISTRY3_PORT" ;;
    *) die "unknown server '$1'" ;;
  esac
}
pid_file() { echo "$RUN/$1.pid"; }
log_file() { echo "$LOGS/$1.log"; }
# A server is this checkout's when its pid file says so, or when the registry records it with its
# data in this checkout's folder (the pid files went with a removed .data, the server still runs).
own_pid() {
  local f; f=$(pid_file "$1")
  if [ -s "$f" ] && alive "$(cat "$f")"; then cat "$f"; return 0; fi
  [ "$(recorded "$1" data)" = "$DATA" ] && recorded "$1" pid
}

# --- registry of running servers ---------------------------------------------------------
# recorded NAME pid|data: from $REGISTRY/NAME, if the recorded process still runs.
recorded() {
  local file=$REGISTRY/$1 pid value
  [ -s "$file" ] || return 1
  pid=$(sed -n 's/^pid=//p' "$file")
  [ -n "$pid" ] && alive "$pid" || return 1
  value=$(sed -n "s/^$2=//p" "$file")
  [ -n "$value" ] && printf '%s\n' "$value"
}
# record_server NAME FOLDER: NAME's pid (from its pid file) and the data folder it was started with.
record_server() {
  local pid; pid=$(cat "$(pid_file "$1")" 2>/dev/null) || return 0
  { mkdir -p "$REGISTRY" && printf 'pid=%s\ndata=%s\n' "$pid" "$2" >"$REGISTRY/$1"; } 2>/dev/null \
    || log "WARNING: cannot record $1 in $REGISTRY: other checkouts will not find its data"
}
forget_server() {
  local file=$REGISTRY/$1
  [ -s "$file" ] && [ "$(sed -n 's/^pid=//p' "$file")" = "$2" ] && rm -f "$file"
  return 0
}
# The data folder of running server NAME: the recorded one; for one started here by an earlier
# version of this script (no record), this checkout's.
server_data() {
  recorded "$1" data && return 0
  own_pid "$1" >/dev/null && echo "$DATA"
}
# Every port a server binds: a second port taken elsewhere fails it just the same.
all_ports_of() {
  case $1 in
    etcd) echo "$ETCD_PORT $ETCD_PEER_PORT" ;; kafka) echo "$KAFKA_PORT $KAFKA_CONTROLLER_PORT" ;;
    elasticsearch) echo "$ES_PORT $ES_TRANSPORT_PORT" ;; *) port_of "$1" ;;
  esac
}

# Servers started now join the folder of those running already (from whichever checkout), so the
# set keeps one data folder, and the platform's state kept beside it matches every server.
use_running_set_folder() {
  local name folder folders=()
  for name in "${SERVERS[@]}"; do
    folder=$(server_data "$name") || continue
    [ -d "$folder" ] || continue
    [[ " ${folders[*]} " == *" $folder "* ]] || folders+=("$folder")
  done
  if [ ${#folders[@]} = 1 ]; then
    SERVER_DATA=${folders[0]}
  elif [ ${#folders[@]} -gt 1 ]; then
    log "WARNING: the running servers keep their data in several folders (${folders[*]}); servers started now use $DATA"
  fi
}

# The data folder holding what the platform's generated state must match: MariaDB's (users,
# sealed kubeconfigs) and etcd's (sealed TLS keys). Fails, saying why, when that is unknown or
# not one folder, rather than let the platform start with keys its servers do not know.
cmd_servers_data_dir() {
  local name folder found= marker
  for name in mariadb etcd; do
    "${name}_ready" || die "$name does not answer on 127.0.0.1:$(port_of "$name"): run 'bash scripts/infra.sh up'"
    folder=$(server_data "$name") \
      || die "$name answers on 127.0.0.1:$(port_of "$name"), but no checkout's scripts/infra.sh recorded starting it ($REGISTRY/$name), so where it keeps its data is unknown: stop it ('bash scripts/infra.sh down' in the checkout that started it) and run 'up' again"
    case $name in mariadb) marker=$folder/mariadb/data/mysql ;; etcd) marker=$folder/etcd/member ;; esac
    [ -d "$marker" ] \
      || die "$name (pid $(recorded "$name" pid || own_pid "$name")) keeps its data in $folder, which is gone (removed while it runs): stop it ('bash scripts/infra.sh down' in the checkout that started it, or kill that pid) and run 'up' again"
    [ -z "$found" ] || [ "$found" = "$folder" ] \
      || die "MariaDB keeps its data in $found but etcd in $folder: no one platform state matches both; stop the servers ('bash scripts/infra.sh down' in each checkout) and run 'up' again"
    found=$folder
  done
  echo "$found"
}

# --- MariaDB -------------------------------------------------------------------------
mariadb_install() { need_packages mariadb-server mariadb-client; }
mariadb_ready() {
  mariadb-admin --no-defaults --protocol=tcp -h127.0.0.1 -P"$MARIADB_PORT" -uroot --connect-timeout=1 ping >/dev/null 2>&1
}
mariadb_start() {
  local dir=$SERVER_DATA/mariadb
  mkdir -p "$dir/run"
  if [ ! -d "$dir/data/mysql" ]; then
    mkdir -p "$dir/data"
    chown -R mysql:mysql "$dir"
    mariadb-install-db --no-defaults --user=mysql --datadir="$dir/data" \
      --auth-root-authentication-method=normal --skip-test-db >>"$(log_file mariadb)" 2>&1
  fi
  chown -R mysql:mysql "$dir"
  mariadbd --no-defaults --user=mysql --datadir="$dir/data" --socket="$dir/run/mysqld.sock" \
    --pid-file="$dir/run/mysqld.pid" --port="$MARIADB_PORT" --bind-address=127.0.0.1 \
    --innodb-buffer-pool-size=128M --max-connections=500 --character-set-server=utf8mb4 \
    --collation-server=utf8mb4_bin >>"$(log_file mariadb)" 2>&1 &
  echo $! >"$(pid_file mariadb)"
}
# Databases per ARCHITECTURE.md and the local account every service uses (tests create *_test ones).
mariadb_prepare() {
  local sql="CREATE USER IF NOT EXISTS 'platform'@'127.0.0.1' IDENTIFIED BY 'platform';
GRANT ALL PRIVILEGES ON *.* TO 'platform'@'127.0.0.1';"
  for db in "${DATABASES[@]}"; do sql+=" CREATE DATABASE IF NOT EXISTS \`$db\`;"; done
  mariadb --no-defaults --protocol=tcp -h127.0.0.1 -P"$MARIADB_PORT" -uroot -e "$sql"
}

# --- etcd ----------------------------------------------------------------------------
etcd_install() { need_packages etcd-server etcd-client; }
etcd_ready() {
  ETCDCTL_API=3 etcdctl --endpoints="http://127.0.0.1:$ETCD_PORT" --dial-timeout=1s endpoint health >/dev/null 2>&1
}
etcd_start() {
  mkdir -p "$SERVER_DATA/etcd"
  etcd --name platform --data-dir "$SERVER_DATA/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "platform=http://127.0.0.1:$ETCD_PEER_PORT" >>"$(log_file etcd)" 2>&1 &
  echo $! >"$(pid_file etcd)"
}

# --- Kafka (KRaft, combined broker and controller) -------------------------------------
KAFKA_HOME() { echo "$DIST/kafka-$KAFKA_VERSION"; }
kafka_install() {
  need_build_tools
  local lib; lib=$(KAFKA_HOME)/lib
  if [ ! -f "$lib/.complete" ]; then
    log "copying the Kafka $KAFKA_VERSION broker from Maven Central"
    mkdir -p "$lib"
    mvn -B -q -ntp -f "$INFRA/kafka-pom.xml" dependency:copy-dependencies -DoutputDirectory="$lib" \
      >"$LOGS/kafka-install.log" 2>&1 || { tail -n 20 "$LOGS/kafka-install.log"; die "could not fetch Kafka"; }
    touch "$lib/.complete"
  fi
}
kafka_ready() {
  (exec 3<>"/dev/tcp/127.0.0.1/$KAFKA_PORT") 2>/dev/null || return 1
  # the probe is a Kafka tool: a checkout reusing another one's broker needs the jars first
  kafka_install
  timeout 20 java -cp "$(KAFKA_HOME)/lib/*" -Dlog4j2.configurationFile="$INFRA/log4j2.properties" \
    -Dlog4j2.level=error org.apache.kafka.tools.BrokerApiVersionsCommand \
    --bootstrap-server "127.0.0.1:$KAFKA_PORT" 2>/dev/null | grep -q "127.0.0.1:$KAFKA_PORT"
}
kafka_start() {
  local dir=$SERVER_DATA/kafka
  mkdir -p "$dir/data"
  cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/data
num.partitions=3
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
  if [ ! -f "$dir/data/meta.properties" ]; then
    # --cluster-id=: a random id may start with '-', which a separate argument would make an option
    local id; id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
    java -cp "$(KAFKA_HOME)/lib/*" -Dlog4j2.configurationFile="$INFRA/log4j2.properties" kafka.tools.StorageTool format --cluster-id="$id" -c "$dir/server.properties" >>"$(log_file kafka)" 2>&1
  fi
  java -Xms256m -Xmx512m -cp "$(KAFKA_HOME)/lib/*" -Dlog4j2.configurationFile="$INFRA/log4j2.properties" \
    kafka.Kafka "$dir/server.properties" >>"$(log_file kafka)" 2>&1 &
  echo $! >"$(pid_file kafka)"
}

# --- Elasticsearch (integ-test zip from Maven Central, run as nobody) -------------------
ES_HOME() { echo "$DIST/elasticsearch-$ES_VERSION"; }
elasticsearch_install() {
  need_build_tools; need_packages unzip
  if [ ! -x "$(ES_HOME)/bin/elasticsearch" ]; then
    log "copying Elasticsearch $ES_VERSION from Maven Central"
    mvn -B -q -ntp dependency:copy \
      -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
      -DoutputDirectory="$DIST" >"$LOGS/elasticsearch-install.log" 2>&1 \
      || { tail -n 20 "$LOGS/elasticsearch-install.log"; die "could not fetch Elasticsearch"; }
    (cd "$DIST" && unzip -q -o "elasticsearch-$ES_VERSION.zip" && rm -f "elasticsearch-$ES_VERSION.zip")
  fi
}
elasticsearch_ready() {
  curl -fsS --max-time 2 "http://127.0.0.1:$ES_PORT/_cluster/health" 2>/dev/null | grep -q '"cluster_name"'
}
elasticsearch_start() {
  local dir=$SERVER_DATA/elasticsearch home; home=$(ES_HOME)
  mkdir -p "$dir/data" "$dir/logs"
  cat >"$home/config/elasticsearch.yml" <<EOF
cluster.name: container-cloud-local
node.name: local
discovery.type: single-node
network.host: 127.0.0.1
http.port: $ES_PORT
transport.port: $ES_TRANSPORT_PORT
path.data: $dir/data
path.logs: $dir/logs
xpack.security.enabled: false
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
EOF
  chown -R nobody:nogroup "$home" "$dir"
  rm -f "$dir/es.pid"
  # -d returns once the node is up (or failed); its pid file is written by the node itself.
  if ! runuser -u nobody -- env ES_JAVA_HOME="$(java_home)" ES_JAVA_OPTS="-Xms512m -Xmx512m" \
      "$home/bin/elasticsearch" -d -p "$dir/es.pid" >>"$(log_file elasticsearch)" 2>&1; then
    tail -n 30 "$dir/logs/container-cloud-local.log" >>"$(log_file elasticsearch)" 2>/dev/null || true
  fi
  [ -s "$dir/es.pid" ] && cp "$dir/es.pid" "$(pid_file elasticsearch)"
  return 0
}
java_home() { dirname "$(dirname "$(readlink -f "$(command -v java)")")"; }

# --- BIND ----------------------------------------------------------------------------
# Zones of the local BIND: the platform's own; one for the dns-service tests and one for the e2e
# tests, so that test runs never touch the platform's names; and two that BIND serves but that
# cannot be managed (it refuses updates to readonly.test and transfers of no-transfer.test), which
# zone registration must refuse.
BIND_ZONES=(platform.test dns-tests.test e2e.test readonly.test no-transfer.test)

bind_install() { need_packages bind9 bind9-utils bind9-dnsutils; }
bind_ready() {
  dig @127.0.0.1 -p "$BIND_PORT" platform.test SOA +short +time=1 +tries=1 2>/dev/null | grep -q '^ns1\.platform\.test\. ' \
    && bind_refresh
}
# The zones start empty at every `up` (the journals of earlier runs are dropped); a `start`
# after a `stop` keeps them, as a real restart would.
bind_start() {
  local dir=$SERVER_DATA/bind
  mkdir -p "$dir/zones"
  if [ "${FRESH_ZONE:-}" = 1 ]; then bind_write_zones "$dir" all; else bind_write_zones "$dir" missing; fi
  write_named_conf "$dir"
  named -c "$dir/named.conf" -f -u root >>"$(log_file bind)" 2>&1 &
  echo $! >"$(pid_file bind)"
}

# bind_write_zones DIR all|missing: (re)writes every zone file, or only those not there yet.
bind_write_zones() {
  local dir=$1 which=$2 zone
  for zone in "${BIND_ZONES[@]}"; do
    if [ "$which" = all ] || [ ! -f "$dir/zones/$zone.db" ]; then
      rm -f "$dir/zones/$zone.db.jnl"
      write_zone "$dir/zones/$zone.db" "$zone"
    fi
  done
}

# A BIND started here by an older version of this script learns the zones added since without a
# restart: its config is rewritten and named re-reads it on SIGHUP (zones it has keep their
# data). One started elsewhere is left as it is. Always true: the server answers either way.
bind_refresh() {
  local dir pid
  pid=$(own_pid bind) || return 0
  dir=$(server_data bind)/bind
  [ -f "$dir/named.conf" ] || return 0
  [ "$(named_conf_text "$dir")" = "$(cat "$dir/named.conf")" ] && return 0
  bind_write_zones "$dir" missing
  write_named_conf "$dir"
  kill -HUP "$pid" 2>/dev/null || true
  log "bind: re-reading its config for the zones ${BIND_ZONES[*]}"
  return 0
}

# write_zone FILE ZONE
write_zone() {
  cat >"$1" <<EOF
\$TTL 60
@    IN SOA ns1.$2. hostmaster.$2. ( 1 60 60 3600 60 )
     IN NS  ns1.$2.
ns1  IN A   127.0.0.1
EOF
}

write_named_conf() { named_conf_text "$1" >"$1/named.conf"; }

named_conf_text() {
  local dir=$1
  cat <<EOF
include "$INFRA/tsig.key";
options {
  directory "$dir";
  pid-file "$dir/named.pid";
  listen-on port $BIND_PORT { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  dnssec-validation no;
  allow-transfer { key platform-key; };
};
controls { };
logging { category update { null; }; category update-security { null; }; };
zone "platform.test" {
  type primary;
  file "$dir/zones/platform.test.db";
  allow-update { key platform-key; };
};
zone "dns-tests.test" {
  type primary;
  file "$dir/zones/dns-tests.test.db";
  allow-update { key platform-key; };
};
zone "e2e.test" {
  type primary;
  file "$dir/zones/e2e.test.db";
  allow-update { key platform-key; };
};
zone "readonly.test" {
  type primary;
  file "$dir/zones/readonly.test.db";
};
zone "no-transfer.test" {
  type primary;
  file "$dir/zones/no-transfer.test.db";
  allow-update { key platform-key; };
  allow-transfer { none; };
};
EOF
}

# --- image registries (CNCF distribution, Debian's docker-registry), one per kube-sim room ------
# registry (room-1, where builds push), registry2 (room-2), registry3 (room-3): the tests'. They
# take anonymous pushes (tests push fixtures from anywhere); the local platform runs its own,
# which enforce tenant projects (scripts/platform.sh). Each notifies build-service of every push:
# the one the module's tests start on port 18083 and the e2e tests' on 18183, each with the
# shared secret of
# scripts/infra/registry-notify.secret in the Authorization header, as Harbor sends its webhook
# policy's auth header. Events for an endpoint that does not answer wait in the registry, which
# retries them.
registry_install() { need_packages docker-registry openssl; }
registry2_install() { registry_install; }
registry3_install() { registry_install; }
registry_answers() { curl -fs -o /dev/null --max-time 1 "http://127.0.0.1:$(port_of "$1")/v2/"; }
registry_ready() { registry_answers registry; }
registry2_ready() { registry_answers registry2; }
registry3_ready() { registry_answers registry3; }
registry_start() { registry_serve registry; }
registry2_start() { registry_serve registry2; }
registry3_start() { registry_serve registry3; }
registry_serve() {
  local name=$1 dir=$SERVER_DATA/$1
  mkdir -p "$dir/data"
  registry_config "$dir" "$(port_of "$name")" >"$dir/config.yml"
  docker-registry serve "$dir/config.yml" >>"$(log_file "$name")" 2>&1 &
  echo $! >"$(pid_file "$name")"
}
registry_config() {
  local secret endpoint
  secret=$(cat "$INFRA/registry-notify.secret")
  cat <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $1/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$2
  secret: $(openssl rand -hex 16)
notifications:
  endpoints:
EOF
  for endpoint in tests:18083 e2e:18183; do
    cat <<EOF
    - name: ${endpoint%%:*}
      url: http://127.0.0.1:${endpoint#*:}/registry/events
      headers: {Authorization: ["Bearer $secret"]}
      timeout: 2s
      threshold: 3
      backoff: 1s
EOF
  done
}

# --- generic ---------------------------------------------------------------------------
STARTED_NOW=()
wait_ready() {
  local name=$1 limit=$2 waited=0
  until "${name}_ready"; do
    if ! own_pid "$name" >/dev/null && [ "$waited" -gt 3 ]; then break; fi
    [ "$waited" -ge "$limit" ] && break
    sleep 1; waited=$((waited + 1))
  done
  "${name}_ready"
}

up_one() {
  local name=$1 port; port=$(port_of "$name")
  if "${name}_ready"; then
    if own_pid "$name" >/dev/null; then
      log "$name already running on 127.0.0.1:$port"
      # started by an earlier version of this script: recorded now, so other checkouts find it
      recorded "$name" pid >/dev/null || record_server "$name" "$DATA"
    else log "$name answers on 127.0.0.1:$port (started elsewhere, data in $(server_data "$name" || echo 'an unrecorded folder')): reusing it"; fi
    return 0
  fi
  if port_conflict "$name"; then return 1; fi
  "${name}_install"
  log "starting $name on 127.0.0.1:$port (data in $SERVER_DATA)"
  STARTED_NOW+=("$name")
  "${name}_start"
  if ! wait_ready "$name" 90; then
    printf '[infra] ERROR: %s did not answer on 127.0.0.1:%s; last lines of %s:\n' "$name" "$port" "$(log_file "$name")" >&2
    tail -n 25 "$(log_file "$name")" >&2 || true
    return 1
  fi
  record_server "$name" "$SERVER_DATA"
}

# True (and says so) when the server does not answer but something else holds its port.
port_conflict() {
  local name=$1 port holder conflict=1
  "${name}_ready" && return 1
  for port in $(all_ports_of "$name"); do
    holder=$(holder_of "$port")
    [ -z "$holder" ] && continue
    printf '[infra] ERROR: %s: port %s is taken by another process: %s\n' "$name" "$port" "$holder" >&2
    conflict=0
  done
  return $conflict
}

stop_one() {
  local name=$1 pid
  pid=$(own_pid "$name") || { rm -f "$(pid_file "$name")"; return 0; }
  log "stopping $name (pid $pid)"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do alive "$pid" || break; sleep 0.5; done
  if alive "$pid"; then log "$name did not stop in 30 s: killing it"; kill -9 "$pid" 2>/dev/null || true; fi
  rm -f "$(pid_file "$name")"
  forget_server "$name" "$pid"
}

# A failed `up` leaves nothing half-started behind: what this run started is stopped again.
rollback() {
  local i
  for ((i = ${#STARTED_NOW[@]} - 1; i >= 0; i--)); do stop_one "${STARTED_NOW[$i]}"; done
}

prerequisites() {
  # nginx is installed, not started: each nginx-agent runs its own instance (-p prefix), with the
  # Lua module beside it for the balancer the agent pushes members to without a reload. The build
  # tools are installed, not started: build-service's local executor runs each step in a container
  # (podman with runc, buildah with OCI isolation; builder images made with debootstrap).
  # podman-compose runs docker-compose.yml in e2e's ComposeIT; dnsname lets its containers find
  # each other by service name on podman's CNI networks.
  need_packages curl iproute2 procps ca-certificates nginx libnginx-mod-http-lua lua-cjson git podman \
    runc buildah skopeo debootstrap podman-compose golang-github-containernetworking-plugin-dnsname
  need_kubectl
  mkdir -p "$RUN" "$LOGS" "$DIST"
}

cmd_up() {
  prerequisites
  local t0=$SECONDS name conflicts=0
  # Every port is checked before anything starts, so a conflict leaves nothing behind.
  for name in "${SERVERS[@]}"; do port_conflict "$name" && conflicts=1; done
  [ "$conflicts" = 0 ] || die "free the ports above (or stop what holds them), then run 'up' again"
  use_running_set_folder
  for name in "${SERVERS[@]}"; do
    if ! up_one "$name"; then rollback; exit 1; fi
  done
  mariadb_prepare || { rollback; die "could not create the databases in MariaDB"; }
  # for scripts/platform.sh: what to stop again when the rest of its `up` fails
  if [ -n "${INFRA_STARTED_FILE:-}" ]; then printf '%s\n' "${STARTED_NOW[@]}" >"$INFRA_STARTED_FILE"; fi
  log "all servers answer ($((SECONDS - t0)) s); data in $SERVER_DATA"
}

# A registry loses everything it stores (a room's disk replaced): stopped, emptied, started again.
cmd_wipe() {
  local name=$1 folder
  case $name in registry | registry2 | registry3) ;; *) die "usage: infra.sh wipe registry|registry2|registry3" ;; esac
  folder=$(server_data "$name") || die "$name was not started by scripts/infra.sh: its storage is unknown"
  stop_one "$name"
  rm -rf "${folder:?}/$name/data"
  prerequisites
  use_running_set_folder
  up_one "$name" || exit 1
}

cmd_status() {
  local name port pid state rc=0
  for name in "${SERVERS[@]}"; do
    port=$(port_of "$name")
    pid=$(own_pid "$name" || true)
    if "${name}_ready"; then state=up; else state=down; rc=1; fi
    if [ -n "$pid" ]; then pid="pid $pid (started here)"; elif [ $state = up ]; then pid="(started elsewhere)"; fi
    if [ $state = up ]; then pid="$pid, data in $(server_data "$name" || echo 'an unrecorded folder')"; fi
    printf '%-14s 127.0.0.1:%-6s %-5s %s\n' "$name" "$port" "$state" "$pid"
  done
  return $rc
}

case ${1:-} in
  up) FRESH_ZONE=1 cmd_up ;;
  down) for ((i = ${#SERVERS[@]} - 1; i >= 0; i--)); do stop_one "${SERVERS[$i]}"; done ;;
  status) cmd_status ;;
  stop) [ -n "${2:-}" ] || die "usage: infra.sh stop NAME"; port_of "$2" >/dev/null; stop_one "$2" ;;
  start) [ -n "${2:-}" ] || die "usage: infra.sh start NAME"; prerequisites; use_running_set_folder; up_one "$2" || exit 1 ;;
  wipe) cmd_wipe "${2:-}" ;;
  data-dir) echo "$DATA" ;;
  home)
    # where a server fetched from Maven Central is installed (fetched first if missing), for the
    # compose images scripts/images.sh builds from it
    mkdir -p "$LOGS" "$DIST"
    case ${2:-} in kafka) kafka_install >&2; KAFKA_HOME ;; elasticsearch) elasticsearch_install >&2; ES_HOME ;;
      *) die "usage: infra.sh home kafka|elasticsearch" ;; esac ;;
  servers-data-dir) cmd_servers_data_dir ;;
  *) echo "usage: $0 up|down|status|stop NAME|start NAME|wipe REGISTRY|data-dir|servers-data-dir|home SERVER" >&2; exit 2 ;;
esac
