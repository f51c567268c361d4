package io.containercloud.common.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.containercloud.common.consumer.IdempotentConsumer;
import io.containercloud.common.consumer.IdempotentConsumer.Outcome;
import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.Topic;
import io.containercloud.common.outbox.Outbox;
import io.containercloud.common.testing.ServiceIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

@ServiceIntegrationTest
class OutboxIT {

  @Autowired DrillEvents drill;
  @Autowired Outbox outbox;
  @Autowired JdbcTemplate jdbc;
  @Autowired TransactionTemplate tx;
  @Autowired IdempotentConsumer idempotent;

  @Test
  void publishesCommittedEventsInOrderPerKeyAsStructuredCloudEvents() {
    String run = UUID.randomUUID().toString();
    for (int seq = 0; seq < 20; seq++) {
      drill.createWidget("order-" + run + "-" + (seq % 2), seq, run);
    }
    try (KafkaConsumer<String, String> consumer = DrillEvents.newConsumer()) {
      List<ConsumerRecord<String, String>> read =
          DrillEvents.pollUntil(
              consumer, r -> drill.ofRun(r, run).size() == 20, Duration.ofSeconds(60));
      List<ConsumerRecord<String, String>> mine = drill.ofRun(read, run);
      assertThat(mine).hasSize(20);
      for (String key : List.of("order-" + run + "-0", "order-" + run + "-1")) {
        List<Integer> seqs = mine.stream().filter(r -> r.key().equals(key)).map(this::seq).toList();
        assertThat(seqs).hasSize(10).isSorted();
      }
      ConsumerRecord<String, String> first = mine.get(0);
      assertThat(
              new String(
                  first.headers().lastHeader("content-type").value(), StandardCharsets.UTF_8))
          .isEqualTo("application/cloudevents+json");
      CloudEvent event = drill.parse(first.value());
      assertThat(event.specversion()).isEqualTo("1.0");
      assertThat(event.type()).isEqualTo("widget.created");
      assertThat(event.tenant()).isEqualTo("tenant-a");
      assertThat(event.subject()).isEqualTo(first.key());
    }
  }

  @Test
  void rolledBackTransactionWritesAndPublishesNothing() {
    String run = UUID.randomUUID().toString();
    String[] rolledBackId = new String[1];
    assertThatThrownBy(
            () ->
                tx.executeWithoutResult(
                    status -> {
                      rolledBackId[0] = drill.createWidget("rollback-" + run, 0, run).id();
                      throw new IllegalStateException("business rule failed after the write");
                    }))
        .hasMessageContaining("business rule");
    drill.createWidget("rollback-" + run, 1, run);

    assertThat(
            jdbc.queryForObject(
                "SELECT COUNT(*) FROM outbox_event WHERE event_id = ?",
                Integer.class,
                rolledBackId[0]))
        .isZero();
    assertThat(
            jdbc.queryForObject(
                "SELECT COUNT(*) FROM widget WHERE name = ?",
                Integer.class,
                "rollback-" + run + "-0"))
        .isZero();
    try (KafkaConsumer<String, String> consumer = DrillEvents.newConsumer()) {
      List<ConsumerRecord<String, String>> mine =
          drill.ofRun(
              DrillEvents.pollUntil(
                  consumer, r -> !drill.ofRun(r, run).isEmpty(), Duration.ofSeconds(60)),
              run);
      assertThat(mine).extracting(this::seq).containsExactly(1);
    }
  }

  @Test
  void appendOutsideATransactionIsRefused() {
    CloudEvent event =
        CloudEvent.of("/common-test", DrillEvents.Type.CREATED, "k", "tenant-a", null);
    assertThatThrownBy(() -> outbox.append(Topic.APP_EVENTS, event))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("transaction");
  }

  @Test
  void idempotentConsumerAppliesAnEventOnce() {
    CloudEvent event = drill.createWidget("idem-" + UUID.randomUUID(), 0, "idem");
    assertThat(drill.apply(event)).isEqualTo(Outcome.PROCESSED);
    assertThat(drill.apply(event)).isEqualTo(Outcome.DUPLICATE);
    assertThat(
            jdbc.queryForObject(
                "SELECT applied FROM consumer_effect WHERE event_id = ?",
                Integer.class,
                event.id()))
        .isEqualTo(1);
  }

  @Test
  void failingHandlerLeavesTheEventUnprocessed() {
    CloudEvent event = drill.createWidget("fail-" + UUID.randomUUID(), 0, "fail");
    assertThatThrownBy(() -> applyWithFailingHandler(event)).hasMessageContaining("handler failed");
    assertThat(drill.apply(event)).isEqualTo(Outcome.PROCESSED);
  }

  private void applyWithFailingHandler(CloudEvent event) {
    idempotent.process(
        "drill",
        event.id(),
        () -> {
          jdbc.update("INSERT INTO consumer_effect (event_id, applied) VALUES (?, 1)", event.id());
          throw new IllegalStateException("handler failed");
        });
  }

  private int seq(ConsumerRecord<String, String> record) {
    return drill.parse(record.value()).data().get("seq").asInt();
  }
}
