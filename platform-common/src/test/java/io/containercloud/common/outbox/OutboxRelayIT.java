package io.containercloud.common.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.Topic;
import io.containercloud.common.event.TopicNames;
import io.containercloud.common.it.CommonTestApplication;
import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The relay against a producer that refuses a send at once, as Kafka's does while the broker is
 * away and it has no metadata for the topic yet: the rows after the refused one must not leave in
 * that round, or they would reach Kafka before it. Its own database and no relay of the service's
 * own, so that only this test's rows are there.
 */
@SpringBootTest(
    classes = CommonTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.NONE,
    properties = {
      "spring.datasource.url=jdbc:mysql://127.0.0.1:13306/common_relay_test"
          + "?createDatabaseIfNotExist=true",
      "platform.outbox.enabled=false",
      "spring.kafka.listener.auto-startup=false"
    })
@ActiveProfiles("test")
class OutboxRelayIT {

  @Autowired Outbox outbox;
  @Autowired JdbcTemplate jdbc;
  @Autowired TransactionTemplate tx;
  @Autowired OutboxProperties properties;

  @Test
  void aSendRefusedAtOnceEndsTheRoundSoThatNoLaterRowOvertakesIt() {
    jdbc.update("DELETE FROM outbox_event");
    String key = "order-" + UUID.randomUUID();
    tx.executeWithoutResult(
        status -> {
          for (int seq = 0; seq < 5; seq++) {
            outbox.append(
                Topic.APP_EVENTS,
                key,
                CloudEvent.of("/common-test", () -> "widget.created", key, "t", null));
          }
        });
    RefusingFirstSend refusing = new RefusingFirstSend();
    MockProducer<String, String> next =
        new MockProducer<>(true, null, new StringSerializer(), new StringSerializer());
    Iterator<Producer<String, String>> producers =
        List.<Producer<String, String>>of(refusing, next).iterator();
    OutboxRelay relay =
        new OutboxRelay(
            jdbc, tx, producers::next, new TopicNames("test."), properties, Clock.systemUTC());

    assertThatThrownBy(relay::relayOnce).hasMessageContaining("did not acknowledge");
    assertThat(refusing.history()).as("nothing after the refused row left").isEmpty();
    assertThat(refusing.closed()).as("the failed round's producer is dropped").isTrue();
    assertThat(unsent()).isEqualTo(5);

    assertThat(relay.relayOnce()).isEqualTo(5);
    assertThat(next.history())
        .extracting(ProducerRecord::topic)
        .containsOnly("test.app-events")
        .hasSize(5);
    assertThat(unsent()).isZero();
  }

  private int unsent() {
    return jdbc.queryForObject(
        "SELECT COUNT(*) FROM outbox_event WHERE sent_at IS NULL", Integer.class);
  }

  /** Refuses its first send the way KafkaProducer does without metadata: a failed future. */
  private static final class RefusingFirstSend extends MockProducer<String, String> {

    private boolean refused;

    RefusingFirstSend() {
      super(true, null, new StringSerializer(), new StringSerializer());
    }

    @Override
    public synchronized Future<RecordMetadata> send(ProducerRecord<String, String> record) {
      if (!refused) {
        refused = true;
        return CompletableFuture.failedFuture(
            new TimeoutException("Topic test.app-events not present in metadata after 3000 ms."));
      }
      return super.send(record);
    }
  }
}
