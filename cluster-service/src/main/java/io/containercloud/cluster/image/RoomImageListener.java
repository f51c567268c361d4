package io.containercloud.cluster.image;

import io.containercloud.common.consumer.IdempotentConsumer;
import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.Topic;
import io.containercloud.common.event.contract.ImagePushed;
import io.containercloud.common.event.contract.ImageSyncFailed;
import io.containercloud.common.event.contract.ImageSynced;
import io.containercloud.common.event.contract.RoomRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Follows {@code image-events} for what each room's registry is and holds ({@link RoomRegistry},
 * {@link ImagePushed} to a room's registry, {@link ImageSynced} into one) and why a copy is late
 * ({@link ImageSyncFailed}). Each event is handled once; a malformed one is logged and skipped; a
 * database failure is retried, so nothing is lost.
 */
@Component
class RoomImageListener {

  static final String CONSUMER = "cluster-room-images";

  private final RoomRegistries rooms;
  private final IdempotentConsumer idempotent;
  private final JsonMapper json;

  RoomImageListener(RoomRegistries rooms, IdempotentConsumer idempotent, JsonMapper json) {
    this.rooms = rooms;
    this.idempotent = idempotent;
    this.json = json;
  }

  @KafkaListener(
      topics = Topic.Placeholders.IMAGE_EVENTS,
      groupId = "${platform.cluster.room-images.consumer-group:cluster-service-room-images}")
  void onEvent(ConsumerRecord<String, String> record) {
    CloudEvent event = CloudEvent.read(json, record.value());
    Runnable handler = handler(event);
    if (handler != null) {
      idempotent.process(CONSUMER, event.id(), handler);
    }
  }

  private Runnable handler(CloudEvent event) {
    String type = event.type();
    if (RoomRegistry.REGISTERED.value().equals(type)) {
      RoomRegistry registry = RoomRegistry.from(event, json);
      return () -> rooms.registered(registry);
    }
    if (RoomRegistry.REMOVED.value().equals(type)) {
      RoomRegistry registry = RoomRegistry.from(event, json);
      return () -> rooms.removed(registry);
    }
    if (ImagePushed.TYPE.value().equals(type)) {
      ImagePushed push = ImagePushed.from(event, json);
      return () ->
          rooms
              .roomOf(push.registry())
              .ifPresent(room -> rooms.held(room, push.repository(), push.digest()));
    }
    if (ImageSynced.TYPE.value().equals(type)) {
      ImageSynced synced = ImageSynced.from(event, json);
      return () -> rooms.held(synced.room(), synced.repository(), synced.digest());
    }
    if (ImageSyncFailed.TYPE.value().equals(type)) {
      ImageSyncFailed failed = ImageSyncFailed.from(event, json);
      return () -> rooms.failed(failed);
    }
    return null; // other image events are for other consumers
  }
}
