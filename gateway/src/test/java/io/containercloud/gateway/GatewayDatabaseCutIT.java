package io.containercloud.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.common.testing.DatabaseCutDrill;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * MariaDB cut in the middle of creating a user through the admin API ({@link DatabaseCutDrill}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
// the gate stays open after the class: the context closes after @AfterAll and needs its store
@DirtiesContext
class GatewayDatabaseCutIT {

  private static final DatabaseCutDrill DRILL = new DatabaseCutDrill();
  private static final String PASSWORD = "correct-horse-battery";

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  private String admin;
  private String tenant;

  @DynamicPropertySource
  static void throughTheGate(DynamicPropertyRegistry registry) {
    GatewayFixture.properties(registry);
    registry.add("spring.datasource.url", () -> DRILL.jdbcUrl("gateway_test"));
  }

  @BeforeEach
  void aTenant() {
    admin = GatewayFixture.login(port, "admin", "test-admin-secret");
    tenant = "cut-" + UUID.randomUUID().toString().substring(0, 6);
    jdbc.update("INSERT INTO tenant (name) VALUES (?)", tenant);
  }

  @AfterEach
  void openTheGate() {
    DRILL.reopen(() -> users("nobody"));
    jdbc.update(
        "DELETE FROM role_binding WHERE username IN (SELECT username FROM app_user WHERE username"
            + " LIKE 'cut-%')");
    jdbc.update("DELETE FROM app_user WHERE username LIKE 'cut-%'");
    jdbc.update("DELETE FROM tenant WHERE name = ?", tenant);
  }

  @Test
  void aUserCreationCutMidwayIsAnswered503AndLeavesNothingAndItsRetryWritesOnce() throws Exception {
    String user = "cut-" + UUID.randomUUID().toString().substring(0, 8);
    DRILL.cutMidway(create(user, "developer", "cut"), () -> users(user));
  }

  @Test
  void aCommitTheGatewayNeverHeardOfIsAnsweredByTheRetryAndMadeOnce() throws Exception {
    String user = "cut-" + UUID.randomUUID().toString().substring(0, 8);
    DRILL.lostCommit(
        create(user, "developer", "lost"), create(user, "viewer", "lost"), () -> users(user));
  }

  private Supplier<HttpRequest.Builder> create(String user, String role, String key) {
    return () ->
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/admin/users"))
            .header("Authorization", "Bearer " + admin)
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", key + "-" + user)
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"username\":\"%s\",\"password\":\"%s\",\"tenant\":\"%s\",\"roles\":[\"%s\"]}"
                        .formatted(user, PASSWORD, tenant, role)));
  }

  private int users(String name) {
    Integer n =
        jdbc.queryForObject(
            "SELECT COUNT(*) FROM app_user WHERE username = ?", Integer.class, name);
    assertThat(n).isNotNull();
    return n;
  }
}
