package io.containercloud.cluster.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.cluster.testing.ImageEvents;
import io.containercloud.cluster.testing.Rooms;
import io.containercloud.common.event.contract.ImagePushed;
import io.containercloud.common.event.contract.ImageSyncFailed;
import io.containercloud.common.event.contract.ImageSynced;
import io.containercloud.common.event.contract.RoomRegistry;
import io.containercloud.common.security.Role;
import io.containercloud.common.testing.KubeSimProcess;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestTokens;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Workloads that follow an image, rolled by {@code image.pushed} events as build-service publishes
 * them, into each room once its registry holds the image ({@code registry.registered}, {@code
 * image.synced}, {@code image.sync-failed}); here written to the tests' topic by hand, the e2e
 * module has the real producer.
 */
@ServiceIntegrationTest
class ImageFollowIT {

  private static final String DEV = TestTokens.token("dana", "tenant-a", Role.DEVELOPER);
  private static final String OTHER = TestTokens.token("olga", "tenant-b", Role.DEVELOPER);
  private static final List<String> ROOMS = List.of("room-1", "room-2", "room-3");
  private static final String REGISTRY = "registry.room.example";
  private static final String REPOSITORY = "tenant-a/api";

  private static KubeSimProcess sim;
  private static Rooms rooms;

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired JsonMapper json;

  @BeforeAll
  static void clusters() throws Exception {
    sim = new KubeSimProcess(3, 3, "4", "16Gi");
    rooms = new Rooms(sim, ROOMS);
  }

  @AfterAll
  static void stopClusters() {
    rooms.close();
    sim.close();
  }

  @BeforeEach
  void registered() throws Exception {
    rooms.reset(port, jdbc);
  }

  @Test
  void aPushOfAFollowedTagRollsTheWorkloadToItsDigestInEveryClusterOnce() throws Exception {
    HttpResponse created = deploy(DEV, REGISTRY + "/" + REPOSITORY, "v*");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ROOMS.stream().mapToInt(r -> rooms.ready(r, "tenant-a", "api")).sum() == 3);

    String first = ImageEvents.digest("first");
    String firstEvent = publish(new ImagePushed(REGISTRY, REPOSITORY, "v2", first));
    String firstImage = REGISTRY + "/" + REPOSITORY + "@" + first;
    awaitRolled(firstImage);
    assertThat(rooms.events("workload.image-changed", "tenant-a/api"))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e)
                    .contains(
                        "\"cause\":\"image.pushed\"",
                        "\"event\":\"" + firstEvent + "\"",
                        "\"tag\":\"v2\"",
                        "\"to\":\"" + firstImage + "\""));

    // the same push announced again, a tag the workload does not follow, another registry's
    // repository of the same name: nothing; then a later push, handled after them (same key)
    publish(new ImagePushed(REGISTRY, REPOSITORY, "v2", first));
    publish(new ImagePushed(REGISTRY, REPOSITORY, "main-7", ImageEvents.digest("main")));
    publish(
        new ImagePushed(
            "registry.elsewhere.example", REPOSITORY, "v9", ImageEvents.digest("other")));
    String second = ImageEvents.digest("second");
    publish(new ImagePushed(REGISTRY, REPOSITORY, "v3", second));
    awaitRolled(REGISTRY + "/" + REPOSITORY + "@" + second);
    assertThat(rooms.events("workload.image-changed", "tenant-a/api")).hasSize(2);
  }

  @Test
  void aWorkloadFollowsOnlyItsTenantsProjectWithAPlainGlob() throws Exception {
    assertBad(deploy(OTHER, REGISTRY + "/tenant-a/api", "v*"), "spec.follow.repository");
    assertBad(deploy(DEV, REGISTRY + "/tenant-a/api", "v*;reboot"), "spec.follow.tagPattern");
    assertBad(deploy(DEV, REGISTRY + "/tenant-a/api", "(a+)+$"), "spec.follow.tagPattern");
    assertBad(deploy(DEV, "tenant-a/api", "v*"), "spec.follow.repository");
    assertBad(deploy(DEV, REGISTRY + "/tenant-a/api:v1", "v*"), "spec.follow.repository");
    assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM workload", Integer.class)).isZero();
  }

  @Test
  void aFollowedImageReachesEachRoomOnlyOnceItsRoomsRegistryHoldsIt() throws Exception {
    for (int i = 1; i <= 3; i++) {
      ImageEvents.publish(
          json,
          RoomRegistry.REGISTERED,
          "platform",
          new RoomRegistry("room-" + i, "room-" + i, "10.1.0." + i + ":5000", pullName(i)));
    }
    String canonical = pullName(1) + ":5000/" + REPOSITORY;
    var created =
        rooms.deployRaw(
            DEV,
            rooms.body(
                "api",
                canonical + ":v1",
                3,
                "{\"follow\":{\"repository\":\"" + canonical + "\",\"tagPattern\":\"v*\"}}"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    // each room pulls the tag from its own registry, by the name the platform keeps for it
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              for (int i = 1; i <= 3; i++) {
                assertThat(image("room-" + i))
                    .isEqualTo(pullName(i) + ":5000/" + REPOSITORY + ":v1");
              }
            });
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ROOMS.stream().mapToInt(r -> rooms.ready(r, "tenant-a", "api")).sum() == 3);

    // pushed to room-1's registry (by its address; the workload names it by its DNS name)
    String digest = ImageEvents.digest("per-room");
    ImageEvents.publish(
        json,
        ImagePushed.TYPE,
        "tenant-a",
        new ImagePushed("10.1.0.1:5000", REPOSITORY, "v2", digest));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(image("room-1"))
                  .isEqualTo(pullName(1) + ":5000/" + REPOSITORY + "@" + digest);
              assertThat(waitingFor("room-2")).contains("registry room-2", "does not hold", digest);
            });
    ImageSyncFailed failed =
        new ImageSyncFailed(
            "10.1.0.1:5000",
            "10.1.0.3:5000",
            "room-3",
            REPOSITORY,
            "v2",
            digest,
            "connection refused",
            2);
    ImageEvents.publish(json, ImageSyncFailed.TYPE, "tenant-a", failed);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> String.valueOf(waitingFor("room-3")).contains("connection refused"));
    assertThat(image("room-2")).endsWith(":v1");
    assertThat(image("room-3")).endsWith(":v1");

    // room-2 gets the digest: it rolls; room-3, still without it, keeps the old version
    ImageEvents.publish(
        json,
        ImageSynced.TYPE,
        "tenant-a",
        new ImageSynced("10.1.0.1:5000", "10.1.0.2:5000", "room-2", REPOSITORY, "v2", digest));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> image("room-2").equals(pullName(2) + ":5000/" + REPOSITORY + "@" + digest));
    assertThat(image("room-3")).endsWith(":v1");
    assertThat(waitingFor("room-2")).isNull();

    ImageEvents.publish(
        json,
        ImageSynced.TYPE,
        "tenant-a",
        new ImageSynced("10.1.0.1:5000", "10.1.0.3:5000", "room-3", REPOSITORY, "v2", digest));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> image("room-3").equals(pullName(3) + ":5000/" + REPOSITORY + "@" + digest));
    assertThat(waitingFor("room-3")).isNull();
  }

  private static String pullName(int room) {
    return "registry.room-" + room + ".platform.test";
  }

  private String image(String room) {
    var deployment = rooms.deployment(room, "tenant-a", "api");
    return deployment == null
        ? null
        : deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  private String waitingFor(String room) throws Exception {
    for (var cluster :
        json.readTree(rooms.get(DEV, "/workloads/tenant-a/api").body()).get("clusters")) {
      if (cluster.get("cluster").asString().equals(room)) {
        return cluster.get("waitingFor").isNull() ? null : cluster.get("waitingFor").asString();
      }
    }
    throw new AssertionError("no cluster " + room);
  }

  private record HttpResponse(int status, String body) {}

  private HttpResponse deploy(String token, String repository, String tagPattern) {
    var response =
        rooms.deployRaw(
            token,
            rooms.body(
                "api",
                REGISTRY + "/" + REPOSITORY + ":v1",
                3,
                "{\"follow\":{\"repository\":\""
                    + repository
                    + "\",\"tagPattern\":\""
                    + tagPattern
                    + "\"}}"));
    return new HttpResponse(response.statusCode(), response.body());
  }

  private static void assertBad(HttpResponse response, String field) {
    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.body()).contains("\"field\":\"" + field + "\"");
  }

  private String publish(ImagePushed push) throws Exception {
    return ImageEvents.publish(json, ImagePushed.TYPE, push.project(), push);
  }

  private void awaitRolled(String image) {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(rooms.get(DEV, "/workloads/tenant-a/api").body())
                  .contains("\"image\":\"" + image + "\"");
              for (String room : ROOMS) {
                // the room's Deployment may not be made yet: that is a wait, not an error
                var deployment = rooms.deployment(room, "tenant-a", "api");
                assertThat(deployment).as(room).isNotNull();
                assertThat(
                        deployment
                            .getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .getImage())
                    .isEqualTo(image);
              }
            });
  }
}
