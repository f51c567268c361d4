package io.containercloud.cluster.testing;

import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.EventType;
import io.containercloud.common.event.Topic;
import io.containercloud.common.testing.TestKafka;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import tools.jackson.databind.json.JsonMapper;

/** build-service's events on the tests' {@code image-events}, written as it writes them. */
public final class ImageEvents {

  private ImageEvents() {}

  /**
   * Publishes {@code data} (an event contract of platform-common, keyed by its {@code key()}) as
   * {@code type} of {@code tenant}; its event id.
   */
  public static String publish(JsonMapper json, EventType type, String tenant, Record data)
      throws Exception {
    String key = (String) data.getClass().getMethod("key").invoke(data);
    CloudEvent event = CloudEvent.of("/build-service", type, key, tenant, json.valueToTree(data));
    try (KafkaProducer<String, String> producer = TestKafka.producer()) {
      producer
          .send(new ProducerRecord<>(TestKafka.topic(Topic.IMAGE_EVENTS), key, event.toJson(json)))
          .get();
    }
    return event.id();
  }

  /** A digest of {@code content}, as a registry would name it. */
  public static String digest(String content) {
    try {
      return "sha256:"
          + HexFormat.of()
              .formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
