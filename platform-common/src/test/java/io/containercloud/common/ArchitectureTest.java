package io.containercloud.common;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.containercloud.common.event.Topic;
import io.containercloud.common.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.annotation.KafkaListener;

class ArchitectureTest {

  @Test
  void packagesFollowTheLayoutRules() {
    ArchitectureRules.check("io.containercloud.common");
  }

  @Test
  void aDeclaredModelPackageThatHoldsNothingBreaksTheRules() {
    assertThatThrownBy(
            () ->
                ArchitectureRules.module("io.containercloud.common").models("nosuch.model").check())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("io.containercloud.common.nosuch.model");
  }

  @Test
  void aListenerNamingItsTopicAsALiteralBreaksTheRules() {
    assertThatThrownBy(
            () ->
                ArchitectureRules.kafkaListenersUseTopicPlaceholders()
                    .check(new ClassFileImporter().importClasses(LiteralListener.class)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("listens to [endpoint-events]");
  }

  @Test
  void aListenerNamingItsTopicThroughItsPlaceholderKeepsThem() {
    assertThatCode(
            () ->
                ArchitectureRules.kafkaListenersUseTopicPlaceholders()
                    .check(new ClassFileImporter().importClasses(PlaceholderListener.class)))
        .doesNotThrowAnyException();
  }

  static class LiteralListener {
    @KafkaListener(topics = "endpoint-events", groupId = "g")
    void onEvent(String event) {}
  }

  static class PlaceholderListener {
    @KafkaListener(topics = Topic.Placeholders.ENDPOINT_EVENTS, groupId = "g")
    void onEvent(String event) {}
  }
}
