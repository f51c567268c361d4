package io.containercloud.common.it;

import io.containercloud.common.event.Topic;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Listens the way every service does (topic through its placeholder) and keeps what it read. */
@Component
class AppEventsListener {

  private final Set<String> values = ConcurrentHashMap.newKeySet();

  @KafkaListener(
      id = "common-test-app-events",
      topics = Topic.Placeholders.APP_EVENTS,
      groupId = "common-test-app-events",
      properties = "auto.offset.reset=earliest")
  void onEvent(ConsumerRecord<String, String> record) {
    values.add(record.value());
  }

  /** Whether an event whose JSON contains {@code text} arrived. */
  boolean received(String text) {
    return values.stream().anyMatch(v -> v.contains(text));
  }
}
