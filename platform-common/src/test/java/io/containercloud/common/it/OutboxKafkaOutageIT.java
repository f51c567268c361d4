package io.containercloud.common.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.common.consumer.IdempotentConsumer.Outcome;
import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.testing.LocalInfra;
import io.containercloud.common.testing.ServiceIntegrationTest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** Fault drill: the broker is stopped while the service keeps writing; nothing is lost. */
@ServiceIntegrationTest
class OutboxKafkaOutageIT {

  private static final int EVENTS = 1_000;
  private static final int KEYS = 10;

  @Autowired DrillEvents drill;
  @Autowired JdbcTemplate jdbc;

  @Test
  void eventsWrittenWhileKafkaIsDownAllArriveOnceItReturns() {
    String run = UUID.randomUUID().toString();
    LocalInfra.stop("kafka", LocalInfra.KAFKA_PORT);
    try {
      for (int seq = 0; seq < EVENTS; seq++) {
        drill.createWidget("outage-" + run + "-" + (seq % KEYS), seq, run);
      }
      assertThat(
              jdbc.queryForObject(
                  "SELECT COUNT(*) FROM outbox_event WHERE sent_at IS NULL", Integer.class))
          .isGreaterThanOrEqualTo(EVENTS);
    } finally {
      LocalInfra.start("kafka");
    }

    List<CloudEvent> firstPass = consumeRun(run);
    assertThat(firstPass.stream().map(CloudEvent::id).collect(Collectors.toSet())).hasSize(EVENTS);
    assertOrderedPerKey(firstPass);
    firstPass.forEach(drill::apply);

    // Kafka delivers at least once: a second delivery of every event changes nothing.
    List<CloudEvent> secondPass = consumeRun(run);
    assertThat(secondPass).allSatisfy(e -> assertThat(drill.apply(e)).isEqualTo(Outcome.DUPLICATE));
    Set<String> ids = firstPass.stream().map(CloudEvent::id).collect(Collectors.toSet());
    List<Integer> applied =
        ids.stream()
            .map(
                id ->
                    jdbc.queryForObject(
                        "SELECT applied FROM consumer_effect WHERE event_id = ?",
                        Integer.class,
                        id))
            .toList();
    assertThat(applied).hasSize(EVENTS).containsOnly(1);
  }

  /** Everything of this run, redeliveries included, read until every event was seen once. */
  private List<CloudEvent> consumeRun(String run) {
    try (KafkaConsumer<String, String> consumer = DrillEvents.newConsumer()) {
      List<ConsumerRecord<String, String>> read =
          DrillEvents.pollUntil(
              consumer, r -> distinctIds(drill.ofRun(r, run)) >= EVENTS, Duration.ofMinutes(2));
      return drill.ofRun(read, run).stream().map(r -> drill.parse(r.value())).toList();
    }
  }

  private long distinctIds(List<ConsumerRecord<String, String>> records) {
    return records.stream().map(r -> drill.parse(r.value()).id()).distinct().count();
  }

  private static void assertOrderedPerKey(List<CloudEvent> events) {
    Map<String, Integer> last = new HashMap<>();
    Set<String> seen = new java.util.HashSet<>();
    for (CloudEvent e : events) {
      if (!seen.add(e.id())) {
        continue; // a redelivery, allowed by at-least-once
      }
      int seq = e.data().get("seq").asInt();
      Integer previous = last.put(e.subject(), seq);
      assertThat(previous == null || previous < seq)
          .as("event %d of %s after %s", seq, e.subject(), previous)
          .isTrue();
    }
  }
}
