package io.containercloud.dns;

import static io.containercloud.common.testing.ServiceContract.assertProblem;
import static io.containercloud.dns.DnsFixture.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.event.Topic;
import io.containercloud.common.security.Role;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestKafka;
import io.containercloud.common.testing.TestTokens;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A zone the platform manages but BIND refuses, as {@code example.com} registered before
 * registration checked the server: its sets never apply, and the platform must still be able to let
 * go of them and of the zone, and to say what BIND answered.
 */
@ServiceIntegrationTest
class RefusedZoneIT {

  private static final Duration LIMIT = Duration.ofSeconds(10);
  private static final String REFUSED_ZONE = "example.com";
  private static final String DEV_A = TestTokens.token("dana", "tenant-a", Role.DEVELOPER);

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  DnsFixture dns;

  @BeforeEach
  void zoneRegisteredBeforeTheChecks() {
    dns = new DnsFixture(port);
    insertZone(REFUSED_ZONE, 10053);
  }

  @AfterEach
  void cleanUp() {
    DnsFixture.cleanUp(jdbc);
  }

  @Test
  void driftRepairOfAZoneBindRefusesIsAProblemCarryingBindsAnswer() {
    HttpResponse<String> response =
        dns.send("POST", "/zones/" + REFUSED_ZONE + "/drift-repair", ADMIN, null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(502);
    assertProblem(response, "bind-refused");
    assertThat(response.body())
        .contains("\"rcode\":\"NOTAUTH\"")
        .contains("\"zone\":\"example.com\"")
        .contains("refused the zone transfer of example.com");
  }

  @Test
  void driftRepairWhenBindDoesNotAnswerIsUnavailable() {
    insertZone("gone.test", 1);
    HttpResponse<String> response = dns.send("POST", "/zones/gone.test/drift-repair", ADMIN, null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
    assertProblem(response, "bind-unreachable");
    assertThat(response.body()).contains("127.0.0.1:1 did not answer");
  }

  @Test
  void forcedRemovalTakesASetBindRefusesOutOfThePlatformAndAnnouncesIt() {
    String name = "web." + REFUSED_ZONE;
    long id = dns.create(DEV_A, name, "A", "10.0.10.1");
    awaitRefusedByBind(id);
    try (KafkaConsumer<String, String> consumer = TestKafka.consumerAtEnd(Topic.DNS_EVENTS)) {
      HttpResponse<String> forced =
          dns.send("DELETE", "/records/" + id + "?force=true", DEV_A, null);
      assertThat(forced.statusCode()).as(forced.body()).isEqualTo(204);
      assertThat(dns.send("GET", "/records/" + id, ADMIN, null).statusCode()).isEqualTo(404);
      assertThat(countSets(REFUSED_ZONE)).isZero();
      assertThat(eventTypesFor(consumer, name)).containsExactly("dns.record-set.deleted");
    }
  }

  @Test
  void deletionStuckOnAZoneBindRefusesCanBeForced() {
    long id = dns.create(DEV_A, "api." + REFUSED_ZONE, "A", "10.0.10.2");
    HttpResponse<String> deleting = dns.send("DELETE", "/records/" + id, DEV_A, null);
    assertThat(deleting.statusCode()).isEqualTo(202);
    awaitRefusedByBind(id);
    assertThat(dns.send("GET", "/records/" + id, ADMIN, null).body()).contains("\"deleting\":true");

    HttpResponse<String> stale =
        dns.sendWithIfMatch("DELETE", "/records/" + id + "?force=true", DEV_A, "\"1\"", null);
    assertThat(stale.statusCode()).isEqualTo(409);
    assertProblem(stale, "stale-version");
    String viewer = TestTokens.token("vic", "tenant-a", Role.VIEWER);
    assertThat(dns.send("DELETE", "/records/" + id + "?force=true", viewer, null).statusCode())
        .isEqualTo(403);
    assertThat(countSets(REFUSED_ZONE)).isEqualTo(1);

    HttpResponse<String> forced = dns.send("DELETE", "/records/" + id + "?force=true", DEV_A, null);
    assertThat(forced.statusCode()).as(forced.body()).isEqualTo(204);
    assertThat(dns.send("GET", "/records/" + id, ADMIN, null).statusCode()).isEqualTo(404);
  }

  @Test
  void zoneBindRefusesIsUnregisteredWithItsRecordSets() {
    long web = dns.create(DEV_A, "web." + REFUSED_ZONE, "A", "10.0.10.3");
    long txt = dns.create(DEV_A, "web." + REFUSED_ZONE, "TXT", "hello");
    dns.send("DELETE", "/records/" + txt, DEV_A, null);
    awaitRefusedByBind(web);

    HttpResponse<String> notEmpty = dns.send("DELETE", "/zones/" + REFUSED_ZONE, ADMIN, null);
    assertThat(notEmpty.statusCode()).isEqualTo(409);
    assertProblem(notEmpty, "zone-not-empty");

    try (KafkaConsumer<String, String> consumer = TestKafka.consumerAtEnd(Topic.DNS_EVENTS)) {
      HttpResponse<String> unregistered =
          dns.send("DELETE", "/zones/" + REFUSED_ZONE + "?withRecords=true", ADMIN, null);
      assertThat(unregistered.statusCode()).as(unregistered.body()).isEqualTo(204);
      assertThat(dns.send("GET", "/zones/" + REFUSED_ZONE, ADMIN, null).statusCode())
          .isEqualTo(404);
      assertThat(dns.send("GET", "/records/" + web, ADMIN, null).statusCode()).isEqualTo(404);
      assertThat(dns.send("GET", "/records/" + txt, ADMIN, null).statusCode()).isEqualTo(404);
      assertThat(countSets(REFUSED_ZONE)).isZero();
      // the TXT set's deletion was announced when it was asked for; only the A set is news
      assertThat(eventTypesFor(consumer, "web." + REFUSED_ZONE))
          .containsExactly("dns.record-set.deleted");
    }
  }

  private void insertZone(String zone, int serverPort) {
    jdbc.update(
        "INSERT INTO dns_zone (name, server_host, server_port, tsig_key, default_ttl)"
            + " VALUES (?, '127.0.0.1', ?, 'platform-key', 300)",
        zone,
        serverPort);
  }

  private void awaitRefusedByBind(long id) {
    await().atMost(LIMIT).until(() -> dns.syncStatus(id).equals("FAILED"));
    assertThat(dns.send("GET", "/records/" + id, ADMIN, null).body()).contains("NOTAUTH");
  }

  private int countSets(String zone) {
    return jdbc.queryForObject(
        "SELECT COUNT(*) FROM dns_record_set WHERE zone = ?", Integer.class, zone);
  }

  // the types of the events about `name` published from now on, with a second for late ones
  private static List<String> eventTypesFor(KafkaConsumer<String, String> consumer, String name) {
    List<String> types = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> collect(consumer, name, types, Duration.ofMillis(200)).size() > 0);
    return collect(consumer, name, types, Duration.ofSeconds(1));
  }

  private static List<String> collect(
      KafkaConsumer<String, String> consumer, String name, List<String> types, Duration wait) {
    consumer
        .poll(wait)
        .forEach(
            r -> {
              if (r.value().contains("\"name\":\"" + name + "\"")) {
                types.add(r.value().replaceAll(".*\"type\":\"(dns\\.[a-z.-]+)\".*", "$1"));
              }
            });
    return types;
  }
}
