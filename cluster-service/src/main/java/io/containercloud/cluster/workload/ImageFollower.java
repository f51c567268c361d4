package io.containercloud.cluster.workload;

import io.containercloud.common.consumer.IdempotentConsumer;
import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.Topic;
import io.containercloud.common.event.contract.ImagePushed;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Follows {@code image-events} ({@link ImagePushed}, produced by build-service from the registries'
 * notifications): a push rolls the workloads of the repository's project that follow it to the
 * pushed digest ({@link Workloads#follow}), one cluster at a time as any upgrade. Each event is
 * handled once (its id is remembered in the same transaction as the image change); a malformed
 * event is logged and skipped; any other failure (the database, a workload changed meanwhile) is
 * retried with backoff, so no push is lost.
 */
@Component
class ImageFollower {

  static final String CONSUMER = "cluster-image-follow";
  private static final Logger log = LoggerFactory.getLogger(ImageFollower.class);

  private final Workloads workloads;
  private final IdempotentConsumer idempotent;
  private final JsonMapper json;

  ImageFollower(Workloads workloads, IdempotentConsumer idempotent, JsonMapper json) {
    this.workloads = workloads;
    this.idempotent = idempotent;
    this.json = json;
  }

  @KafkaListener(
      topics = Topic.Placeholders.IMAGE_EVENTS,
      groupId = "${platform.cluster.image-follow.consumer-group:cluster-service-image-follow}")
  void onEvent(ConsumerRecord<String, String> record) {
    CloudEvent event = CloudEvent.read(json, record.value());
    if (!ImagePushed.TYPE.value().equals(event.type())) {
      return; // image-events carries other types for other consumers
    }
    ImagePushed push = ImagePushed.from(event, json);
    idempotent.process(
        CONSUMER,
        event.id(),
        () -> {
          var rolled = workloads.follow(push, push.project(), event.id());
          if (!rolled.isEmpty()) {
            log.info(
                "{}:{} ({}) rolls {} of tenant {}",
                push.key(),
                push.tag(),
                push.digest(),
                rolled,
                push.project());
          }
        });
  }
}
