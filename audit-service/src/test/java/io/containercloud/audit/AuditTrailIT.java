package io.containercloud.audit;

import static io.containercloud.common.testing.ServiceContract.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.audit.chain.AuditRetention;
import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.EventType;
import io.containercloud.common.event.Topic;
import io.containercloud.common.security.Role;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestKafka;
import io.containercloud.common.testing.TestTokens;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

@ServiceIntegrationTest
class AuditTrailIT {

  private static final String ADMIN = TestTokens.token("root", "platform", Role.PLATFORM_ADMIN);

  // the event types these tests publish, as the producing services name them
  private static final EventType HTTP = () -> "http.request";
  private static final EventType WEBSHELL = () -> "webshell.command";

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired JsonMapper json;
  @Autowired AuditRetention retention;
  AuditFixture audit;

  @BeforeEach
  void setUp() {
    audit = new AuditFixture(port, jdbc);
  }

  @Test
  void eventsOnAuditEventsAreRecordedOnceEachInAnIntactChain() throws Exception {
    String tenant = AuditFixture.uniqueTenant();
    CloudEvent first =
        event(
            tenant,
            HTTP,
            Map.of(
                "user",
                "alice",
                "service",
                "dns-service",
                "method",
                "POST",
                "status",
                201,
                "targetIds",
                List.of("record-7"),
                "path",
                "/api/dns/records"));
    CloudEvent second =
        event(
            tenant,
            WEBSHELL,
            Map.of("user", "bob", "command", "ls -l /tmp", "cluster", "room-1", "pod", "web-1"));
    try (KafkaProducer<String, String> producer = TestKafka.producer()) {
      for (CloudEvent e : List.of(first, second, first)) {
        producer
            .send(
                new ProducerRecord<>(
                    TestKafka.topic(Topic.AUDIT_EVENTS), e.subject(), e.toJson(json)))
            .get();
      }
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> count(tenant) == 2);
    String page = audit.get("/records?tenant=" + tenant, ADMIN).body();
    assertThat(page)
        .contains(
            "\"user\":\"alice\"",
            "\"action\":\"http.request\"",
            "\"targetId\":\"record-7\"",
            "\"status\":201")
        .contains("\"user\":\"bob\"", "\"action\":\"webshell.command\"", "ls -l /tmp");
    assertThat(audit.get("/chains/" + tenant + "/verify", ADMIN).body())
        .contains("\"checked\":2", "\"intact\":true");
  }

  @Test
  void anEditedRowIsDetectedAndNamed() {
    String tenant = AuditFixture.uniqueTenant();
    audit.chain(tenant, 50, 10, Instant.now().minusSeconds(3600));
    long id =
        jdbc.queryForObject(
            "SELECT id FROM audit_record WHERE tenant = ? AND chain_seq = 17", Long.class, tenant);
    jdbc.update("UPDATE audit_record SET actor = 'mallory' WHERE id = ?", id);
    String report = audit.get("/chains/" + tenant + "/verify", ADMIN).body();
    assertThat(report)
        .contains(
            "\"intact\":false",
            "\"checked\":16",
            "\"recordId\":" + id,
            "\"seq\":17",
            "content changed");
  }

  @Test
  void deletedRowsAreDetected() {
    String tenant = AuditFixture.uniqueTenant();
    audit.chain(tenant, 30, 10, Instant.now().minusSeconds(3600));
    jdbc.update("DELETE FROM audit_record WHERE tenant = ? AND chain_seq = 9", tenant);
    assertThat(audit.get("/chains/" + tenant + "/verify", ADMIN).body())
        .contains("\"intact\":false", "\"seq\":9", "record missing");

    String other = AuditFixture.uniqueTenant();
    audit.chain(other, 30, 10, Instant.now().minusSeconds(3600));
    jdbc.update("DELETE FROM audit_record WHERE tenant = ? AND chain_seq = 30", other);
    assertThat(audit.get("/chains/" + other + "/verify", ADMIN).body())
        .contains("\"intact\":false", "newest records were removed");
  }

  @Test
  void aTimeWindowIsVerifiedOnItsOwn() {
    String tenant = AuditFixture.uniqueTenant();
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    audit.chain(tenant, 30, 10, start);
    String window = "?from=" + start.plusSeconds(10) + "&to=" + start.plusSeconds(20);
    assertThat(audit.get("/chains/" + tenant + "/verify" + window, ADMIN).body())
        .contains("\"checked\":10", "\"intact\":true");
    jdbc.update(
        "UPDATE audit_record SET payload = '{}' WHERE tenant = ? AND chain_seq = 25", tenant);
    assertThat(audit.get("/chains/" + tenant + "/verify" + window, ADMIN).body())
        .contains("\"intact\":true");
    jdbc.update("UPDATE audit_record SET status = 500 WHERE tenant = ? AND chain_seq = 12", tenant);
    assertThat(audit.get("/chains/" + tenant + "/verify" + window, ADMIN).body())
        .contains("\"intact\":false", "\"seq\":12");
    assertThat(audit.get("/chains/" + tenant + "/verify?from=" + start, ADMIN).statusCode())
        .isEqualTo(400);
  }

  @Test
  void retentionRemovesOldRecordsAndTheChainStillVerifies() {
    String tenant = AuditFixture.uniqueTenant();
    Instant start = Instant.now().minus(Duration.ofDays(30));
    audit.chain(tenant, 40, 10, start);
    int removed = retention.removeBefore(start.plusSeconds(25).plusMillis(500));
    assertThat(removed).isGreaterThanOrEqualTo(25);
    assertThat(count(tenant)).isEqualTo(15);
    assertThat(audit.get("/chains/" + tenant + "/verify", ADMIN).body())
        .contains("\"checked\":15", "\"intact\":true");
  }

  @Test
  void queriesFilterAndPageByCursor() {
    String tenant = AuditFixture.uniqueTenant();
    audit.chain(tenant, 12, 10, Instant.now().minusSeconds(3600));
    String first = audit.get("/records?tenant=" + tenant + "&user=user-1&limit=3", ADMIN).body();
    assertThat(first.split("\"user\":\"user-1\"", -1)).hasSize(4);
    String cursor = first.replaceAll(".*\"nextCursor\":\"(\\d+)\".*", "$1");
    String second =
        audit
            .get("/records?tenant=" + tenant + "&user=user-1&limit=3&cursor=" + cursor, ADMIN)
            .body();
    assertThat(second.split("\"user\":\"user-1\"", -1)).hasSize(2);
    assertThat(second).contains("\"nextCursor\":null");
    assertThat(audit.get("/records?tenant=" + tenant + "&target=record-5", ADMIN).body())
        .contains("\"seq\":5");
    assertThat(audit.get("/records?tenant=" + tenant + "&q=%22n%22:7,", ADMIN).body())
        .contains("\"seq\":7");
  }

  @Test
  void tenantAdminsReadOnlyTheirTenantAndOthersNothing() {
    String tenant = AuditFixture.uniqueTenant();
    audit.chain(tenant, 3, 10, Instant.now().minusSeconds(3600));
    String own = TestTokens.token("ta", tenant, Role.TENANT_ADMIN);
    assertThat(audit.get("/records", own).body()).contains("\"tenant\":\"" + tenant + "\"");
    HttpResponse<String> other = audit.get("/records?tenant=platform", own);
    assertThat(other.statusCode()).isEqualTo(403);
    assertProblem(other, "forbidden");
    assertThat(audit.get("/chains/platform/verify", own).statusCode()).isEqualTo(403);
    assertThat(audit.get("/records", TestTokens.token("dev", tenant, Role.DEVELOPER)).statusCode())
        .isEqualTo(403);
    HttpResponse<String> bad = audit.get("/records?tenant=Bad;Tenant", ADMIN);
    assertThat(bad.statusCode()).isEqualTo(400);
  }

  private int count(String tenant) {
    return jdbc.queryForObject(
        "SELECT COUNT(*) FROM audit_record WHERE tenant = ?", Integer.class, tenant);
  }

  private CloudEvent event(String tenant, EventType type, Map<String, Object> data) {
    return CloudEvent.of(
        "/gateway", type, "op-" + System.nanoTime(), tenant, json.valueToTree(data));
  }
}
