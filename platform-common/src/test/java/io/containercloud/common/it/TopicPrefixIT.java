package io.containercloud.common.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.Topic;
import io.containercloud.common.testing.LocalInfra;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

/**
 * With {@code platform.kafka.topic-prefix} set (the tests' {@code test.}), a service declares,
 * publishes and listens on its own topics only: what it writes never lands on the topic a local
 * platform's services consume, and its listeners never read that topic.
 */
@ServiceIntegrationTest
class TopicPrefixIT {

  @Autowired DrillEvents drill;
  @Autowired AppEventsListener listener;
  @Autowired KafkaListenerEndpointRegistry listeners;

  @Test
  void anEventFromTheOutboxLandsOnThePrefixedTopicAndNothingOnThePlatformsTopic() {
    String run = UUID.randomUUID().toString();
    try (KafkaConsumer<String, String> platforms =
            TestKafka.consumerAtEndOf(Topic.APP_EVENTS.topicName());
        KafkaConsumer<String, String> tests = TestKafka.consumerAtEnd(Topic.APP_EVENTS)) {
      CloudEvent event = drill.createWidget("prefix-" + run, 0, run);

      List<ConsumerRecord<String, String>> onTests = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                tests.poll(Duration.ofMillis(200)).forEach(onTests::add);
                return onTests.stream().anyMatch(r -> r.value().contains(event.id()));
              });
      // the relay acknowledged it on test.app-events: whatever app-events holds by now is all
      assertThat(TestKafka.readToEnd(platforms))
          .noneMatch(r -> r.value().contains(event.id()) || r.value().contains(run));
    }
  }

  @Test
  void listenersReadOnlyThePrefixedTopic() {
    CloudEvent event = drill.createWidget("listened-" + UUID.randomUUID(), 0, "listened");

    await().atMost(Duration.ofSeconds(60)).until(() -> listener.received(event.id()));
    assertThat(listeners.getListenerContainers())
        .isNotEmpty()
        .allSatisfy(
            c ->
                assertThat(c.getContainerProperties().getTopics()).containsOnly("test.app-events"));
  }

  @Test
  void everyTopicIsOnTheBrokerWithThePrefixAndKeepsItsLayout() throws Exception {
    try (AdminClient admin =
        AdminClient.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, LocalInfra.KAFKA_BOOTSTRAP))) {
      assertThat(admin.listTopics().names().get())
          .containsAll(Arrays.stream(Topic.values()).map(TestKafka::topic).toList());
      ConfigResource endpoints =
          new ConfigResource(ConfigResource.Type.TOPIC, TestKafka.topic(Topic.ENDPOINT_EVENTS));
      Config config = admin.describeConfigs(List.of(endpoints)).all().get().get(endpoints);
      assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value())
          .isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
    }
  }
}
