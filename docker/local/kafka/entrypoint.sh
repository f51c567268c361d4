#!/bin/sh
# Each KAFKA_<NAME> variable is the broker setting <name> (lower case, "_" for "."), as apache/kafka
# reads them; the data folder is formatted on first start with CLUSTER_ID (or a new id).
set -eu
config=/tmp/server.properties
{
  echo "log.dirs=/var/lib/kafka/data"
  env | sed -n 's/^KAFKA_\([A-Z0-9_]*\)=\(.*\)$/\1=\2/p' | while IFS='=' read -r name value; do
    case $name in HEAP_OPTS | OPTS | JVM_PERFORMANCE_OPTS | LOG4J_OPTS) continue ;; esac
    printf '%s=%s\n' "$(printf '%s' "$name" | tr 'A-Z_' 'a-z.')" "$value"
  done
} >"$config"
kafka() { java -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties -cp "/opt/kafka/libs/*" "$@"; }
if [ ! -f /var/lib/kafka/data/meta.properties ]; then
  # --cluster-id=: a random id may start with "-", which a separate argument would make an option
  id=${CLUSTER_ID:-$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')}
  kafka kafka.tools.StorageTool format --cluster-id="$id" -c "$config"
fi
# shellcheck disable=SC2086 # the options are words
exec java ${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m} -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties \
  -cp "/opt/kafka/libs/*" kafka.Kafka "$config"
