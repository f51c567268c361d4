package io.containercloud.audit.ingest;

import io.containercloud.audit.chain.AuditChain;
import io.containercloud.audit.chain.AuditEntry;
import io.containercloud.common.consumer.IdempotentConsumer;
import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.Topic;
import io.containercloud.common.event.contract.AuditFacts;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Records every event on {@code audit-events} (the gateway's operations, web-shell commands,
 * services' own audit events) in the trail, once per event id.
 *
 * <p>What is indexed comes from {@code data} as the shared definition {@link AuditFacts} names it
 * ({@code user}, {@code service}, {@code method}, {@code status}, {@code targetId}); the whole
 * {@code data} is kept as the payload. Producers redact secrets before publishing. Only an event
 * that is not a CloudEvent at all is skipped (and logged); any other failure is retried, so no
 * record is lost.
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
      topics = Topic.Placeholders.AUDIT_EVENTS,
      groupId = "${platform.audit.consumer-group:audit-service}")
  void onEvent(ConsumerRecord<String, String> record) {
    CloudEvent event = CloudEvent.read(json, record.value());
    AuditEntry entry = entry(event);
    idempotent.process(CONSUMER, event.id(), () -> chain.append(entry));
  }

  private AuditEntry entry(CloudEvent event) {
    AuditFacts facts = AuditFacts.from(event, json);
    String source = event.source().startsWith("/") ? event.source().substring(1) : event.source();
    return new AuditEntry(
        event.id(),
        event.tenant(),
        event.time(),
        bounded(facts.user() == null ? "system:" + source : facts.user(), 255),
        bounded(event.type(), 255),
        bounded(facts.service() == null ? source : facts.service(), 63),
        bounded(facts.method(), 10),
        facts.status(),
        bounded(facts.target(), 255),
        event.data() == null ? "{}" : json.writeValueAsString(event.data()));
  }

  private static String bounded(String value, int max) {
    return value == null || value.length() <= max ? value : value.substring(0, max);
  }
}
