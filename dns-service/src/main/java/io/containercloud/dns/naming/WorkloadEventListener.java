package io.containercloud.dns.naming;

import io.containercloud.common.consumer.IdempotentConsumer;
import io.containercloud.common.consumer.UnreadableEventException;
import io.containercloud.common.event.CloudEvent;
import io.containercloud.dns.naming.WorkloadNames.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads workload events from {@code cluster-events} and {@code app-events}, each once (ids are
 * remembered in the same transaction as the names they change).
 *
 * <p>Contract: {@code data} carries {@code tenant}, {@code application}, {@code service} and, for
 * placements, {@code addresses} (IP literals). Types {@code workload.placed}, {@code
 * workload.migrated}, {@code workload.scaled} and {@code app.service.deployed} point the name at
 * the addresses; {@code workload.deleted} and {@code app.service.removed} remove it. Other types
 * are ignored. A malformed event is logged and skipped; any other failure (the database) is retried
 * with backoff, so no event is lost.
 */
@Component
class WorkloadEventListener {

  static final String CONSUMER = "dns-workload-names";
  private static final Set<String> PLACED =
      Set.of("workload.placed", "workload.migrated", "workload.scaled", "app.service.deployed");
  private static final Set<String> REMOVED = Set.of("workload.deleted", "app.service.removed");

  private final WorkloadNames names;
  private final IdempotentConsumer idempotent;
  private final JsonMapper json;

  WorkloadEventListener(WorkloadNames names, IdempotentConsumer idempotent, JsonMapper json) {
    this.names = names;
    this.idempotent = idempotent;
    this.json = json;
  }

  @KafkaListener(
      topics = {"cluster-events", "app-events"},
      groupId = "${platform.dns.naming.consumer-group:dns-service-workload-names}")
  void onEvent(ConsumerRecord<String, String> record) {
    CloudEvent event = parse(record.value());
    boolean placed = PLACED.contains(event.type());
    if (!placed && !REMOVED.contains(event.type())) {
      return;
    }
    Workload workload = workload(event.data());
    if (!workload.valid()) {
      throw new UnreadableEventException(
          "event " + event.id() + " names no valid tenant/application/service");
    }
    List<String> addresses = placed ? addresses(event.data()) : List.of();
    idempotent.process(
        CONSUMER,
        event.id(),
        () -> {
          if (placed) {
            names.placed(workload, addresses);
          } else {
            names.removed(workload);
          }
        });
  }

  private CloudEvent parse(String value) {
    try {
      return CloudEvent.fromJson(json, value);
    } catch (JacksonException e) {
      throw new UnreadableEventException("not a CloudEvent: " + e.getOriginalMessage());
    }
  }

  private static Workload workload(JsonNode data) {
    if (data == null) {
      return new Workload(null, null, null);
    }
    return new Workload(text(data, "tenant"), text(data, "application"), text(data, "service"));
  }

  private static List<String> addresses(JsonNode data) {
    List<String> addresses = new ArrayList<>();
    JsonNode list = data.get("addresses");
    if (list != null && list.isArray()) {
      list.forEach(a -> addresses.add(a.asString()));
    }
    return addresses;
  }

  private static String text(JsonNode data, String field) {
    JsonNode node = data.get(field);
    return node == null || !node.isString() ? null : node.asString();
  }
}
