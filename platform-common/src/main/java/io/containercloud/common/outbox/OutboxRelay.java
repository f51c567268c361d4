package io.containercloud.common.outbox;

import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.TopicNames;
import io.containercloud.common.loop.WakeableLoop;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes committed outbox rows to Kafka in {@code seq} order and marks them sent.
 *
 * <p>One round locks the oldest unsent rows ({@code FOR UPDATE} at READ COMMITTED, so writers
 * inserting new rows are never blocked and a second instance waits instead of publishing the same
 * rows out of order), sends them with an idempotent producer, waits for every acknowledgement and
 * marks the acknowledged prefix sent. A failure stops the round at the first unacknowledged row (a
 * send refused at once also ends the sending, so no later row overtakes it) and drops the producer
 * at once, with whatever it still holds: a record it kept retrying could otherwise reach Kafka
 * after the next round had sent it again behind later rows of its key. The producer never gives up
 * on a record by itself before the round does (its delivery timeout is longer), so no record of a
 * partition fails while a later one of the same partition gets through. The next round starts at
 * the first unacknowledged row with a new producer, so per-key order holds and nothing is skipped.
 * Delivery is at least once: a crash between acknowledgement and commit publishes a row twice,
 * which the consumers' idempotence absorbs.
 *
 * <p>Rows keep the logical topic name; the relay publishes on its name on the broker ({@link
 * TopicNames}, with the configured prefix). Each service's database is its own, so no other
 * deployment's relay ever sees these rows.
 */
final class OutboxRelay implements SmartLifecycle, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
  private static final RecordHeader CONTENT_TYPE =
      new RecordHeader("content-type", CloudEvent.STRUCTURED_CONTENT_TYPE.getBytes());
  private static final Duration PURGE_EVERY = Duration.ofMinutes(10);

  private final JdbcTemplate jdbc;
  private final TransactionTemplate tx;
  private final Supplier<Producer<String, String>> producers;
  private Producer<String, String> producer; // the loop's thread only; null after a failure
  private final TopicNames topics;
  private final OutboxProperties properties;
  private final Clock clock;
  private final WakeableLoop loop;
  private Instant lastPurge = Instant.EPOCH;

  OutboxRelay(
      JdbcTemplate jdbc,
      TransactionTemplate tx,
      Supplier<Producer<String, String>> producers,
      TopicNames topics,
      OutboxProperties properties,
      Clock clock) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.producers = producers;
    this.topics = topics;
    this.properties = properties;
    this.clock = clock;
    this.loop =
        new WakeableLoop(
            "outbox-relay",
            this::round,
            properties.pollInterval(),
            properties.pollInterval(),
            properties.maxBackoff());
  }

  /** Called after a commit that wrote events, so they leave without waiting for the next poll. */
  void wake() {
    loop.wake();
  }

  @Override
  public void start() {
    loop.start();
  }

  /** Stops relaying; {@link #start} may resume it (a test context's pause, a restart). */
  @Override
  public void stop() {
    loop.stop(properties.sendTimeout().plusSeconds(1));
  }

  /** The producer goes with the bean, not with a stop. */
  @Override
  public void destroy() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
  }

  @Override
  public boolean isRunning() {
    return loop.isRunning();
  }

  /** One round: publishes a batch and purges old rows; true when a full batch went out. */
  private boolean round() {
    int published = relayOnce();
    purgeIfDue();
    return published == properties.batchSize();
  }

  /** Publishes one batch; returns how many rows it marked sent. */
  int relayOnce() {
    // a look without a transaction first: most rounds find nothing, and a locking read costs
    // four statements (autocommit off and on, the read, the commit)
    if (!Boolean.TRUE.equals(
        jdbc.queryForObject(
            "SELECT EXISTS (SELECT 1 FROM outbox_event WHERE sent_at IS NULL)", Boolean.class))) {
      return 0;
    }
    Round round = tx.execute(status -> publishBatch());
    // thrown only after the acknowledged prefix is committed as sent
    if (round.failure() != null) {
      producer.close(Duration.ZERO);
      producer = null;
      throw round.failure();
    }
    return round.sent();
  }

  private Round publishBatch() {
    List<Row> rows =
        jdbc.query(
            "SELECT seq, topic, event_key, payload FROM outbox_event WHERE sent_at IS NULL"
                + " ORDER BY seq LIMIT ? FOR UPDATE",
            (rs, i) -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)),
            properties.batchSize());
    if (rows.isEmpty()) {
      return new Round(0, null);
    }
    if (producer == null) {
      producer = producers.get();
    }
    List<Future<?>> acks = new ArrayList<>(rows.size());
    for (Row row : rows) {
      ProducerRecord<String, String> record =
          new ProducerRecord<>(
              topics.of(row.topic()), null, row.key(), row.payload(), List.of(CONTENT_TYPE));
      Future<?> ack = producer.send(record);
      acks.add(ack);
      if (refusedAtOnce(ack)) {
        // e.g. no metadata yet while Kafka is away: rows sent after this one could reach Kafka
        // once it returns and overtake it, so the round sends no more
        break;
      }
    }
    List<Long> sent = new ArrayList<>(rows.size());
    RuntimeException failure = null;
    long deadline = System.nanoTime() + properties.sendTimeout().toNanos();
    for (int i = 0; i < acks.size() && failure == null; i++) {
      try {
        acks.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        sent.add(rows.get(i).seq());
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        failure =
            new IllegalStateException(
                "Kafka did not acknowledge outbox event " + rows.get(i).seq(), e);
      }
    }
    markSent(sent);
    return new Round(sent.size(), failure);
  }

  private static boolean refusedAtOnce(Future<?> ack) {
    if (!ack.isDone()) {
      return false;
    }
    try {
      ack.get();
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    } catch (ExecutionException e) {
      return true;
    }
  }

  private void markSent(List<Long> seqs) {
    if (seqs.isEmpty()) {
      return;
    }
    // one statement for the batch: a statement per row was a third of the relay's statements
    List<Object> args = new ArrayList<>(seqs.size() + 1);
    args.add(Timestamp.from(clock.instant()));
    args.addAll(seqs);
    jdbc.update(
        "UPDATE outbox_event SET sent_at = ? WHERE seq IN ("
            + String.join(",", Collections.nCopies(seqs.size(), "?"))
            + ")",
        args.toArray());
  }

  private void purgeIfDue() {
    Instant now = clock.instant();
    if (Duration.between(lastPurge, now).compareTo(PURGE_EVERY) < 0) {
      return;
    }
    lastPurge = now;
    int purged =
        jdbc.update(
            "DELETE FROM outbox_event WHERE sent_at IS NOT NULL AND sent_at < ? LIMIT 10000",
            Timestamp.from(now.minus(properties.retention())));
    if (purged > 0) {
      log.debug("purged {} sent outbox events", purged);
    }
  }

  private record Round(int sent, RuntimeException failure) {}

  private record Row(long seq, String topic, String key, String payload) {}
}
