package io.containercloud.cluster.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.cluster.testing.ImageEvents;
import io.containercloud.cluster.testing.Rooms;
import io.containercloud.common.event.contract.ImageGateChanged;
import io.containercloud.common.event.contract.ImagePushed;
import io.containercloud.common.event.contract.ImageScanned;
import io.containercloud.common.security.Role;
import io.containercloud.common.testing.KubeSimProcess;
import io.containercloud.common.testing.ServiceContract;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestTokens;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The image gate as cluster-service enforces it from build-service's events (written to the tests'
 * topic by hand here; the e2e module has the real producer): a blocked deploy or upgrade is a 422
 * naming the image, the highest severity and the count, and changes nothing; a followed push the
 * gate stops reaches no cluster until a passing scan arrives.
 */
@ServiceIntegrationTest
class ImageGateIT {

  private static final String DEV = TestTokens.token("dana", "tenant-a", Role.DEVELOPER);
  private static final String OTHER = TestTokens.token("olga", "tenant-b", Role.DEVELOPER);
  private static final List<String> ROOMS = List.of("room-1", "room-2");
  private static final String REPOSITORY = "registry.gate.example/tenant-a/pay";

  private static KubeSimProcess sim;
  private static Rooms rooms;

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired JsonMapper json;

  @BeforeAll
  static void clusters() throws Exception {
    sim = new KubeSimProcess(2, 2, "4", "16Gi");
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
  void aBlockedImageIsRefusedNamingItsWorstFindingAndACleanOnePasses() throws Exception {
    String clean = ImageEvents.digest("clean");
    String critical = ImageEvents.digest("critical");
    ImageEvents.publish(
        json, ImageScanned.TYPE, "platform", new ImageScanned(clean, "Trivy", Map.of("Low", 3)));
    ImageEvents.publish(
        json,
        ImageScanned.TYPE,
        "platform",
        new ImageScanned(critical, "Trivy", Map.of("Critical", 2, "High", 1, "Medium", 7)));
    ImageEvents.publish(
        json,
        ImagePushed.TYPE,
        "tenant-a",
        new ImagePushed("registry.gate.example", "tenant-a/pay", "v3", critical));
    ImageEvents.publish(
        json, ImageGateChanged.TYPE, "tenant-a", new ImageGateChanged("tenant-a", true, "High"));
    await().atMost(Duration.ofSeconds(30)).until(() -> gateSeen("tenant-a"));

    var blocked = deploy(DEV, REPOSITORY + "@" + critical);
    assertThat(blocked.statusCode()).as(blocked.body()).isEqualTo(422);
    ServiceContract.assertProblem(blocked, "image-gate-blocked");
    assertThat(blocked.body())
        .contains(
            "\"image\":\"" + REPOSITORY + "@" + critical + "\"",
            "\"highestSeverity\":\"Critical\"",
            "\"count\":3",
            "\"blockAt\":\"High\"",
            "\"field\":\"image\"");
    // a tag is checked as the digest its last push named; one never pushed cannot be checked
    assertThat(deploy(DEV, REPOSITORY + ":v3").body()).contains("\"highestSeverity\":\"Critical\"");
    assertThat(deploy(DEV, REPOSITORY + ":v9").body()).contains("deploy by digest");
    assertThat(deploy(DEV, REPOSITORY + "@" + ImageEvents.digest("unscanned")).body())
        .contains("has no scan report yet");
    assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM workload", Integer.class)).isZero();

    // the same image for a tenant without a gate deploys
    assertThat(deploy(OTHER, "registry.gate.example/tenant-b/pay@" + critical).statusCode())
        .isEqualTo(201);

    var passed = deploy(DEV, REPOSITORY + "@" + clean);
    assertThat(passed.statusCode()).as(passed.body()).isEqualTo(201);
    String etag = passed.headers().firstValue("ETag").orElseThrow();
    var upgrade =
        rooms.put(
            DEV,
            "/workloads/tenant-a/pay/image",
            "{\"image\":\"" + REPOSITORY + "@" + critical + "\"}");
    assertThat(upgrade.statusCode()).as(upgrade.body()).isEqualTo(422);
    assertThat(rooms.get(DEV, "/workloads/tenant-a/pay").headers().firstValue("ETag"))
        .contains(etag);
  }

  @Test
  void aFollowedPushTheGateStopsWaitsForAPassingScan() throws Exception {
    String clean = ImageEvents.digest("follow-clean");
    ImageEvents.publish(
        json, ImageScanned.TYPE, "platform", new ImageScanned(clean, "Trivy", Map.of()));
    ImageEvents.publish(
        json,
        ImageGateChanged.TYPE,
        "tenant-a",
        new ImageGateChanged("tenant-a", true, "Critical"));
    await().atMost(Duration.ofSeconds(30)).until(() -> gateSeen("tenant-a"));
    var created =
        rooms.deployRaw(
            DEV,
            rooms.body(
                "pay",
                REPOSITORY + "@" + clean,
                2,
                "{\"follow\":{\"repository\":\"" + REPOSITORY + "\",\"tagPattern\":\"v*\"}}"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ROOMS.stream().mapToInt(r -> rooms.ready(r, "tenant-a", "pay")).sum() == 2);

    String pushed = ImageEvents.digest("follow-pushed");
    ImageEvents.publish(
        json,
        ImagePushed.TYPE,
        "tenant-a",
        new ImagePushed("registry.gate.example", "tenant-a/pay", "v4", pushed));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(rooms.get(DEV, "/workloads/tenant-a/pay").body())
                    .contains("the image gate refuses it: " + pushed + " has no scan report yet"));
    for (String room : ROOMS) {
      assertThat(image(room)).isEqualTo(REPOSITORY + "@" + clean);
    }

    // scanned, and nothing at Critical: it rolls
    ImageEvents.publish(
        json, ImageScanned.TYPE, "platform", new ImageScanned(pushed, "Trivy", Map.of("High", 1)));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> ROOMS.stream().allMatch(r -> (REPOSITORY + "@" + pushed).equals(image(r))));
  }

  private boolean gateSeen(String tenant) {
    return jdbc.queryForObject(
            "SELECT COUNT(*) FROM image_gate WHERE tenant = ?", Integer.class, tenant)
        == 1;
  }

  private java.net.http.HttpResponse<String> deploy(String token, String image) {
    return rooms.deployRaw(token, rooms.body("pay", image, 2, "{}"));
  }

  private String image(String room) {
    var deployment = rooms.deployment(room, "tenant-a", "pay");
    return deployment == null
        ? null
        : deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }
}
