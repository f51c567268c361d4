package io.containercloud.cluster.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.security.Role;
import io.containercloud.common.testing.KubeSimProcess;
import io.containercloud.common.testing.ServiceContract;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestTokens;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

/** Registering kube-sim clusters: credentials sealed, health and capacity probed, drills seen. */
@ServiceIntegrationTest
class ClusterRegistryIT {

  private static final String ADMIN = TestTokens.token("root", "platform", Role.PLATFORM_ADMIN);
  private static final String DEV = TestTokens.token("dana", "tenant-a", Role.DEVELOPER);

  private static KubeSimProcess sim;

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired JsonMapper json;

  @BeforeAll
  static void clusters() throws Exception {
    // a serving certificate of 20 days: inside the 30-day notice, as on a cluster due for renewal
    sim = new KubeSimProcess(2, 3, "4", "16Gi", "200ms", "kube-sim.serving-cert-validity=20d");
  }

  @AfterAll
  static void stopClusters() {
    sim.close();
  }

  @BeforeEach
  void noClusters() {
    jdbc.update("DELETE FROM workload");
    jdbc.update("DELETE FROM cluster_state");
    jdbc.update("DELETE FROM cluster_registration");
    jdbc.update("DELETE FROM certificate_notice");
    jdbc.update("DELETE FROM outbox_event");
  }

  @Test
  void aRegisteredClusterShowsHealthAndCapacityButNeverItsCredentials() throws Exception {
    HttpResponse<String> created = register(ADMIN, "room-1");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.body())
        .doesNotContain("kube-sim", "kubeconfig")
        .contains(sim.apiUrl("room-1"));

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> get("/clusters/room-1").contains("\"reachable\":true"));
    String view = get("/clusters/room-1");
    assertThat(view).contains("\"nodes\":3", "\"readyNodes\":3", "\"freeCpuMillis\":4000");
    byte[] stored =
        jdbc.queryForObject(
            "SELECT kubeconfig_encrypted FROM cluster_registration WHERE name = 'room-1'",
            byte[].class);
    assertThat(new String(stored, StandardCharsets.ISO_8859_1))
        .doesNotContain("kube-sim")
        .doesNotContain(sim.apiUrl("room-1"));
  }

  @Test
  void aFailedClusterCountsFailedProbesAndRecovers() throws Exception {
    assertThat(register(ADMIN, "room-2").statusCode()).isEqualTo(201);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> get("/clusters/room-2").contains("\"reachable\":true"));

    sim.fail("room-2");
    try {
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> get("/clusters/room-2").contains("\"consecutiveFailures\":2"));
      assertThat(get("/clusters/room-2")).contains("\"reachable\":false");
    } finally {
      sim.heal("room-2");
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> get("/clusters/room-2").contains("\"consecutiveFailures\":0"));
  }

  @Test
  void onlyPlatformAdminsRegisterAndBadInputChangesNothing() throws Exception {
    assertThat(register(DEV, "room-1").statusCode()).isEqualTo(403);
    HttpResponse<String> bad =
        post(ADMIN, "{\"name\":\"Room_1\",\"machineRoom\":\"a\",\"kubeconfig\":\"not: [yaml\"}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("\"field\":\"name\"");
    HttpResponse<String> noServer =
        post(
            ADMIN, "{\"name\":\"room-1\",\"machineRoom\":\"a\",\"kubeconfig\":\"apiVersion: v1\"}");
    assertThat(noServer.statusCode()).isEqualTo(400);
    assertThat(noServer.body()).contains("kubeconfig");
    assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM cluster_registration", Integer.class))
        .isZero();
    assertThat(register(ADMIN, "room-1").statusCode()).isEqualTo(201);
    assertThat(register(ADMIN, "room-1").statusCode()).isEqualTo(409);
  }

  @Test
  void aKubeSimClusterShowsItsCaAndServingCertificateWithRealDaysLeft() throws Exception {
    assertThat(register(ADMIN, "room-2").statusCode()).isEqualTo(201);
    // reachable: fabric8 verified the server by the kubeconfig's CA and was let in by its token
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> get("/clusters/room-2").contains("\"reachable\":true"));

    String certificates = get("/clusters/room-2/certificates");
    assertThat(certificates)
        .contains("\"certificate\":\"ca\"", "CN=room-2-ca", "\"daysLeft\":3649")
        .contains("\"certificate\":\"serving\"", "CN=kube-apiserver", "\"daysLeft\":19")
        .doesNotContain("\"certificate\":\"client\"");
    await().atMost(Duration.ofSeconds(10)).until(() -> notices("room-2", "serving").size() == 1);
    assertThat(notices("room-2", "serving").get(0)).contains("\"threshold\":30", "\"daysLeft\":19");
    assertThat(notices("room-2", "ca")).isEmpty();
  }

  @Test
  void certificateExpiryIsShownMeasuredAndAnnouncedOncePerThreshold() throws Exception {
    Path dir = Files.createTempDirectory("certs");
    String ca = certificate(dir, "ca", "room-1 CA", 5);
    String client = certificate(dir, "client", "room-1 admin", 40);
    String kubeconfig =
        Files.readString(sim.kubeconfig("room-1"))
            .replaceFirst(
                "(?m)^(\\s+)certificate-authority-data: .*$", "$1certificate-authority-data: " + ca)
            .replaceFirst(
                "(?m)^(\\s+)token: (.*)$",
                "$1token: $2\n$1client-certificate-data: "
                    + client
                    + "\n$1client-key-data: "
                    + base64(dir.resolve("client.key")));
    assertThat(post(ADMIN, registration("room-1", kubeconfig)).statusCode()).isEqualTo(201);

    String certificates = get("/clusters/room-1/certificates");
    assertThat(certificates)
        .contains("\"certificate\":\"ca\"", "CN=room-1 CA", "\"daysLeft\":4")
        .contains("\"certificate\":\"client\"", "\"daysLeft\":39")
        .contains("\"certificate\":\"serving\"", "\"daysLeft\":19");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                ServiceContract.get("http://127.0.0.1:" + port + "/actuator/prometheus", null)
                    .body()
                    .matches(
                        "(?s).*cluster_certificate_days_left\\{[^}]*certificate=\"ca\","
                            + "cluster=\"room-1\"[^}]*} 4\\.0.*"));
    await().atMost(Duration.ofSeconds(10)).until(() -> notices("room-1", "ca").size() == 1);
    assertThat(notices("room-1", "ca").get(0))
        .contains("\"certificate\":\"ca\"", "\"threshold\":7", "\"daysLeft\":4");
    // three more checks later, still the one notice
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> notices("room-1", "ca").size() == 1);
    assertThat(get("/clusters/room-9/certificates")).contains("not-found");
  }

  private java.util.List<String> notices(String cluster, String certificate) {
    return jdbc.queryForList(
        "SELECT payload FROM outbox_event WHERE JSON_VALUE(payload, '$.type') ="
            + " 'cluster.cert-expiring' AND JSON_VALUE(payload, '$.subject') = ?"
            + " AND JSON_VALUE(payload, '$.data.certificate') = ?",
        String.class,
        cluster,
        certificate);
  }

  /** A self-signed certificate valid for {@code days}, base64 of its PEM (as kubeconfigs hold). */
  private static String certificate(Path dir, String name, String cn, int days) throws Exception {
    Process openssl =
        new ProcessBuilder(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "" + days,
                "-subj",
                "/CN=" + cn,
                "-keyout",
                dir.resolve(name + ".key").toString(),
                "-out",
                dir.resolve(name + ".crt").toString())
            .redirectErrorStream(true)
            .start();
    assertThat(openssl.waitFor()).as(new String(openssl.getInputStream().readAllBytes())).isZero();
    return base64(dir.resolve(name + ".crt"));
  }

  private static String base64(Path file) throws java.io.IOException {
    return java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(file));
  }

  private HttpResponse<String> register(String token, String cluster) throws Exception {
    return post(token, registration(cluster, Files.readString(sim.kubeconfig(cluster))));
  }

  private String registration(String cluster, String kubeconfig) {
    String body =
        json.writeValueAsString(
            java.util.Map.of(
                "name",
                cluster,
                "machineRoom",
                "hall-" + cluster.substring(cluster.length() - 1),
                "labels",
                java.util.Map.of("zone", "east"),
                "kubeconfig",
                kubeconfig));
    return body;
  }

  private HttpResponse<String> post(String token, String body) {
    return ServiceContract.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/clusters"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  private String get(String path) {
    return ServiceContract.get("http://127.0.0.1:" + port + path, DEV).body();
  }
}
