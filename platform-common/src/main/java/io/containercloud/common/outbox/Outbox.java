package io.containercloud.common.outbox;

import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.Topic;
import java.nio.charset.StandardCharsets;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * Records an event in the service's own database, inside the caller's transaction.
 *
 * <p>The change and its event commit or roll back together; the {@link OutboxRelay} publishes
 * committed events to Kafka later. So publishing never fails the user's action, and an outage of
 * Kafka delays events without losing them. Calling this outside a transaction is a bug and throws:
 * an event written on its own could announce a change that never happened.
 */
public final class Outbox {

  private final JdbcTemplate jdbc;
  private final JsonMapper mapper;
  private final OutboxProperties properties;
  private final Runnable wakeRelay;

  Outbox(JdbcTemplate jdbc, JsonMapper mapper, OutboxProperties properties, Runnable wakeRelay) {
    this.jdbc = jdbc;
    this.mapper = mapper;
    this.properties = properties;
    this.wakeRelay = wakeRelay;
  }

  /** Appends {@code event} to {@code topic}, keyed by the event's subject. */
  public void append(Topic topic, CloudEvent event) {
    append(topic, event.subject(), event);
  }

  /** Appends {@code event} to {@code topic} under {@code key}, which orders it among its kin. */
  public void append(Topic topic, String key, CloudEvent event) {
    if (!TransactionSynchronizationManager.isActualTransactionActive()) {
      throw new IllegalStateException(
          "Outbox.append needs the transaction of the change it describes");
    }
    String payload = event.toJson(mapper);
    long size = payload.getBytes(StandardCharsets.UTF_8).length;
    if (size > properties.maxEventSize().toBytes()) {
      throw new IllegalArgumentException(
          "event " + event.type() + " is " + size + " bytes, over platform.outbox.max-event-size");
    }
    jdbc.update(
        "INSERT INTO outbox_event (event_id, topic, event_key, payload) VALUES (?, ?, ?, ?)",
        event.id(),
        topic.topicName(),
        key,
        payload);
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void afterCommit() {
            wakeRelay.run();
          }
        });
  }
}
