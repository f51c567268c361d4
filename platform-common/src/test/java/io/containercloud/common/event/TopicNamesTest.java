package io.containercloud.common.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class TopicNamesTest {

  private final ApplicationContextRunner context =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(TopicsAutoConfiguration.class));

  @Test
  void thePrefixGoesBeforeEveryTopicName() {
    TopicNames names = new TopicNames("test.");
    assertThat(names.of(Topic.ENDPOINT_EVENTS)).isEqualTo("test.endpoint-events");
    assertThat(names.of("audit-events")).isEqualTo("test.audit-events");
  }

  @Test
  void noPrefixLeavesTheNamesAsTheyAre() {
    assertThat(new TopicNames(null).of(Topic.DNS_EVENTS)).isEqualTo("dns-events");
    assertThat(new TopicNames("").of(Topic.DNS_EVENTS)).isEqualTo("dns-events");
  }

  @Test
  void aPrefixKafkaCouldNotNameATopicWithIsRefused() {
    assertThatThrownBy(() -> new TopicNames("my tests/"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("platform.kafka.topic-prefix");
  }

  @Test
  void eachPlaceholderNamesItsTopicWithThePrefixProperty() {
    Map<String, String> placeholders =
        Arrays.stream(Topic.Placeholders.class.getFields())
            .filter(f -> Modifier.isStatic(f.getModifiers()) && !f.getName().equals("PREFIX"))
            .collect(Collectors.toMap(Field::getName, TopicNamesTest::value));
    assertThat(placeholders)
        .containsOnlyKeys(Arrays.stream(Topic.values()).map(Enum::name).toList());
    for (Topic topic : Topic.values()) {
      assertThat(placeholders.get(topic.name()))
          .isEqualTo("${platform.kafka.topic-prefix:}" + topic.topicName());
    }
  }

  @Test
  void theDeclaredTopicsCarryThePrefixAndKeepTheirLayout() {
    List<NewTopic> topics =
        TopicsAutoConfiguration.newTopics(
            new TopicNames("e2e."), new TopicsAutoConfiguration.TopicProperties(3, 1, "e2e."));
    assertThat(topics)
        .extracting(NewTopic::name)
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(Topic.values()).map(t -> "e2e." + t.topicName()).toList());
    assertThat(topics)
        .filteredOn(t -> t.name().equals("e2e.endpoint-events"))
        .singleElement()
        .satisfies(
            t ->
                assertThat(t.configs())
                    .containsEntry(
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
  }

  @Test
  void theSettingReachesTheTopicNames() {
    context
        .withPropertyValues("platform.kafka.topic-prefix=e2e.")
        .run(
            c ->
                assertThat(c.getBean(TopicNames.class).of(Topic.AUDIT_EVENTS))
                    .isEqualTo("e2e.audit-events"));
  }

  @Test
  void withoutTheSettingTheTopicsHaveTheirPlainNames() {
    context.run(
        c ->
            assertThat(c.getBean(TopicNames.class).of(Topic.AUDIT_EVENTS))
                .isEqualTo("audit-events"));
  }

  @Test
  void anIllegalPrefixStopsStartUpNamingTheProperty() {
    context
        .withPropertyValues("platform.kafka.topic-prefix=my tests/")
        .run(
            c ->
                assertThat(c.getStartupFailure())
                    .hasStackTraceContaining("platform.kafka.topic-prefix"));
  }

  private static String value(Field field) {
    try {
      return (String) field.get(null);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
