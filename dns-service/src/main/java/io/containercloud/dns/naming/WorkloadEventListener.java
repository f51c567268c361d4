package io.containercloud.dns.naming;

import io.containercloud.common.consumer.IdempotentConsumer;
import io.containercloud.common.consumer.UnreadableEventException;
import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.Topic;
import io.containercloud.common.event.contract.EndpointsChanged;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Follows {@code endpoint-events} ({@link EndpointsChanged}, produced by cluster-service): each
 * event gives a workload's ready addresses in one Kubernetes cluster, and the workload's name
 * points at their union over every cluster (none left: the name goes). Each event is handled once
 * (its id is remembered in the same transaction as the names it changes). A malformed event is
 * logged and skipped; any other failure (the database) is retried with backoff, so no event is
 * lost.
 */
@Component
class WorkloadEventListener {

  static final String CONSUMER = "dns-workload-names";

  private final WorkloadNames names;
  private final IdempotentConsumer idempotent;
  private final JsonMapper json;

  WorkloadEventListener(WorkloadNames names, IdempotentConsumer idempotent, JsonMapper json) {
    this.names = names;
    this.idempotent = idempotent;
    this.json = json;
  }

  @KafkaListener(
      topics = Topic.Placeholders.ENDPOINT_EVENTS,
      groupId = "${platform.dns.naming.consumer-group:dns-service-workload-names}")
  void onEvent(ConsumerRecord<String, String> record) {
    if (record.value() == null) {
      return; // compaction's tombstone: the empty-addresses event before it removed the name
    }
    CloudEvent event = CloudEvent.read(json, record.value());
    EndpointsChanged endpoints = EndpointsChanged.from(event, json);
    if (endpoints.application() == null) {
      throw new UnreadableEventException(
          "event " + event.id() + " names no application: no name can be made");
    }
    idempotent.process(CONSUMER, event.id(), () -> names.follow(endpoints));
  }
}
