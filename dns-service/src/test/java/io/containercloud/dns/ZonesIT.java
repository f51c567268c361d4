package io.containercloud.dns;

import static io.containercloud.common.testing.ServiceContract.assertProblem;
import static io.containercloud.dns.DnsFixture.ADMIN;
import static io.containercloud.dns.DnsFixture.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.security.Role;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestTokens;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Registering and unregistering zones against the real BIND, which serves {@code dns-tests.test}
 * (updates and transfers with the key), {@code readonly.test} (no updates) and {@code
 * no-transfer.test} (no transfers), and is not authoritative for {@code example.com}.
 */
@ServiceIntegrationTest
class ZonesIT {

  private static final Duration LIMIT = Duration.ofSeconds(10);
  private static final String DEV_A = TestTokens.token("dana", "tenant-a", Role.DEVELOPER);

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired DataSource dataSource;
  DnsFixture dns;

  @BeforeEach
  void zone() {
    dns = new DnsFixture(port);
    dns.ensureZone();
  }

  @AfterEach
  void cleanUp() {
    DnsFixture.cleanUp(jdbc);
  }

  @Test
  void zoneBindIsNotAuthoritativeForIsRefusedAndNothingIsStored() {
    HttpResponse<String> response = register("example.com", "platform-key", 10053);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    assertProblem(response, "zone-check-failed");
    assertThat(response.body())
        .contains("\"check\":\"authoritative\"")
        .contains("\"rcode\":\"REFUSED\"")
        .contains("\"server\":\"127.0.0.1:10053\"");
    assertNotStored("example.com");
  }

  @Test
  void zoneBindServesWithoutAcceptingUpdatesIsRefusedNamingTheUpdateCheck() {
    HttpResponse<String> response = register("readonly.test", "platform-key", 10053);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    assertProblem(response, "zone-check-failed");
    assertThat(response.body()).contains("\"check\":\"update\"").contains("\"rcode\":\"REFUSED\"");
    assertNotStored("readonly.test");
    assertThat(DnsFixture.namesInBind("readonly.test"))
        .as("the probe update left nothing behind")
        .containsExactly("ns1.readonly.test", "readonly.test");
  }

  @Test
  void zoneBindWillNotTransferIsRefusedNamingTheTransferCheck() {
    HttpResponse<String> response = register("no-transfer.test", "platform-key", 10053);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    assertProblem(response, "zone-check-failed");
    assertThat(response.body()).contains("\"check\":\"transfer\"").contains("\"rcode\":\"");
    assertNotStored("no-transfer.test");
  }

  @Test
  void nameInsideAServedZoneIsNotAZone() {
    HttpResponse<String> response = register("sub." + DnsFixture.ZONE, "platform-key", 10053);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    assertThat(response.body())
        .contains("\"check\":\"authoritative\"")
        .contains("\"rcode\":\"NXDOMAIN\"")
        .contains("the zone it serves there is " + DnsFixture.ZONE);
    assertNotStored("sub." + DnsFixture.ZONE);
  }

  @Test
  void serverThatDoesNotAnswerIsRefusedAndNothingIsStored() {
    HttpResponse<String> response = register("example.com", "platform-key", 1);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    assertProblem(response, "zone-check-failed");
    assertThat(response.body())
        .contains("\"check\":\"authoritative\"")
        .contains("did not answer")
        .doesNotContain("\"rcode\"");
    assertNotStored("example.com");
  }

  @Test
  void servedZoneIsRegisteredOnlyWithAKeyBindAcceptsForUpdates() {
    assertThat(dns.send("DELETE", "/zones/" + DnsFixture.ZONE, ADMIN, null).statusCode())
        .isEqualTo(204);

    HttpResponse<String> wrongKey = register(DnsFixture.ZONE, "wrong-key", 10053);
    assertThat(wrongKey.statusCode()).as(wrongKey.body()).isEqualTo(422);
    assertThat(wrongKey.body()).contains("\"check\":\"update\"").contains("\"rcode\":\"NOTAUTH\"");
    assertNotStored(DnsFixture.ZONE);

    HttpResponse<String> registered = register(DnsFixture.ZONE, "platform-key", 10053);
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
    assertThat(dns.send("GET", "/zones/" + DnsFixture.ZONE, DEV_A, null).statusCode())
        .isEqualTo(200);
    assertThat(register(DnsFixture.ZONE, "platform-key", 10053).statusCode()).isEqualTo(409);
  }

  @Test
  void unknownFieldOfAZoneIsRefusedNamingIt() {
    HttpResponse<String> response =
        dns.send(
            "POST",
            "/zones",
            ADMIN,
            """
            {"name": "readonly.test", "serverHost": "127.0.0.1", "serverPort": 10053,
             "tsigKey": "platform-key", "allowUpdate": true}
            """);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(response.body()).contains("\"field\":\"allowUpdate\"");
  }

  @Test
  void zoneHoldingSetsIsUnregisteredOnlyWithThemAndBindKeepsItsRecords() {
    String name = DnsFixture.uniqueName("unreg");
    long id = dns.create(DEV_A, name, "A", "10.0.8.1");
    await().atMost(LIMIT).until(() -> answer(name, DnsFixture.A).equals(List.of("10.0.8.1")));

    HttpResponse<String> notEmpty = dns.send("DELETE", "/zones/" + DnsFixture.ZONE, ADMIN, null);
    assertThat(notEmpty.statusCode()).isEqualTo(409);
    assertProblem(notEmpty, "zone-not-empty");
    HttpResponse<String> developer =
        dns.send("DELETE", "/zones/" + DnsFixture.ZONE + "?withRecords=true", DEV_A, null);
    assertThat(developer.statusCode()).isEqualTo(403);
    assertThat(dns.send("GET", "/records/" + id, ADMIN, null).statusCode()).isEqualTo(200);

    HttpResponse<String> unregistered =
        dns.send("DELETE", "/zones/" + DnsFixture.ZONE + "?withRecords=true", ADMIN, null);
    assertThat(unregistered.statusCode()).as(unregistered.body()).isEqualTo(204);
    assertNotStored(DnsFixture.ZONE);
    assertThat(dns.send("GET", "/records/" + id, ADMIN, null).statusCode()).isEqualTo(404);
    assertThat(countSets(DnsFixture.ZONE)).isZero();
    assertThat(answer(name, DnsFixture.A))
        .as("unregistering stops managing the zone; BIND keeps what it holds")
        .containsExactly("10.0.8.1");
  }

  @Test
  void setCreatedWhileItsZoneIsUnregisteredIsUnprocessableNotAServerError() throws Exception {
    jdbc.update(
        "INSERT INTO dns_zone (name, server_host, server_port, tsig_key, default_ttl)"
            + " VALUES ('race.test', '127.0.0.1', 10053, 'platform-key', 300)");
    CompletableFuture<HttpResponse<String>> created;
    try (Connection unregistering = dataSource.getConnection()) {
      unregistering.setAutoCommit(false);
      try (Statement statement = unregistering.createStatement()) {
        statement.executeQuery("SELECT name FROM dns_zone WHERE name = 'race.test' FOR UPDATE");
        created =
            CompletableFuture.supplyAsync(
                () ->
                    dns.send(
                        "POST",
                        "/records",
                        DEV_A,
                        """
                        {"name": "web.race.test", "type": "A", "values": ["10.0.13.1"]}
                        """));
        // the insert waits for the zone's row, which the unregistering transaction holds
        await()
            .atMost(LIMIT)
            .until(
                () ->
                    jdbc.queryForObject(
                            "SELECT COUNT(*) FROM information_schema.INNODB_TRX"
                                + " WHERE trx_state = 'LOCK WAIT'",
                            Integer.class)
                        > 0);
        statement.executeUpdate("DELETE FROM dns_zone WHERE name = 'race.test'");
      }
      unregistering.commit();
    }
    HttpResponse<String> response = created.get(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    assertProblem(response, "outside-managed-zones");
    assertThat(countSets("race.test")).isZero();
  }

  private int countSets(String zone) {
    return jdbc.queryForObject(
        "SELECT COUNT(*) FROM dns_record_set WHERE zone = ?", Integer.class, zone);
  }

  private HttpResponse<String> register(String zone, String key, int serverPort) {
    return dns.send(
        "POST",
        "/zones",
        ADMIN,
        """
        {"name": "%s", "serverHost": "127.0.0.1", "serverPort": %d, "tsigKey": "%s"}
        """
            .formatted(zone, serverPort, key));
  }

  private void assertNotStored(String zone) {
    assertThat(dns.send("GET", "/zones/" + zone, ADMIN, null).statusCode()).isEqualTo(404);
    assertThat(
            jdbc.queryForObject(
                "SELECT COUNT(*) FROM dns_zone WHERE name = ?", Integer.class, zone))
        .isZero();
  }
}
