package io.containercloud.build.registry.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.event.Topic;
import io.containercloud.common.security.Role;
import io.containercloud.common.testing.LocalInfra;
import io.containercloud.common.testing.OciRegistry;
import io.containercloud.common.testing.ServiceContract;
import io.containercloud.common.testing.TestKafka;
import io.containercloud.common.testing.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sync policies between the three real registries of scripts/infra.sh (one per room), on this
 * service's port 18083, where room-1's registry notifies the tests' pushes: a push copied to the
 * other rooms with {@code image.synced} for each, a room whose registry is down catching up when it
 * returns, a wiped registry refilled by a scheduled sync, deletions replicated or not, and a
 * tenant's policy that never reaches another tenant's project.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
    properties = "server.port=18083")
@ActiveProfiles("test")
@ContextConfiguration(initializers = TestTokens.Initializer.class)
class SyncIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Duration LIMIT = Duration.ofSeconds(60);

  @Autowired JsonMapper json;
  @Autowired SyncExecutions executions;
  @Autowired JdbcTemplate jdbc;

  private final String run = UUID.randomUUID().toString().substring(0, 6);
  private final String room1 = "r1-" + run;
  private final String room2 = "r2-" + run;
  private final String room3 = "r3-" + run;
  private KafkaConsumer<String, String> events;
  private final List<JsonNode> unseen = new ArrayList<>();

  @BeforeEach
  void registries() {
    register(room1, LocalInfra.REGISTRY_PORT);
    register(room2, LocalInfra.REGISTRY2_PORT);
    register(room3, LocalInfra.REGISTRY3_PORT);
    events = TestKafka.consumerAtEnd(Topic.IMAGE_EVENTS);
  }

  @AfterEach
  void close() {
    events.close();
  }

  @Test
  void aPushIsCopiedToEveryDestinationAndAnnouncedForEachRoom() throws Exception {
    policy("tenant-a", "push-" + run, "event", "app-" + run + "-*", null, false);
    String repository = "tenant-a/app-" + run + "-orders";
    String digest = OciRegistry.push(repository, "v1", "orders " + run);
    OciRegistry.push("tenant-a/other-" + run, "v1", "not the policy's");

    JsonNode execution = awaitDone("tenant-a", "push-" + run, 1);
    assertThat(execution.path("trigger").asString()).isEqualTo("event");
    assertThat(execution.path("copied").asInt()).isEqualTo(2);
    assertThat(execution.path("items").findValuesAsString("destination"))
        .containsExactlyInAnyOrder(room2, room3);
    assertThat(digest(LocalInfra.REGISTRY2_PORT, repository, "v1")).isEqualTo(digest);
    assertThat(digest(LocalInfra.REGISTRY3_PORT, repository, "v1")).isEqualTo(digest);
    List<JsonNode> synced = synced(repository);
    assertThat(synced)
        .extracting(e -> e.path("room").asString())
        .containsExactlyInAnyOrder(room2, room3);
    assertThat(synced).extracting(e -> e.path("digest").asString()).containsOnly(digest);
    assertThat(digest(LocalInfra.REGISTRY2_PORT, "tenant-a/other-" + run, "v1")).isNull();
  }

  @Test
  void aRoomWhoseRegistryIsDownCatchesUpWhenItReturnsAndIsNotAnnouncedBefore() throws Exception {
    policy("tenant-a", "outage-" + run, "event", "down-" + run, null, false);
    String repository = "tenant-a/down-" + run;
    LocalInfra.stop("registry3", LocalInfra.REGISTRY3_PORT);
    String digest;
    try {
      digest = OciRegistry.push(repository, "v1", "during the outage " + run);
      await()
          .atMost(LIMIT)
          .until(
              () -> {
                JsonNode execution = execution("tenant-a", "outage-" + run, 1);
                return execution.path("copied").asInt() == 1
                    && execution.path("failed").asInt() == 1;
              });
      JsonNode failed = item(execution("tenant-a", "outage-" + run, 1), room3);
      assertThat(failed.path("status").asString()).isEqualTo("failed");
      assertThat(failed.path("reason").asString()).isNotBlank();
      assertThat(failed.path("nextAttemptAt").isNull()).isFalse();
      // the workloads waiting for room-3 learn why
      await()
          .atMost(LIMIT)
          .untilAsserted(
              () ->
                  assertThat(take("image.sync-failed", repository))
                      .first()
                      .satisfies(
                          e -> {
                            assertThat(e.path("room").asString()).isEqualTo(room3);
                            assertThat(e.path("digest").asString()).isEqualTo(digest);
                            assertThat(e.path("reason").asString()).isNotBlank();
                            assertThat(e.path("attempts").asInt()).isPositive();
                          }));
      assertThat(synced(repository))
          .extracting(e -> e.path("room").asString())
          .containsExactly(room2);
    } finally {
      LocalInfra.start("registry3");
    }
    await()
        .atMost(LIMIT)
        .until(
            () ->
                execution("tenant-a", "outage-" + run, 1).path("status").asString().equals("done"));
    assertThat(digest(LocalInfra.REGISTRY3_PORT, repository, "v1")).isEqualTo(digest);
    assertThat(synced(repository))
        .extracting(e -> e.path("room").asString())
        .containsExactly(room3);
  }

  @Test
  void aScheduledSyncRefillsARegistryWhoseStorageWasWiped() throws Exception {
    String repository = "tenant-a/wiped-" + run;
    String v1 = OciRegistry.push(repository, "v1", "one " + run);
    String v2 = OciRegistry.push(repository, "v2", "two " + run);
    String name = "refill-" + run;
    String spec = policy("tenant-a", name, "scheduled", "wiped-" + run, "*/2 * * * * *", false);
    try {
      await()
          .atMost(LIMIT)
          .until(() -> v2.equals(digest(LocalInfra.REGISTRY2_PORT, repository, "v2")));

      // paused, so the wipe is seen before the schedule refills it
      replace("tenant-a", name, spec.replace("}", ",\"enabled\":false}"));
      await()
          .atMost(LIMIT)
          .until(
              () ->
                  json
                      .readTree(
                          send(
                                  "GET",
                                  "/sync-policies/tenant-a/" + name + "/executions",
                                  null,
                                  "tenant-a")
                              .body())
                      .findValuesAsString("status")
                      .stream()
                      .allMatch("done"::equals));
      LocalInfra.wipe("registry2");
      assertThat(digest(LocalInfra.REGISTRY2_PORT, repository, "v1")).isNull();
      replace("tenant-a", name, spec);
      await()
          .atMost(LIMIT)
          .untilAsserted(
              () -> {
                assertThat(digest(LocalInfra.REGISTRY2_PORT, repository, "v1")).isEqualTo(v1);
                assertThat(digest(LocalInfra.REGISTRY2_PORT, repository, "v2")).isEqualTo(v2);
              });
    } finally {
      // the database outlives this run: a schedule left behind would run in every later one
      assertThat(send("DELETE", "/sync-policies/tenant-a/" + name, null, "tenant-a").statusCode())
          .isEqualTo(204);
    }
  }

  @Test
  void finishedExecutionsOlderThanTheRetentionGoAndUnfinishedOnesStay() throws Exception {
    String repository = "tenant-a/aged-" + run;
    OciRegistry.push(repository, "v1", "aged " + run);
    policy("tenant-a", "aged-" + run, "manual", "aged-" + run, null, false);
    runNow("tenant-a", "aged-" + run);
    long done = awaitDone("tenant-a", "aged-" + run, 1).path("id").asLong();
    runNow("tenant-a", "aged-" + run);
    long retrying = awaitDone("tenant-a", "aged-" + run, 2).path("id").asLong();
    // the second one still retries a failed copy: it is not over, however old
    jdbc.update(
        "UPDATE sync_item SET status = 'FAILED',"
            + " next_attempt_at = TIMESTAMPADD(HOUR, 1, CURRENT_TIMESTAMP(6)) WHERE execution_id = ?",
        retrying);
    jdbc.update(
        "UPDATE sync_execution SET created_at = TIMESTAMPADD(DAY, -40, created_at) WHERE id IN (?, ?)",
        done,
        retrying);

    assertThat(executions.prune(Duration.ofDays(30))).isEqualTo(1);
    assertThat(
            send(
                    "GET",
                    "/sync-policies/tenant-a/aged-" + run + "/executions/" + done,
                    null,
                    "tenant-a")
                .statusCode())
        .isEqualTo(404);
    assertThat(
            jdbc.queryForObject(
                "SELECT COUNT(*) FROM sync_item WHERE execution_id = ?", Integer.class, done))
        .isZero();
    assertThat(
            send(
                    "GET",
                    "/sync-policies/tenant-a/aged-" + run + "/executions/" + retrying,
                    null,
                    "tenant-a")
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void aFullSyncReplicatesDeletionsOnlyWhenAskedTo() throws Exception {
    String kept = "tenant-a/keep-" + run;
    String removed = "tenant-a/prune-" + run;
    for (String repository : List.of(kept, removed)) {
      OciRegistry.push(repository, "v1", repository + " one");
      OciRegistry.push(repository, "v2", repository + " two");
    }
    policy("tenant-a", "keep-" + run, "manual", "keep-" + run, null, false);
    policy("tenant-a", "prune-" + run, "manual", "prune-" + run, null, true);
    for (String name : List.of("keep-" + run, "prune-" + run)) {
      runNow("tenant-a", name);
      assertThat(awaitDone("tenant-a", name, 1).path("copied").asInt()).isEqualTo(4);
    }

    for (String repository : List.of(kept, removed)) {
      deleteInRoom1(repository, "v1");
    }
    for (String name : List.of("keep-" + run, "prune-" + run)) {
      runNow("tenant-a", name);
    }
    JsonNode pruned = awaitDone("tenant-a", "prune-" + run, 2);
    assertThat(pruned.path("deleted").asInt()).isEqualTo(2);
    assertThat(pruned.path("skipped").asInt()).isEqualTo(2);
    assertThat(awaitDone("tenant-a", "keep-" + run, 2).path("deleted").asInt()).isZero();
    assertThat(digest(LocalInfra.REGISTRY2_PORT, removed, "v1")).isNull();
    assertThat(digest(LocalInfra.REGISTRY2_PORT, removed, "v2")).isNotNull();
    assertThat(digest(LocalInfra.REGISTRY2_PORT, kept, "v1")).isNotNull();
  }

  @Test
  void aTenantsPolicyNeverReadsOrCopiesAnotherTenantsProject() throws Exception {
    String theirs = "tenant-a/secret-" + run;
    OciRegistry.push(theirs, "v1", "tenant-a's " + run);
    String mine = "tenant-b/mine-" + run;
    OciRegistry.push(mine, "v1", "tenant-b's " + run);
    policy("tenant-b", "all-" + run, "manual", "**", null, true);
    runNow("tenant-b", "all-" + run);
    JsonNode execution = awaitDone("tenant-b", "all-" + run, 1);
    assertThat(execution.path("items").findValuesAsString("repository"))
        .contains(mine)
        .allSatisfy(repository -> assertThat(repository).startsWith("tenant-b/"));
    assertThat(digest(LocalInfra.REGISTRY2_PORT, theirs, "v1")).isNull();

    // nor sees tenant-a's policies
    policy("tenant-a", "mine-" + run, "manual", "**", null, false);
    assertThat(send("GET", "/sync-policies/tenant-a/mine-" + run, null, "tenant-b").statusCode())
        .isEqualTo(404);
    assertThat(
            send("POST", "/sync-policies/tenant-a/mine-" + run + "/executions", null, "tenant-b")
                .statusCode())
        .isEqualTo(404);
  }

  @Test
  void aBadPolicyIsRefusedNamingTheFieldAndNothingIsStored() {
    List<String> specs =
        List.of(
            "{\"source\":\"none-%s\",\"destinations\":[\"%s\"],\"trigger\":\"event\"}",
            "{\"source\":\"%s\",\"destinations\":[\"%s\"],\"trigger\":\"event\",\"repositories\":\"(a+)+$\"}",
            "{\"source\":\"%s\",\"destinations\":[\"%s\"],\"trigger\":\"event\",\"tags\":\"v[0-9]\"}",
            "{\"source\":\"%s\",\"destinations\":[\"%s\"],\"trigger\":\"scheduled\"}",
            "{\"source\":\"%s\",\"destinations\":[\"%s\"],\"trigger\":\"scheduled\",\"schedule\":\"every day\"}",
            "{\"source\":\"%s\",\"destinations\":[],\"trigger\":\"event\"}");
    List<String> fields =
        List.of(
            "spec.source",
            "spec.repositories",
            "spec.tags",
            "spec.schedule",
            "spec.schedule",
            "spec.destinations");
    for (int i = 0; i < specs.size(); i++) {
      String name = "bad-" + i + "-" + run;
      String spec = specs.get(i).formatted(room1, room2);
      HttpResponse<String> refused =
          send(
              "POST",
              "/sync-policies",
              "{\"name\":\"" + name + "\",\"spec\":" + spec + "}",
              "tenant-a");
      assertThat(refused.statusCode()).as(spec).isEqualTo(400);
      assertThat(refused.body()).as(spec).contains("\"field\":\"" + fields.get(i));
      assertThat(send("GET", "/sync-policies/tenant-a/" + name, null, "tenant-a").statusCode())
          .isEqualTo(404);
    }
    HttpResponse<String> toItself =
        send(
            "POST",
            "/sync-policies",
            "{\"name\":\"self-%s\",\"spec\":{\"source\":\"%s\",\"destinations\":[\"%s\"],\"trigger\":\"event\"}}"
                .formatted(run, room1, room1),
            "tenant-a");
    assertThat(toItself.body()).contains("\"field\":\"spec.destinations[0]\"", "is the source");
  }

  // --- helpers ---------------------------------------------------------------------------

  private void register(String name, int port) {
    HttpResponse<String> created =
        ServiceContract.send(
            ServiceContract.request(
                    "POST",
                    "http://127.0.0.1:18083/registries",
                    TestTokens.token("ada", "platform", Role.PLATFORM_ADMIN),
                    """
                    {"name":"%s","room":"%s","url":"http://127.0.0.1:%d","kind":"distribution"}"""
                        .formatted(name, name, port))
                .build());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
  }

  /** Makes the policy; its spec. */
  private String policy(
      String tenant,
      String name,
      String trigger,
      String repositories,
      String schedule,
      boolean deletions) {
    String spec =
        """
        {"source":"%s","destinations":["%s","%s"],"trigger":"%s","repositories":"%s",
         "replicateDeletions":%s%s}"""
            .formatted(
                room1,
                room2,
                room3,
                trigger,
                repositories,
                deletions,
                schedule == null ? "" : ",\"schedule\":\"" + schedule + "\"");
    HttpResponse<String> created =
        send("POST", "/sync-policies", "{\"name\":\"" + name + "\",\"spec\":" + spec + "}", tenant);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return spec;
  }

  private void replace(String tenant, String name, String spec) {
    HttpResponse<String> replaced =
        send("PUT", "/sync-policies/" + tenant + "/" + name, spec, tenant);
    assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
  }

  private void runNow(String tenant, String name) {
    HttpResponse<String> accepted =
        send("POST", "/sync-policies/" + tenant + "/" + name + "/executions", null, tenant);
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
  }

  /** The {@code number}th execution of the policy (oldest first), with its items. */
  private JsonNode execution(String tenant, String name, int number) {
    JsonNode all =
        json.readTree(
            send("GET", "/sync-policies/" + tenant + "/" + name + "/executions", null, tenant)
                .body());
    if (all.size() < number) {
      return json.createObjectNode();
    }
    long id = all.get(all.size() - number).path("id").asLong();
    return json.readTree(
        send("GET", "/sync-policies/" + tenant + "/" + name + "/executions/" + id, null, tenant)
            .body());
  }

  private JsonNode awaitDone(String tenant, String name, int number) {
    await()
        .atMost(LIMIT)
        .until(() -> execution(tenant, name, number).path("status").asString("").equals("done"));
    return execution(tenant, name, number);
  }

  private static JsonNode item(JsonNode execution, String destination) {
    for (JsonNode item : execution.path("items")) {
      if (item.path("destination").asString().equals(destination)) {
        return item;
      }
    }
    throw new AssertionError("no item for " + destination + " in " + execution);
  }

  /** The {@code image.synced} events for {@code repository} published since the last look. */
  private List<JsonNode> synced(String repository) {
    return take("image.synced", repository);
  }

  /** The events of {@code type} for {@code repository} published since the last look at them. */
  private List<JsonNode> take(String type, String repository) {
    for (ConsumerRecord<String, String> record : TestKafka.readToEnd(events)) {
      unseen.add(json.readTree(record.value()));
    }
    List<JsonNode> found = new ArrayList<>();
    for (var it = unseen.iterator(); it.hasNext(); ) {
      JsonNode event = it.next();
      if (event.path("type").asString().equals(type)
          && event.path("data").path("repository").asString().equals(repository)) {
        found.add(event.path("data"));
        it.remove();
      }
    }
    return found;
  }

  private static String digest(int port, String repository, String tag) throws Exception {
    HttpResponse<Void> head =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + port + "/v2/" + repository + "/manifests/" + tag))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("Accept", "application/vnd.oci.image.manifest.v1+json")
                .build(),
            HttpResponse.BodyHandlers.discarding());
    return head.statusCode() == 200
        ? head.headers().firstValue("Docker-Content-Digest").orElseThrow()
        : null;
  }

  private static void deleteInRoom1(String repository, String tag) throws Exception {
    String digest = digest(LocalInfra.REGISTRY_PORT, repository, tag);
    HttpResponse<Void> deleted =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + LocalInfra.REGISTRY_PORT
                            + "/v2/"
                            + repository
                            + "/manifests/"
                            + digest))
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.discarding());
    assertThat(deleted.statusCode()).isEqualTo(202);
  }

  private static HttpResponse<String> send(String method, String path, String body, String tenant) {
    String token = TestTokens.token("dana", tenant, Role.DEVELOPER);
    return ServiceContract.send(
        ServiceContract.request(method, "http://127.0.0.1:18083" + path, token, body).build());
  }
}
