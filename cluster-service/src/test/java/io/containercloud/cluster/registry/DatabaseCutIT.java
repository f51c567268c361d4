package io.containercloud.cluster.registry;

import io.containercloud.common.security.Role;
import io.containercloud.common.testing.DatabaseCutDrill;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestTokens;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** MariaDB cut in the middle of registering a cluster ({@link DatabaseCutDrill}). */
@ServiceIntegrationTest
// the gate stays open after the class: the context closes after @AfterAll and needs its store
@DirtiesContext
class DatabaseCutIT {

  private static final String ADMIN = TestTokens.token("root", "platform", Role.PLATFORM_ADMIN);
  private static final DatabaseCutDrill DRILL = new DatabaseCutDrill();
  // registration only reads the kubeconfig; nothing listens on port 1
  private static final String KUBECONFIG =
      "apiVersion: v1\\nkind: Config\\nclusters:\\n- name: c\\n  cluster:\\n"
          + "    server: https://127.0.0.1:1\\ncontexts:\\n- name: c\\n  context:\\n    cluster: c\\n"
          + "    user: u\\ncurrent-context: c\\nusers:\\n- name: u\\n  user:\\n    token: t\\n";

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;

  @DynamicPropertySource
  static void throughTheGate(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", () -> DRILL.jdbcUrl("cluster_test"));
    // a second instance in this JVM: never the other tests' leader, whatever it leaves behind
    registry.add("platform.cluster.leader.election", () -> "/cluster-service/v1/cut-drill-leader");
  }

  @AfterEach
  void openTheGate() {
    DRILL.reopen(() -> stored("nothing"));
    jdbc.update("DELETE FROM cluster_state WHERE cluster LIKE 'cut-%'");
    jdbc.update("DELETE FROM cluster_registration WHERE name LIKE 'cut-%'");
  }

  @Test
  void aRegistrationCutMidwayIsAnswered503AndLeavesNothingAndItsRetryWritesOnce() throws Exception {
    String name = cluster();
    DRILL.cutMidway(register(name, "hall-a", "cut"), () -> stored(name));
  }

  @Test
  void aCommitTheServiceNeverHeardOfIsAnsweredByTheRetryAndMadeOnce() throws Exception {
    String name = cluster();
    DRILL.lostCommit(
        register(name, "hall-a", "lost"), register(name, "hall-b", "lost"), () -> stored(name));
  }

  @Test
  void withoutAKeyARegistrationWhileTheDatabaseIsAwayIs503AtOnce() throws Exception {
    String name = cluster();
    DRILL.unavailable(register(name, "hall-a", null), () -> stored(name));
  }

  private Supplier<HttpRequest.Builder> register(String name, String room, String key) {
    return () -> {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/clusters"))
              .header("Authorization", "Bearer " + ADMIN)
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"name\":\"%s\",\"machineRoom\":\"%s\",\"kubeconfig\":\"%s\"}"
                          .formatted(name, room, KUBECONFIG)));
      return key == null ? request : request.header("Idempotency-Key", key + "-" + name);
    };
  }

  private int stored(String name) {
    Integer n =
        jdbc.queryForObject(
            "SELECT COUNT(*) FROM cluster_registration WHERE name = ?", Integer.class, name);
    return n == null ? 0 : n;
  }

  private static String cluster() {
    return "cut-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
