package io.containercloud.common.event;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.validation.annotation.Validated;

/**
 * Declares the platform's topics so that whichever service starts first creates them with the right
 * partitions and, for {@link Topic#ENDPOINT_EVENTS}, compaction; Boot's {@link KafkaAdmin} creates
 * missing ones and leaves existing ones alone. The names carry the configured prefix ({@link
 * TopicNames}), so a test run declares and uses {@code test.<topic>}.
 */
@AutoConfiguration
@ConditionalOnClass(KafkaAdmin.class)
@EnableConfigurationProperties(TopicsAutoConfiguration.TopicProperties.class)
class TopicsAutoConfiguration {

  @Bean
  TopicNames topicNames(TopicProperties properties) {
    return new TopicNames(properties.topicPrefix());
  }

  @Bean
  KafkaAdmin.NewTopics platformTopics(TopicProperties properties, TopicNames names) {
    return new KafkaAdmin.NewTopics(newTopics(names, properties).toArray(NewTopic[]::new));
  }

  static List<NewTopic> newTopics(TopicNames names, TopicProperties properties) {
    return Arrays.stream(Topic.values()).map(t -> newTopic(t, names, properties)).toList();
  }

  private static NewTopic newTopic(Topic topic, TopicNames names, TopicProperties properties) {
    TopicBuilder builder =
        TopicBuilder.name(names.of(topic))
            .partitions(properties.partitions())
            .replicas(properties.replicationFactor());
    if (topic.compacted()) {
      builder.config(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    }
    return builder.build();
  }

  /**
   * Topic layout ({@code platform.kafka.*}).
   *
   * @param partitions partitions per topic; events of one aggregate stay in one partition
   * @param replicationFactor 1 locally, 3 in production
   * @param topicPrefix put before every topic name on the broker (empty in production, {@code
   *     test.} in tests), so deployments sharing a broker never read each other's events
   */
  @Validated
  @ConfigurationProperties("platform.kafka")
  record TopicProperties(
      @Min(1) @DefaultValue("3") int partitions,
      @Min(1) @DefaultValue("1") int replicationFactor,
      @Pattern(regexp = "[a-zA-Z0-9._-]{0,100}") @DefaultValue("") String topicPrefix) {}
}
