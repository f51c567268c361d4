package io.containercloud.gateway.audit;

import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.Topic;
import io.containercloud.common.event.contract.AuditFacts;
import io.containercloud.common.outbox.Outbox;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * Records audit events through the gateway's outbox (MySQL {@code gateway}): the event is durable
 * once written, and the relay delivers it to {@code audit-events} in order, however long Kafka is
 * away. Keyed by tenant, so one tenant's events reach the trail in the order they happened.
 */
@Component
public class AuditEmitter {

  private static final Logger log = LoggerFactory.getLogger(AuditEmitter.class);

  private final Outbox outbox;
  private final TransactionTemplate tx;
  private final JsonMapper json;

  AuditEmitter(Outbox outbox, TransactionTemplate tx, JsonMapper json) {
    this.outbox = outbox;
    this.tx = tx;
    this.json = json;
  }

  /** Writes one event; completes when it is stored (blocking work runs off the event loop). */
  public Mono<Void> emit(
      AuditFacts.Type type, String tenant, String correlationId, Map<String, Object> data) {
    return Mono.<Void>fromRunnable(
            () ->
                tx.executeWithoutResult(
                    status ->
                        outbox.append(
                            Topic.AUDIT_EVENTS,
                            tenant,
                            CloudEvent.of(
                                "/gateway", type, correlationId, tenant, json.valueToTree(data)))))
        .subscribeOn(Schedulers.boundedElastic())
        .doOnError(
            e ->
                log.error(
                    "AUDIT EVENT NOT STORED ({} {} {}): {}",
                    type.value(),
                    tenant,
                    correlationId,
                    e.toString()));
  }
}
