package io.containercloud.common.it;

import io.containercloud.common.consumer.IdempotentConsumer;
import io.containercloud.common.consumer.IdempotentConsumer.Outcome;
import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.EventType;
import io.containercloud.common.event.Topic;
import io.containercloud.common.outbox.Outbox;
import io.containercloud.common.testing.LocalInfra;
import io.containercloud.common.testing.TestKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** Writes widgets with their events, and consumes those events the way a service would. */
@Component
class DrillEvents {

  enum Type implements EventType {
    CREATED("widget.created");

    private final String value;

    Type(String value) {
      this.value = value;
    }

    @Override
    public String value() {
      return value;
    }
  }

  private final Outbox outbox;
  private final JdbcTemplate jdbc;
  private final TransactionTemplate tx;
  private final JsonMapper mapper;
  private final IdempotentConsumer idempotent;

  DrillEvents(
      Outbox outbox,
      JdbcTemplate jdbc,
      TransactionTemplate tx,
      JsonMapper mapper,
      IdempotentConsumer idempotent) {
    this.outbox = outbox;
    this.jdbc = jdbc;
    this.tx = tx;
    this.mapper = mapper;
    this.idempotent = idempotent;
  }

  /** One transaction: a widget row and its event, keyed by {@code key}, numbered {@code seq}. */
  CloudEvent createWidget(String key, int seq, String run) {
    return tx.execute(
        status -> {
          jdbc.update("INSERT INTO widget (name) VALUES (?)", key + "-" + seq);
          CloudEvent event =
              CloudEvent.of(
                  "/common-test",
                  Type.CREATED,
                  key,
                  "tenant-a",
                  mapper.valueToTree(Map.of("seq", seq, "run", run)));
          outbox.append(Topic.APP_EVENTS, event);
          return event;
        });
  }

  /** Applies an event's effect through the idempotent consumer. */
  Outcome apply(CloudEvent event) {
    return idempotent.process(
        "drill",
        event.id(),
        () ->
            jdbc.update(
                "INSERT INTO consumer_effect (event_id, applied) VALUES (?, 1)"
                    + " ON DUPLICATE KEY UPDATE applied = applied + 1",
                event.id()));
  }

  CloudEvent parse(String json) {
    return CloudEvent.fromJson(mapper, json);
  }

  /** The records one test run wrote, told apart by the {@code run} in their data. */
  List<ConsumerRecord<String, String>> ofRun(
      List<ConsumerRecord<String, String>> records, String run) {
    return records.stream()
        .filter(
            r -> {
              CloudEvent e = parse(r.value());
              return e.data() != null
                  && e.data().has("run")
                  && run.equals(e.data().get("run").asString());
            })
        .toList();
  }

  /** A consumer in a fresh group reading the tests' {@link Topic#APP_EVENTS} from the start. */
  static KafkaConsumer<String, String> newConsumer() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalInfra.KAFKA_BOOTSTRAP);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "drill-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props);
    consumer.subscribe(List.of(TestKafka.topic(Topic.APP_EVENTS)));
    return consumer;
  }

  /** Polls until {@code done} holds for what was read, or the time is up. */
  static List<ConsumerRecord<String, String>> pollUntil(
      KafkaConsumer<String, String> consumer,
      Predicate<List<ConsumerRecord<String, String>>> done,
      Duration limit) {
    List<ConsumerRecord<String, String>> read = new ArrayList<>();
    long deadline = System.nanoTime() + limit.toNanos();
    while (!done.test(read) && System.nanoTime() < deadline) {
      consumer.poll(Duration.ofMillis(200)).forEach(read::add);
    }
    return read;
  }
}
