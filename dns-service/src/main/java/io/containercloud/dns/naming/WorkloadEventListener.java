package io.containercloud.dns.naming;

import io.containercloud.common.consumer.IdempotentConsumer;
import io.containercloud.common.consumer.SkippedEvents;
import io.containercloud.common.consumer.UnreadableEventException;
import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.Topic;
import io.containercloud.common.event.contract.EndpointsChanged;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Follows {@code endpoint-events} ({@link EndpointsChanged}, produced by cluster-service): each
 * event gives a workload's ready addresses in one Kubernetes cluster, and the workload's name
 * points at their union over every cluster (none left: the name goes). Each event is handled once
 * (its id is remembered in the same transaction as the names it changes). A malformed event is
 * logged and skipped; any other failure (the database) retries the poll with backoff, so no event
 * is lost.
 */
@Component
class WorkloadEventListener {

  static final String CONSUMER = "dns-workload-names";

  private final WorkloadNames names;
  private final IdempotentConsumer idempotent;
  private final JsonMapper json;
  private final TransactionTemplate tx;

  WorkloadEventListener(
      WorkloadNames names, IdempotentConsumer idempotent, JsonMapper json, TransactionTemplate tx) {
    this.names = names;
    this.idempotent = idempotent;
    this.json = json;
    this.tx = tx;
  }

  /**
   * A poll's events in one transaction (a transaction per event was most of the service's
   * statements while a platform started fifty applications); each event still counts once.
   */
  @KafkaListener(
      topics = Topic.Placeholders.ENDPOINT_EVENTS,
      groupId = "${platform.dns.naming.consumer-group:dns-service-workload-names}",
      batch = "true")
  void onEvents(List<ConsumerRecord<String, String>> records) {
    Map<String, EndpointsChanged> readable = new LinkedHashMap<>();
    for (ConsumerRecord<String, String> record : records) {
      if (record.value() == null) {
        continue; // compaction's tombstone: the empty-addresses event before it removed the name
      }
      try {
        CloudEvent event = CloudEvent.read(json, record.value());
        EndpointsChanged endpoints = EndpointsChanged.from(event, json);
        if (endpoints.application() == null) {
          SkippedEvents.unreadable(
              record, "event " + event.id() + " names no application: no name can be made");
        } else {
          readable.put(event.id(), endpoints);
        }
      } catch (UnreadableEventException e) {
        SkippedEvents.unreadable(record, e.getMessage());
      }
    }
    if (!readable.isEmpty()) {
      tx.executeWithoutResult(
          status ->
              readable.forEach(
                  (id, endpoints) ->
                      idempotent.process(CONSUMER, id, () -> names.follow(endpoints))));
    }
  }
}
