#!/bin/sh
# Kafka's own tool under the name apache/kafka gives it (docker-compose.yml's health check).
exec java -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties -Dlog4j2.level=error \
  -cp "/opt/kafka/libs/*" org.apache.kafka.tools.BrokerApiVersionsCommand "$@"
