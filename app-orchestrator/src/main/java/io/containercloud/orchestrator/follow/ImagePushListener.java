package io.containercloud.orchestrator.follow;

import io.containercloud.common.consumer.IdempotentConsumer;
import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.Topic;
import io.containercloud.common.event.contract.ImagePushed;
import io.containercloud.orchestrator.operation.Operations;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code image.pushed} on {@code image-events}: services that follow the pushed repository and tag
 * are upgraded through their application. Each event is handled once across instances (one consumer
 * group, and the event's id remembered); a malformed one is logged and skipped.
 */
@Component
class ImagePushListener {

  static final String CONSUMER = "app-orchestrator-image-pushes";

  private final Operations operations;
  private final IdempotentConsumer idempotent;
  private final JsonMapper json;

  ImagePushListener(Operations operations, IdempotentConsumer idempotent, JsonMapper json) {
    this.operations = operations;
    this.idempotent = idempotent;
    this.json = json;
  }

  @KafkaListener(
      topics = Topic.Placeholders.IMAGE_EVENTS,
      groupId = "${platform.apps.image-pushes.consumer-group:app-orchestrator-image-pushes}")
  void onEvent(ConsumerRecord<String, String> record) {
    CloudEvent event = CloudEvent.read(json, record.value());
    if (ImagePushed.TYPE.value().equals(event.type())) {
      ImagePushed push = ImagePushed.from(event, json);
      idempotent.process(CONSUMER, event.id(), () -> operations.follow(push, event.id()));
    }
  }
}
