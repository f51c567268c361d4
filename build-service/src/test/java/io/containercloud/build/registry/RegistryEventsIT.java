package io.containercloud.build.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.Topic;
import io.containercloud.common.event.contract.ImagePushed;
import io.containercloud.common.testing.OciRegistry;
import io.containercloud.common.testing.TestKafka;
import io.containercloud.common.testing.TestTokens;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.json.JsonMapper;

/**
 * The local registry (scripts/infra.sh) notifies this service on port 18083, the tests' endpoint in
 * its configuration: real pushes through the OCI distribution API become {@code image.pushed} on
 * Kafka, once each; Harbor's two payload forms are posted as Harbor sends them.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
    properties = "server.port=" + RegistryEventsIT.PORT)
@ActiveProfiles("test")
@ContextConfiguration(initializers = TestTokens.Initializer.class)
class RegistryEventsIT {

  static final int PORT = 18083;
  private static final String SECRET = "Bearer local-registry-notifications-only-on-loopback";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Autowired JdbcTemplate jdbc;
  @Autowired JsonMapper json;

  private KafkaConsumer<String, String> events;
  private final List<ImagePushed> seen = new ArrayList<>();

  @BeforeEach
  void watchImageEvents() {
    events = TestKafka.consumerAtEnd(Topic.IMAGE_EVENTS);
  }

  @AfterEach
  void close() {
    events.close();
  }

  @Test
  void aTaggedPushToTheRegistryIsAnnouncedOnceHoweverOftenItIsNotified() {
    String repository = "it" + suffix() + "/orders";
    String digest = OciRegistry.push(repository, "v1", "first build");

    ImagePushed pushed = awaitEvent(repository, "v1");
    assertThat(pushed).isEqualTo(new ImagePushed(OciRegistry.ADDRESS, repository, "v1", digest));
    assertThat(pushed.imageByDigest())
        .isEqualTo(OciRegistry.ADDRESS + "/" + repository + "@" + digest);

    // the same push again is notified again; a later tag, notified after it, shows it was handled
    assertThat(OciRegistry.push(repository, "v1", "first build")).isEqualTo(digest);
    String next = OciRegistry.push(repository, "v2", "second build");
    awaitEvent(repository, "v2");
    assertThat(seen)
        .filteredOn(e -> e.repository().equals(repository))
        .containsExactly(
            new ImagePushed(OciRegistry.ADDRESS, repository, "v1", digest),
            new ImagePushed(OciRegistry.ADDRESS, repository, "v2", next));
    assertThat(pushesRecorded(repository)).isEqualTo(2);
  }

  @Test
  void harborsDefaultAndCloudEventsPayloadsAreAnnounced() throws Exception {
    String project = "harbor" + suffix();
    String digest = OciRegistry.digest(project.getBytes());
    String data =
        "{\"resources\":[{\"digest\":\""
            + digest
            + "\",\"tag\":\"1.0\",\"resource_url\":\"harbor.room-a.example/"
            + project
            + "/api:1.0\"}],\"repository\":{\"date_created\":1700000000,\"name\":\"api\","
            + "\"namespace\":\""
            + project
            + "\",\"repo_full_name\":\""
            + project
            + "/api\",\"repo_type\":\"private\"}}";
    HttpResponse<String> plain =
        notify(
            "application/json",
            "{\"type\":\"PUSH_ARTIFACT\",\"occur_at\":1700000000,\"operator\":\"robot\","
                + "\"event_data\":"
                + data
                + "}",
            SECRET);
    assertThat(plain.statusCode()).as(plain.body()).isEqualTo(200);
    assertThat(json.readTree(plain.body()).path("new").asInt()).isEqualTo(1);
    awaitEvent(project + "/api", "1.0");

    // the same push in Harbor's CloudEvents form (a retry in the other format) is not new
    HttpResponse<String> cloudEvent =
        notify(
            "application/cloudevents+json",
            "{\"specversion\":\"1.0\",\"id\":\"e1\",\"requestid\":\"r1\","
                + "\"source\":\"/projects/1/webhook/policies/2\",\"type\":\"harbor.artifact.pushed\","
                + "\"time\":\"2026-12-02T12:00:00Z\",\"operator\":\"robot\",\"data\":"
                + data
                + "}",
            SECRET);
    assertThat(cloudEvent.statusCode()).as(cloudEvent.body()).isEqualTo(200);
    assertThat(json.readTree(cloudEvent.body()).path("pushes").asInt()).isEqualTo(1);
    assertThat(json.readTree(cloudEvent.body()).path("new").asInt()).isZero();
    assertThat(seen)
        .contains(new ImagePushed("harbor.room-a.example", project + "/api", "1.0", digest));
  }

  @Test
  void aNotificationWithoutTheSecretIsRefusedAndRecordsNothing() throws Exception {
    String repository = "refused" + suffix() + "/api";
    String body = distributionPush(repository, "v1", OciRegistry.digest(repository.getBytes()));
    for (String authorization : new String[] {null, "Bearer wrong", SECRET + "x", "secret"}) {
      HttpResponse<String> response =
          notify(RegistryNotifications.DISTRIBUTION, body, authorization);
      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValue("application/problem+json");
      assertThat(json.readTree(response.body()).path("code").asString()).isEqualTo("unauthorized");
    }
    assertThat(pushesRecorded(repository)).isZero();
  }

  @Test
  void aPushNamingAnImageOutsideTheGrammarIsRefusedNamingTheField() throws Exception {
    String digest = OciRegistry.digest(new byte[] {1});
    for (String hostile : new String[] {"a;rm -rf /", "$(id)", "a\nb", "--upload-pack=x", "A/B"}) {
      HttpResponse<String> response =
          notify(
              RegistryNotifications.DISTRIBUTION, distributionPush(hostile, "v1", digest), SECRET);
      assertThat(response.statusCode()).as(hostile).isEqualTo(400);
      assertThat(response.body()).contains("events[0].target", "invalid image repository");
    }
    HttpResponse<String> badTag =
        notify(
            RegistryNotifications.DISTRIBUTION,
            distributionPush("fine" + suffix() + "/api", "v1;reboot", digest),
            SECRET);
    assertThat(badTag.statusCode()).isEqualTo(400);
    assertThat(badTag.body()).contains("invalid image tag");
    assertThat(
            jdbc.queryForObject(
                "SELECT COUNT(*) FROM image_push WHERE digest = ?", Integer.class, digest))
        .isZero();
  }

  private String distributionPush(String repository, String tag, String digest) {
    return json.writeValueAsString(
        java.util.Map.of(
            "events",
            List.of(
                java.util.Map.of(
                    "action",
                    "push",
                    "target",
                    java.util.Map.of(
                        "mediaType",
                        "application/vnd.oci.image.manifest.v1+json",
                        "digest",
                        digest,
                        "repository",
                        repository,
                        "url",
                        "http://" + OciRegistry.ADDRESS + "/v2/x/manifests/" + digest,
                        "tag",
                        tag)))));
  }

  private ImagePushed awaitEvent(String repository, String tag) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              events
                  .poll(Duration.ofMillis(200))
                  .forEach(
                      r -> seen.add(ImagePushed.from(CloudEvent.fromJson(json, r.value()), json)));
              return seen.stream()
                  .anyMatch(e -> e.repository().equals(repository) && e.tag().equals(tag));
            });
    return seen.stream()
        .filter(e -> e.repository().equals(repository) && e.tag().equals(tag))
        .findFirst()
        .orElseThrow();
  }

  private int pushesRecorded(String repository) {
    return jdbc.queryForObject(
        "SELECT COUNT(*) FROM image_push WHERE repository = ?", Integer.class, repository);
  }

  private static HttpResponse<String> notify(String contentType, String body, String authorization)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/registry/events"))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String suffix() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
