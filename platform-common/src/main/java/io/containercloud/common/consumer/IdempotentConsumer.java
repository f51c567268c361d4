package io.containercloud.common.consumer;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs a consumer's handling of an event at most once per event id, however often Kafka delivers
 * it.
 *
 * <p>The id is recorded in {@code processed_event} in the same transaction as the handler's own
 * writes: if the handler fails, both roll back and the redelivered event is handled again; if it
 * commits, a redelivery finds the id and is skipped. Handlers must therefore keep their effects in
 * this database (or be idempotent themselves for effects outside it).
 */
public final class IdempotentConsumer {

  /** What became of one delivery. */
  public enum Outcome {
    /** First delivery: the handler ran and its effects committed. */
    PROCESSED,
    /** The event id was processed before: the handler did not run. */
    DUPLICATE
  }

  private final JdbcTemplate jdbc;
  private final TransactionTemplate tx;

  IdempotentConsumer(JdbcTemplate jdbc, TransactionTemplate tx) {
    this.jdbc = jdbc;
    this.tx = tx;
  }

  /**
   * Runs {@code handler} in a transaction unless {@code consumer} already processed {@code
   * eventId}.
   *
   * @param consumer a stable name of the consuming logic (not of the instance)
   */
  public Outcome process(String consumer, String eventId, Runnable handler) {
    return tx.execute(
        status -> {
          int inserted =
              jdbc.update(
                  "INSERT IGNORE INTO processed_event (consumer, event_id) VALUES (?, ?)",
                  consumer,
                  eventId);
          if (inserted == 0) {
            return Outcome.DUPLICATE;
          }
          handler.run();
          return Outcome.PROCESSED;
        });
  }
}
