package io.containercloud.common.testing;

import static org.awaitility.Awaitility.await;

import io.containercloud.common.event.Topic;
import io.containercloud.common.event.TopicNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Clients of the local Kafka broker for tests that publish events or watch a topic.
 *
 * <p>Tests use the platform's topics under {@link #TOPIC_PREFIX} ({@code test.endpoint-events},
 * ...), the prefix every module's test configuration sets ({@code platform.kafka.topic-prefix}), so
 * that nothing a test publishes reaches a local platform running beside the tests, and nothing the
 * platform publishes reaches the services under test.
 */
public final class TestKafka {

  /** The topic prefix of every test: {@code platform.kafka.topic-prefix} in the test profile. */
  public static final String TOPIC_PREFIX = "test.";

  /** The names of the tests' topics on the broker. */
  public static final TopicNames TOPICS = new TopicNames(TOPIC_PREFIX);

  private TestKafka() {}

  /** The name of the tests' {@code topic} on the broker, for example {@code test.dns-events}. */
  public static String topic(Topic topic) {
    return TOPICS.of(topic);
  }

  /** A producer of strings to the local broker; close it after use. */
  public static KafkaProducer<String, String> producer() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalInfra.KAFKA_BOOTSTRAP);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    return new KafkaProducer<>(props);
  }

  /**
   * A consumer of the tests' {@code topic} that reads only what is published from now on; close it
   * after use.
   */
  public static KafkaConsumer<String, String> consumerAtEnd(Topic topic) {
    return consumerAtEndOf(topic(topic));
  }

  /**
   * A consumer of the topic named {@code name} on the broker (no prefix added), from now on: for
   * tests that watch a topic other than their own, such as the local platform's.
   */
  public static KafkaConsumer<String, String> consumerAtEndOf(String name) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalInfra.KAFKA_BOOTSTRAP);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props);
    List<TopicPartition> partitions =
        consumer.partitionsFor(name).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // resolves the end offsets now
    return consumer;
  }

  /**
   * Everything published to the consumer's partitions between its position and their end offsets as
   * of this call: a bounded read, which ends without waiting for anything more to arrive (and fails
   * if the broker does not hand them over within 30 seconds).
   */
  public static List<ConsumerRecord<String, String>> readToEnd(
      KafkaConsumer<String, String> consumer) {
    Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
    List<ConsumerRecord<String, String>> read = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Kafka did not hand over " + ends + " in 30 s");
      }
      consumer.poll(Duration.ofMillis(200)).forEach(read::add);
    }
    return read;
  }

  /**
   * Deletes every topic whose name starts with {@code prefix} and returns once the broker lists
   * none of them: for a test platform whose consumers start from the earliest offset and would
   * otherwise act on what earlier runs left there.
   */
  public static void deleteTopics(String prefix) throws ExecutionException, InterruptedException {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, LocalInfra.KAFKA_BOOTSTRAP);
    try (Admin admin = Admin.create(props)) {
      Set<String> ours = ours(admin, prefix);
      if (!ours.isEmpty()) {
        admin.deleteTopics(ours).all().get();
      }
      // the deletion's future ends when the controller took it, not when the topics are gone
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> ours(admin, prefix).isEmpty());
    }
  }

  private static Set<String> ours(Admin admin, String prefix)
      throws ExecutionException, InterruptedException {
    Set<String> names = new TreeSet<>(admin.listTopics().names().get());
    names.removeIf(name -> !name.startsWith(prefix));
    return names;
  }
}
