package io.containercloud.audit.ingest;

import io.containercloud.audit.chain.AuditChain;
import io.containercloud.audit.chain.AuditEntry;
import io.containercloud.common.consumer.IdempotentConsumer;
import io.containercloud.common.consumer.UnreadableEventException;
import io.containercloud.common.event.CloudEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Records every event on {@code audit-events} (the gateway's operations, web-shell commands,
 * services' own audit events) in the trail, once per event id.
 *
 * <p>Fields taken from {@code data} when present: {@code user}, {@code service}, {@code method},
 * {@code status}, {@code targetIds} (the first is indexed) or {@code targetId}; the whole {@code
 * data} is kept as the payload. Producers redact secrets before publishing. Only an event that is
 * not a CloudEvent at all is skipped (and logged); any other failure is retried, so no record is
 * lost.
 */
@Component
class AuditEventListener {

  static final String CONSUMER = "audit-trail";

  private final AuditChain chain;
  private final IdempotentConsumer idempotent;
  private final JsonMapper json;

  AuditEventListener(AuditChain chain, IdempotentConsumer idempotent, JsonMapper json) {
    this.chain = chain;
    this.idempotent = idempotent;
    this.json = json;
  }

  @KafkaListener(
      topics = "audit-events",
      groupId = "${platform.audit.consumer-group:audit-service}")
  void onEvent(ConsumerRecord<String, String> record) {
    CloudEvent event;
    try {
      event = CloudEvent.fromJson(json, record.value());
    } catch (JacksonException e) {
      throw new UnreadableEventException("not a CloudEvent: " + e.getOriginalMessage());
    }
    AuditEntry entry = entry(event);
    idempotent.process(CONSUMER, event.id(), () -> chain.append(entry));
  }

  private AuditEntry entry(CloudEvent event) {
    JsonNode data = event.data();
    String source = event.source().startsWith("/") ? event.source().substring(1) : event.source();
    String actor = text(data, "user");
    String target = text(data, "targetId");
    if (target == null
        && data != null
        && data.get("targetIds") != null
        && data.get("targetIds").size() > 0) {
      target = data.get("targetIds").get(0).asString();
    }
    JsonNode status = data == null ? null : data.get("status");
    return new AuditEntry(
        event.id(),
        event.tenant(),
        event.time(),
        bounded(actor == null ? "system:" + source : actor, 255),
        bounded(event.type(), 255),
        bounded(text(data, "service") == null ? source : text(data, "service"), 63),
        bounded(text(data, "method"), 10),
        status != null && status.isInt() ? status.asInt() : null,
        bounded(target, 255),
        data == null ? "{}" : json.writeValueAsString(data));
  }

  private static String text(JsonNode data, String field) {
    JsonNode node = data == null ? null : data.get(field);
    return node == null || !node.isString() ? null : node.asString();
  }

  private static String bounded(String value, int max) {
    return value == null || value.length() <= max ? value : value.substring(0, max);
  }
}
