package io.containercloud.cluster.image;

import io.containercloud.common.consumer.IdempotentConsumer;
import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.Topic;
import io.containercloud.common.event.contract.ImageGateChanged;
import io.containercloud.common.event.contract.ImagePushed;
import io.containercloud.common.event.contract.ImageScanned;
import io.containercloud.common.event.contract.ImageSyncFailed;
import io.containercloud.common.event.contract.ImageSynced;
import io.containercloud.common.event.contract.RoomRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Follows {@code image-events} for what each room's registry is and holds ({@link RoomRegistry},
 * {@link ImagePushed} to a room's registry, {@link ImageSynced} into one), why a copy is late
 * ({@link ImageSyncFailed}), and what the image gate reads ({@link ImageGateChanged}, {@link
 * ImageScanned}, the digest of each pushed tag). Each event is handled once; a malformed one is
 * logged and skipped; a database failure is retried, so nothing is lost.
 */
@Component
class ImageEventListener {

  static final String CONSUMER = "cluster-image-events";

  private final RoomRegistries rooms;
  private final ImageGate gate;
  private final IdempotentConsumer idempotent;
  private final JsonMapper json;

  ImageEventListener(
      RoomRegistries rooms, ImageGate gate, IdempotentConsumer idempotent, JsonMapper json) {
    this.rooms = rooms;
    this.gate = gate;
    this.idempotent = idempotent;
    this.json = json;
  }

  @KafkaListener(
      topics = Topic.Placeholders.IMAGE_EVENTS,
      groupId = "${platform.cluster.image-events.consumer-group:cluster-service-image-events}")
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
      return () -> {
        gate.pushed(push);
        rooms
            .roomOf(push.registry())
            .ifPresent(room -> rooms.held(room, push.repository(), push.digest()));
      };
    }
    if (ImageSynced.TYPE.value().equals(type)) {
      ImageSynced synced = ImageSynced.from(event, json);
      return () -> rooms.held(synced.room(), synced.repository(), synced.digest());
    }
    if (ImageSyncFailed.TYPE.value().equals(type)) {
      ImageSyncFailed failed = ImageSyncFailed.from(event, json);
      return () -> rooms.failed(failed);
    }
    if (ImageScanned.TYPE.value().equals(type)) {
      ImageScanned scan = ImageScanned.from(event, json);
      return () -> gate.scanned(scan);
    }
    if (ImageGateChanged.TYPE.value().equals(type)) {
      ImageGateChanged changed = ImageGateChanged.from(event, json);
      return () -> gate.changed(changed);
    }
    return null; // other image events are for other consumers
  }
}
