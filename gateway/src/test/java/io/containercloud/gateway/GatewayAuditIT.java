package io.containercloud.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.event.Topic;
import io.containercloud.common.testing.LocalInfra;
import io.containercloud.common.testing.ServiceContract;
import io.containercloud.common.testing.TestKafka;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class GatewayAuditIT {

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;

  @DynamicPropertySource
  static void routesAndKey(DynamicPropertyRegistry registry) {
    GatewayFixture.properties(registry);
  }

  @Test
  void everyChangeIsAuditedWithSecretsRedactedAndReadsAreNot() {
    String token = GatewayFixture.login(port, "admin", "test-admin-secret");
    String correlation = "corr-" + UUID.randomUUID();
    HttpResponse<String> created =
        send(
            "POST",
            "/api/echo/clusters/room-9/credentials",
            token,
            correlation,
            """
            {"name": "room-9", "password": "hunter2", "kubeconfig": "apiVersion: v1 secret-data",
             "nested": {"token": "abc", "note": "-----BEGIN PRIVATE KEY-----MIIE"}}
            """);
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.headers().firstValue("X-Correlation-Id")).hasValue(correlation);
    assertThat(GatewayFixture.lastBackendRequest.get())
        .contains("x-correlation-id: " + correlation)
        .contains("hunter2");
    send("GET", "/api/echo/clusters/room-9", token, correlation, null);

    List<String> events = outboxEvents(correlation);
    assertThat(events).hasSize(1);
    assertThat(events.get(0))
        .contains(
            "\"type\":\"http.request\"",
            "\"tenant\":\"platform\"",
            "\"user\":\"admin\"",
            "\"method\":\"POST\"")
        .contains(
            "\"service\":\"echo\"", "\"status\":201", "\"targetIds\":[\"room-9\",\"credentials\"]")
        .contains(
            "\"path\":\"/api/echo/clusters/room-9/credentials\"",
            "\"bodySha256\":\"",
            "\"clientIp\":\"127.0.0.1\"")
        .contains(
            "\"name\":\"room-9\"", "\"password\":\"[redacted]\"", "\"kubeconfig\":\"[redacted]\"")
        .contains("\"token\":\"[redacted]\"", "\"note\":\"[redacted]\"")
        .doesNotContain("hunter2", "secret-data", "BEGIN PRIVATE KEY");
  }

  @Test
  void adminChangesAreAuditedRefusedOnesTooAndReadsAreNot() {
    String token = GatewayFixture.login(port, "admin", "test-admin-secret");
    String username = "audited-" + UUID.randomUUID().toString().substring(0, 8);
    String user =
        """
        {"username":"%s","password":"s3cret-of-the-user","tenant":"platform","roles":["viewer"]}"""
            .formatted(username);
    String correlation = "admin-" + UUID.randomUUID();
    HttpResponse<String> created = send("POST", "/api/admin/users", token, correlation, user);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(send("POST", "/api/admin/users", token, correlation, user).statusCode())
        .isEqualTo(409);
    assertThat(
            send("DELETE", "/api/admin/users/" + username + "/sessions", token, correlation, null)
                .statusCode())
        .isEqualTo(200);
    send("GET", "/api/admin/users", token, correlation, null);

    List<String> events = outboxEvents(correlation);
    assertThat(events).hasSize(3);
    assertThat(events.get(0))
        .contains(
            "\"user\":\"admin\"",
            "\"method\":\"POST\"",
            "\"service\":\"gateway\"",
            "\"path\":\"/api/admin/users\"",
            "\"status\":201",
            "\"username\":\"" + username + "\"",
            "\"password\":\"[redacted]\"")
        .doesNotContain("s3cret-of-the-user");
    assertThat(events.get(1))
        .contains("\"user\":\"admin\"", "\"status\":409", "\"path\":\"/api/admin/users\"");
    assertThat(events.get(2))
        .contains(
            "\"user\":\"admin\"",
            "\"method\":\"DELETE\"",
            "\"status\":200",
            "\"targetIds\":[\"" + username + "\",\"sessions\"]");
  }

  @Test
  void loginsAreAuditedBothWays() {
    String correlation = "login-" + UUID.randomUUID();
    ServiceContract.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/auth/login"))
            .header("Content-Type", "application/json")
            .header("X-Correlation-Id", correlation)
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"username\":\"admin\",\"password\":\"wrong-one\"}"))
            .build());
    List<String> events = outboxEvents(correlation);
    assertThat(events).hasSize(1);
    assertThat(events.get(0))
        .contains("\"type\":\"auth.login-failed\"", "\"user\":\"admin\"", "\"status\":401")
        .doesNotContain("wrong-one");
  }

  @Test
  void theClientAddressInTheTrailCannotBeForged() {
    String correlation = "forged-" + UUID.randomUUID();
    ServiceContract.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/auth/login"))
            .header("Content-Type", "application/json")
            .header("X-Correlation-Id", correlation)
            .header("X-Forwarded-For", "203.0.113.9")
            .header("Forwarded", "for=203.0.113.10")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"username\":\"nobody\",\"password\":\"wrong-one\"}"))
            .build());
    List<String> events = outboxEvents(correlation);
    assertThat(events).hasSize(1);
    assertThat(events.get(0)).contains("\"clientIp\":\"127.0.0.1\"").doesNotContain("203.0.113");
  }

  @Test
  void oversizedBodiesAreRefused() {
    String token = GatewayFixture.login(port, "admin", "test-admin-secret");
    HttpResponse<String> response =
        send("POST", "/api/echo/things", token, null, "{\"x\":\"" + "a".repeat(1_100_000) + "\"}");
    assertThat(response.statusCode()).isEqualTo(413);
  }

  @Test
  void changesMadeWhileKafkaIsDownReachAuditEventsWhenItReturns() throws Exception {
    String token = GatewayFixture.login(port, "admin", "test-admin-secret");
    String run = "outage-" + UUID.randomUUID();
    try (KafkaConsumer<String, String> consumer = TestKafka.consumerAtEnd(Topic.AUDIT_EVENTS)) {
      LocalInfra.stop("kafka", LocalInfra.KAFKA_PORT);
      try {
        for (int i = 0; i < 20; i++) {
          assertThat(
                  send("POST", "/api/echo/things", token, run + "-" + i, "{\"i\":" + i + "}")
                      .statusCode())
              .isEqualTo(201);
        }
      } finally {
        LocalInfra.start("kafka");
      }
      List<String> seen = new ArrayList<>();
      await()
          .atMost(Duration.ofMinutes(2))
          .until(
              () -> {
                consumer
                    .poll(Duration.ofMillis(500))
                    .forEach(
                        r -> {
                          if (r.value().contains(run)) {
                            seen.add(
                                r.value()
                                    .replaceAll(
                                        ".*\"correlationId\":\"" + run + "-(\\d+)\".*", "$1"));
                          }
                        });
                return seen.stream().distinct().count() == 20;
              });
      List<Integer> order = seen.stream().distinct().map(Integer::parseInt).toList();
      assertThat(order).isSorted();
    }
  }

  private List<String> outboxEvents(String correlation) {
    return jdbc.queryForList(
        "SELECT payload FROM outbox_event WHERE topic = 'audit-events' AND payload LIKE ? ORDER BY seq",
        String.class,
        "%\"correlationId\":\"" + correlation + "\"%");
  }

  private HttpResponse<String> send(
      String method, String path, String token, String correlation, String json) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + token);
    if (correlation != null) {
      request.header("X-Correlation-Id", correlation);
    }
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    request.method(
        method,
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json));
    return ServiceContract.send(request.build());
  }
}
