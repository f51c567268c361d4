package io.containercloud.build.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.event.Topic;
import io.containercloud.common.testing.GitServer;
import io.containercloud.common.testing.LocalInfra;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Outages during builds, with the real servers stopped and started again: the registry gone while
 * an image is built fails the push clearly and a retry succeeds; Kafka gone while builds run delays
 * their events, which all arrive once it is back.
 */
@ServiceIntegrationTest
class BuildDrillsIT {

  private static final Duration FIRST_BUILD = Duration.ofMinutes(12);

  private static GitServer git;
  private static String repository;

  @LocalServerPort int port;
  @Autowired JsonMapper json;

  private BuildApi api;

  @BeforeAll
  static void repository() throws Exception {
    git = new GitServer();
    repository = "drill-" + UUID.randomUUID().toString().substring(0, 8);
    git.sample(repository);
    // the image step takes a while: long enough to stop the registry before the push
    git.branch(
        repository,
        "slow-image",
        "Dockerfile",
        "FROM 127.0.0.1:15000/platform/java-runtime:17\nRUN sleep 8\n");
  }

  @AfterAll
  static void stop() {
    git.close();
  }

  @BeforeEach
  void api() {
    api = new BuildApi(port, json);
  }

  @Test
  void theRegistryStoppedDuringABuildFailsItsPushClearlyAndARetrySucceeds() {
    // a first build makes the platform's Java runtime image its Dockerfile starts from
    String sample = api.configure("base", git.url(repository), "main");
    JsonNode base = api.awaitEnd(sample, api.trigger(sample).path("number").asLong(), FIRST_BUILD);
    assertThat(base.path("status").asString()).as(api.log(sample, 1)).isEqualTo("SUCCEEDED");

    String name = "b-outage-" + UUID.randomUUID().toString().substring(0, 6);
    api.create(
        name,
        """
        {"repositoryUrl":"%s","ref":"slow-image","toolchain":"dockerfile",
             "dockerfile":"Dockerfile","image":"%s"}"""
            .formatted(git.url(repository), name));
    long first = api.trigger(name).path("number").asLong();
    await().atMost(Duration.ofMinutes(2)).until(() -> api.log(name, first).contains("step image"));
    JsonNode failed;
    LocalInfra.stop("registry", LocalInfra.REGISTRY_PORT);
    try {
      failed = api.awaitEnd(name, first, Duration.ofMinutes(2));
    } finally {
      LocalInfra.start("registry");
    }
    String log = api.log(name, first);
    assertThat(failed.path("status").asString()).as(log).isEqualTo("FAILED");
    assertThat(failed.path("error").asString()).startsWith("push failed");
    assertThat(failed.path("steps").findValuesAsString("status"))
        .containsExactly("SUCCEEDED", "SUCCEEDED", "FAILED");
    assertThat(log).contains("127.0.0.1:15000").containsIgnoringCase("connection refused");

    long retry = api.trigger(name).path("number").asLong();
    JsonNode done = api.awaitEnd(name, retry, Duration.ofMinutes(2));
    assertThat(done.path("status").asString()).as(api.log(name, retry)).isEqualTo("SUCCEEDED");
    assertThat(done.path("digest").asString()).startsWith("sha256:");
  }

  @Test
  void eventsOfBuildsRunWhileKafkaIsStoppedArriveOnceItIsBack() {
    String name = api.configure("kafka", git.url(repository), "no-such-branch");
    long number;
    try (KafkaConsumer<String, String> consumer = TestKafka.consumerAtEnd(Topic.BUILD_EVENTS)) {
      LocalInfra.stop("kafka", LocalInfra.KAFKA_PORT);
      try {
        number = api.trigger(name).path("number").asLong();
        assertThat(api.awaitEnd(name, number, Duration.ofMinutes(3)).path("status").asString())
            .isEqualTo("FAILED");
      } finally {
        LocalInfra.start("kafka");
      }
      String key = "tenant-a/" + name;
      List<String> types = new ArrayList<>();
      await()
          .atMost(Duration.ofMinutes(2))
          .untilAsserted(
              () -> {
                TestKafka.readToEnd(consumer).stream()
                    .filter(r -> key.equals(r.key()))
                    .map(ConsumerRecord::value)
                    .map(v -> json.readTree(v).path("type").asString())
                    .forEach(types::add);
                assertThat(types).contains("build.started", "build.failed");
              });
    }
  }
}
