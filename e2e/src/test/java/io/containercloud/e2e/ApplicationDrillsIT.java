package io.containercloud.e2e;

import static io.containercloud.e2e.AppOperations.application;
import static io.containercloud.e2e.AppOperations.assertState;
import static io.containercloud.e2e.AppOperations.awaitEnded;
import static io.containercloud.e2e.AppOperations.operation;
import static io.containercloud.e2e.AppOperations.request;
import static io.containercloud.e2e.AppOperations.service;
import static io.containercloud.e2e.AppOperations.timeline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.testing.LocalInfra;
import io.containercloud.common.testing.TestKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Applications while parts of the platform fail: the orchestrator killed in the middle of a start,
 * cluster-service stopped in the middle of one, Kafka stopped. Each drill brings back what it
 * stopped.
 */
class ApplicationDrillsIT {

  private static final Duration LIMIT = Duration.ofMinutes(3);
  private final E2ePlatform platform = E2ePlatform.get();

  private static String chain(String app) {
    return application(
        app,
        service("a", "registry.example.com/platform/a:1", null),
        service("b", "registry.example.com/platform/b:1", null, "a"),
        service("c", "registry.example.com/platform/c:1", null, "b"));
  }

  /** Waits until the operation's step {@code seq} runs. */
  private static void awaitRunning(Session user, long id, int seq) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                operation(user, id)
                    .get("steps")
                    .get(seq - 1)
                    .get("state")
                    .asString()
                    .equals("running"));
  }

  @Test
  void anOrchestratorKilledMidStartGoesOnFromItsStepAndCreatesEveryWorkloadOnce() throws Exception {
    String app = "resume-" + platform.run;
    Session admin = platform.admin();
    admin.ok("POST", "/api/apps/applications", chain(app));
    platform.holdUnready("platform", app + "-b", true);
    Instant from = Instant.now();
    long id = request(admin, "platform", app, "{\"action\":\"start\"}");
    awaitRunning(admin, id, 2);

    platform.orchestrator().kill();
    platform.holdUnready("platform", app + "-b", false);
    platform.orchestrator().restart().awaitReady();

    JsonNode done = awaitEnded(admin, id, LIMIT);
    assertState(done, "done");
    Map<String, AppOperations.Seen> seen = timeline(platform, "platform", from, Instant.now());
    for (String service : List.of("a", "b", "c")) {
      assertThat(seen.get(app + "-" + service).count("created"))
          .as(service + ": one Deployment per room, created once")
          .isEqualTo(3);
    }
    assertThat(seen.get(app + "-c").first("created")).isAfter(seen.get(app + "-b").last("ready"));
    String events = AppOperations.events(platform, id);
    assertThat(events.split("event:step-started", -1))
        .as("three steps, each started once")
        .hasSize(4);
    assertThat(events.split("event:operation-finished", -1)).hasSize(2);
  }

  @Test
  void withClusterServiceStoppedAnOperationWaitsSayingWhyAndCompletesWhenItIsBack()
      throws Exception {
    String app = "outage-" + platform.run;
    Session admin = platform.admin();
    admin.ok("POST", "/api/apps/applications", chain(app));
    platform.holdUnready("platform", app + "-a", true);
    long id = request(admin, "platform", app, "{\"action\":\"start\"}");
    awaitRunning(admin, id, 1);

    platform.clusterService().close();
    platform.holdUnready("platform", app + "-a", false);
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(operation(admin, id).get("waitingFor").asString(""))
                      .contains("cluster-service is unavailable"));
      assertThat(operation(admin, id).get("state").asString()).isEqualTo("running");
    } finally {
      platform.clusterService().restart().awaitReady();
    }

    assertState(awaitEnded(admin, id, LIMIT), "done");
    assertThat(operation(admin, id).get("waitingFor").isNull()).isTrue();
  }

  @Test
  void withKafkaStoppedReadinessComesFromReadsAndTheEventsFollowWhenItIsBack() throws Exception {
    String app = "quiet-" + platform.run;
    Session admin = platform.admin();
    admin.ok("POST", "/api/apps/applications", chain(app));
    try (KafkaConsumer<String, String> events =
        TestKafka.consumerAtEndOf(E2ePlatform.TOPIC_PREFIX + "app-events")) {
      long id;
      LocalInfra.stop("kafka", LocalInfra.KAFKA_PORT);
      try {
        id = request(admin, "platform", app, "{\"action\":\"start\"}");
        assertState(awaitEnded(admin, id, LIMIT), "done");
      } finally {
        LocalInfra.start("kafka");
      }

      String operation = "\"operation\":" + id + ",";
      List<String> seen = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(
              () -> {
                for (ConsumerRecord<String, String> record : TestKafka.readToEnd(events)) {
                  if (record.value().contains(operation)) {
                    seen.add(record.value());
                  }
                }
                assertThat(seen)
                    .anySatisfy(e -> assertThat(e).contains("\"type\":\"app.operation-started\""))
                    .anySatisfy(
                        e ->
                            assertThat(e)
                                .contains(
                                    "\"type\":\"app.operation-finished\"", "\"state\":\"done\""));
              });
    }
  }
}
