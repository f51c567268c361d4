package io.containercloud.dns;

import io.containercloud.common.security.Role;
import io.containercloud.common.testing.DatabaseCutDrill;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestTokens;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** MariaDB cut in the middle of creating a record set ({@link DatabaseCutDrill}). */
@ServiceIntegrationTest
// the gate stays open after the class: the context closes after @AfterAll and needs its store
@DirtiesContext
class DatabaseCutIT {

  private static final String DEV = TestTokens.token("dana", "tenant-a", Role.DEVELOPER);
  private static final DatabaseCutDrill DRILL = new DatabaseCutDrill();

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;

  @DynamicPropertySource
  static void throughTheGate(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", () -> DRILL.jdbcUrl("dns_test"));
    // this context's own copy of the service takes no share of the other tests' partitions
    registry.add("spring.kafka.listener.auto-startup", () -> "false");
  }

  @BeforeEach
  void aZone() {
    new DnsFixture(port).ensureZone();
  }

  @AfterEach
  void openTheGate() {
    DRILL.reopen(() -> stored("nothing"));
    DnsFixture.cleanUp(jdbc);
  }

  @Test
  void aWriteCutMidwayIsAnswered503AndLeavesNothingAndItsRetryWritesOnce() throws Exception {
    String name = DnsFixture.uniqueName("cut");
    DRILL.cutMidway(create(name, "10.0.0.5", "cut"), () -> stored(name));
  }

  @Test
  void aCommitTheServiceNeverHeardOfIsAnsweredByTheRetryAndMadeOnce() throws Exception {
    String name = DnsFixture.uniqueName("lost");
    DRILL.lostCommit(
        create(name, "10.0.0.5", "lost"), create(name, "10.0.0.6", "lost"), () -> stored(name));
  }

  @Test
  void withoutAKeyAWriteWhileTheDatabaseIsAwayIs503AtOnceAndStoresNothing() throws Exception {
    String name = DnsFixture.uniqueName("away");
    DRILL.unavailable(create(name, "10.0.0.5", null), () -> stored(name));
  }

  private Supplier<HttpRequest.Builder> create(String name, String address, String key) {
    return () ->
        withKey(
                key,
                name,
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/records")))
            .header("Authorization", "Bearer " + DEV)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"name\":\"%s\",\"type\":\"A\",\"ttl\":60,\"values\":[\"%s\"]}"
                        .formatted(name, address)));
  }

  private static HttpRequest.Builder withKey(String key, String name, HttpRequest.Builder request) {
    return key == null ? request : request.header("Idempotency-Key", key + "-" + name);
  }

  private int stored(String name) {
    Integer n =
        jdbc.queryForObject(
            "SELECT COUNT(*) FROM dns_record_set WHERE name = ?", Integer.class, name);
    return n == null ? 0 : n;
  }
}
