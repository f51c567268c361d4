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
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

@ServiceIntegrationTest
class DnsRecordsIT {

  private static final Duration LIMIT = Duration.ofSeconds(10);
  private static final String DEV_A = TestTokens.token("dana", "tenant-a", Role.DEVELOPER);

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
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
  void createUpdateAndDeleteAreAnsweredByBind() {
    String name = DnsFixture.uniqueName("web");
    long id = dns.create(DEV_A, name, "A", "10.0.0.1", "10.0.0.2");
    await()
        .atMost(LIMIT)
        .until(() -> answer(name, DnsFixture.A).equals(List.of("10.0.0.1", "10.0.0.2")));
    await().atMost(LIMIT).until(() -> dns.syncStatus(id).equals("APPLIED"));

    HttpResponse<String> updated =
        dns.send("PUT", "/records/" + id, DEV_A, "{\"ttl\": 120, \"values\": [\"10.0.0.3\"]}");
    assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
    assertThat(updated.headers().firstValue("ETag")).hasValue("\"2\"");
    await().atMost(LIMIT).until(() -> answer(name, DnsFixture.A).equals(List.of("10.0.0.3")));

    assertThat(dns.send("DELETE", "/records/" + id, DEV_A, null).statusCode()).isEqualTo(202);
    await().atMost(LIMIT).until(() -> answer(name, DnsFixture.A).isEmpty());
    await()
        .atMost(LIMIT)
        .until(() -> dns.send("GET", "/records/" + id, ADMIN, null).statusCode() == 404);
  }

  @Test
  void ipv6TextAndServiceRecordsReachBind() {
    String v6 = DnsFixture.uniqueName("v6");
    String txt = DnsFixture.uniqueName("txt");
    dns.create(DEV_A, v6, "AAAA", "fd00::1");
    dns.create(DEV_A, txt, "TXT", "v=DKIM1; k=rsa; p=" + "A".repeat(300));
    await()
        .atMost(LIMIT)
        .until(() -> answer(v6, DnsFixture.AAAA).equals(List.of("fd00:0:0:0:0:0:0:1")));
    await().atMost(LIMIT).until(() -> !answer(txt, DnsFixture.TXT).isEmpty());
    assertThat(answer(txt, DnsFixture.TXT).get(0))
        .startsWith("\"v=dkim1; k=rsa; p=")
        .contains("\" \"");
  }

  @Test
  void staleIfMatchIsAConflictAndChangesNothing() {
    String name = DnsFixture.uniqueName("etag");
    long id = dns.create(DEV_A, name, "A", "10.0.1.1");
    HttpResponse<String> stale =
        dns.send(
            "PUT",
            "/records/" + id,
            DEV_A,
            "{\"values\": [\"10.0.1.2\"]}".replace("{", "{\"ttl\":60,"));
    assertThat(stale.statusCode()).isEqualTo(200);
    HttpResponse<String> conflict =
        dns.sendWithIfMatch(
            "PUT", "/records/" + id, DEV_A, "\"1\"", "{\"values\": [\"10.0.1.9\"]}");
    assertThat(conflict.statusCode()).isEqualTo(409);
    assertProblem(conflict, "stale-version");
    await().atMost(LIMIT).until(() -> answer(name, DnsFixture.A).equals(List.of("10.0.1.2")));
  }

  @Test
  void putNamingAnotherNameOrTypeIsUnprocessableAndChangesNothing() {
    String name = DnsFixture.uniqueName("rename");
    long id = dns.create(DEV_A, name, "A", "10.0.11.1");
    await().atMost(LIMIT).until(() -> dns.syncStatus(id).equals("APPLIED"));

    HttpResponse<String> renamed =
        dns.send(
            "PUT",
            "/records/" + id,
            DEV_A,
            """
            {"name": "%s", "ttl": 60, "values": ["10.0.11.2"]}
            """
                .formatted(DnsFixture.uniqueName("other")));
    assertThat(renamed.statusCode()).as(renamed.body()).isEqualTo(422);
    assertProblem(renamed, "immutable-field");
    assertThat(renamed.body()).contains("\"field\":\"name\"").doesNotContain("\"field\":\"type\"");
    HttpResponse<String> retyped =
        dns.send(
            "PUT",
            "/records/" + id,
            DEV_A,
            "{\"type\": \"AAAA\", \"ttl\": 60, \"values\": [\"10.0.11.2\"]}");
    assertThat(retyped.statusCode()).as(retyped.body()).isEqualTo(422);
    assertThat(retyped.body()).contains("\"field\":\"type\"");
    assertThat(dns.send("GET", "/records/" + id, ADMIN, null).body())
        .contains("\"version\":1")
        .contains("\"values\":[\"10.0.11.1\"]");
    assertThat(answer(name, DnsFixture.A)).containsExactly("10.0.11.1");

    // the same name and type, in any case and with the final dot, are fine
    HttpResponse<String> same =
        dns.send(
            "PUT",
            "/records/" + id,
            DEV_A,
            """
            {"name": "%s.", "type": "a", "ttl": 60, "values": ["10.0.11.2"]}
            """
                .formatted(name.toUpperCase(java.util.Locale.ROOT)));
    assertThat(same.statusCode()).as(same.body()).isEqualTo(200);
    await().atMost(LIMIT).until(() -> answer(name, DnsFixture.A).equals(List.of("10.0.11.2")));
  }

  @Test
  void fieldsARecordSetRequestDoesNotHaveAreRefusedNotIgnored() {
    String name = DnsFixture.uniqueName("extra");
    long id = dns.create(DEV_A, name, "A", "10.0.12.1");
    HttpResponse<String> put =
        dns.send(
            "PUT",
            "/records/" + id,
            DEV_A,
            """
            {"ttl": 60, "values": ["10.0.12.2"], "zone": "other.test", "owner": "someone"}
            """);
    assertThat(put.statusCode()).as(put.body()).isEqualTo(400);
    assertProblem(put, "validation-failed");
    assertThat(put.body()).contains("\"field\":\"owner\"").contains("\"field\":\"zone\"");
    assertThat(dns.send("GET", "/records/" + id, ADMIN, null).body()).contains("\"version\":1");

    HttpResponse<String> post =
        dns.send(
            "POST",
            "/records",
            DEV_A,
            """
            {"name": "%s", "type": "A", "values": ["10.0.12.3"], "tenant": "tenant-b"}
            """
                .formatted(DnsFixture.uniqueName("extra")));
    assertThat(post.statusCode()).as(post.body()).isEqualTo(400);
    assertThat(post.body()).contains("\"field\":\"tenant\"");
  }

  @Test
  void hostileInputIsRejectedNamingTheFieldAndNothingReachesBind() {
    for (String hostile :
        List.of(
            "bad;name",
            "bad\\nname",
            "bad name",
            "bad\\\"name",
            "$ORIGIN",
            "x{1}",
            "$INCLUDE",
            "a".repeat(70))) {
      String name = hostile + "." + DnsFixture.ZONE;
      HttpResponse<String> response =
          dns.send(
              "POST",
              "/records",
              DEV_A,
              "{\"name\": \"" + name + "\", \"type\": \"A\", \"values\": [\"10.0.0.1\"]}");
      assertThat(response.statusCode()).as(hostile).isEqualTo(400);
      assertProblem(response, "validation-failed");
      assertThat(response.body()).contains("\"field\":\"name\"");
    }
    HttpResponse<String> badValue =
        dns.send(
            "POST",
            "/records",
            DEV_A,
            """
            {"name": "ok.dns-tests.test", "type": "TXT", "values": ["line\\nbreak"]}
            """);
    assertThat(badValue.statusCode()).isEqualTo(400);
    assertThat(badValue.body()).contains("\"field\":\"values[0]\"");
    assertThat(
            jdbc.queryForObject(
                "SELECT COUNT(*) FROM dns_record_set WHERE name LIKE 'bad%' OR name = 'ok.dns-tests.test'",
                Integer.class))
        .isZero();
  }

  @Test
  void nameOutsideEveryManagedZoneIsUnprocessable() {
    HttpResponse<String> response =
        dns.send(
            "POST",
            "/records",
            DEV_A,
            """
            {"name": "web.example.com", "type": "A", "values": ["10.0.0.1"]}
            """);
    assertThat(response.statusCode()).isEqualTo(422);
    assertProblem(response, "outside-managed-zones");
    assertThat(response.body()).contains("\"field\":\"name\"");
  }

  @Test
  void cnameCannotShareItsName() {
    String name = DnsFixture.uniqueName("alias");
    dns.create(DEV_A, name, "A", "10.0.2.1");
    HttpResponse<String> response =
        dns.send(
            "POST",
            "/records",
            DEV_A,
            "{\"name\": \""
                + name
                + "\", \"type\": \"CNAME\", \"values\": [\"web.dns-tests.test\"]}");
    assertThat(response.statusCode()).isEqualTo(422);
    assertProblem(response, "cname-conflict");
    HttpResponse<String> apex =
        dns.send(
            "POST",
            "/records",
            DEV_A,
            """
            {"name": "dns-tests.test", "type": "CNAME", "values": ["web.example.com"]}
            """);
    assertThat(apex.statusCode()).isEqualTo(400);
  }

  @Test
  void tenantsSeeOnlyTheirSetsAndViewersChangeNothing() {
    String name = DnsFixture.uniqueName("mine");
    long id = dns.create(DEV_A, name, "A", "10.0.3.1");
    String otherTenant = TestTokens.token("bob", "tenant-b", Role.TENANT_ADMIN);
    assertThat(dns.send("GET", "/records/" + id, otherTenant, null).statusCode()).isEqualTo(404);
    assertThat(dns.send("DELETE", "/records/" + id, otherTenant, null).statusCode()).isEqualTo(404);
    assertThat(dns.send("GET", "/records?namePrefix=" + name, otherTenant, null).body())
        .doesNotContain(name);
    String viewer = TestTokens.token("vic", "tenant-a", Role.VIEWER);
    assertThat(dns.send("GET", "/records/" + id, viewer, null).statusCode()).isEqualTo(200);
    HttpResponse<String> forbidden = dns.send("DELETE", "/records/" + id, viewer, null);
    assertThat(forbidden.statusCode()).isEqualTo(403);
    assertProblem(forbidden, "forbidden");
  }

  @Test
  void listsPageByCursorWithFilters() {
    String prefix = "page-" + System.nanoTime();
    for (int i = 0; i < 5; i++) {
      dns.create(DEV_A, prefix + "-" + i + "." + DnsFixture.ZONE, "A", "10.0.4." + (i + 1));
    }
    String first =
        dns.send("GET", "/records?namePrefix=" + prefix + "&type=A&limit=3", DEV_A, null).body();
    assertThat(first.split("\"name\":\"" + prefix, -1)).hasSize(4);
    String cursor = first.replaceAll(".*\"nextCursor\":\"(\\d+)\".*", "$1");
    String second =
        dns.send(
                "GET",
                "/records?namePrefix=" + prefix + "&cursor=" + cursor + "&limit=3",
                DEV_A,
                null)
            .body();
    assertThat(second.split("\"name\":\"" + prefix, -1)).hasSize(3);
    assertThat(second).contains("\"nextCursor\":null");
  }

  @Test
  void wrongTsigKeyIsAFailedSyncWithTheReasonAndNothingIsLost() {
    jdbc.update("UPDATE dns_zone SET tsig_key = 'wrong-key' WHERE name = ?", DnsFixture.ZONE);
    try {
      String name = DnsFixture.uniqueName("tsig");
      long id = dns.create(DEV_A, name, "A", "10.0.5.1");
      await().atMost(LIMIT).until(() -> dns.syncStatus(id).equals("FAILED"));
      assertThat(dns.send("GET", "/records/" + id, ADMIN, null).body())
          .contains("BIND refused the update")
          .contains("TSIG");
      assertThat(answer(name, DnsFixture.A)).isEmpty();
      jdbc.update("UPDATE dns_zone SET tsig_key = 'platform-key' WHERE name = ?", DnsFixture.ZONE);
      await().atMost(LIMIT).until(() -> answer(name, DnsFixture.A).equals(List.of("10.0.5.1")));
      await().atMost(LIMIT).until(() -> dns.syncStatus(id).equals("APPLIED"));
    } finally {
      jdbc.update("UPDATE dns_zone SET tsig_key = 'platform-key' WHERE name = ?", DnsFixture.ZONE);
    }
  }

  @Test
  void setChangedDirectlyInBindIsRepairedByDriftRepair() {
    String name = DnsFixture.uniqueName("drift");
    long id = dns.create(DEV_A, name, "A", "10.0.6.1");
    await().atMost(LIMIT).until(() -> dns.syncStatus(id).equals("APPLIED"));
    DnsFixture.changeBehindThePlatform(name, DnsFixture.A, "192.0.2.66");
    assertThat(answer(name, DnsFixture.A)).containsExactly("192.0.2.66");

    HttpResponse<String> report =
        dns.send("POST", "/zones/" + DnsFixture.ZONE + "/drift-repair", ADMIN, null);
    assertThat(report.statusCode()).as(report.body()).isEqualTo(200);
    assertThat(report.body()).contains(name + " A");
    await().atMost(LIMIT).until(() -> answer(name, DnsFixture.A).equals(List.of("10.0.6.1")));
  }

  @Test
  void setCreatedInBindByHandIsNeitherOverwrittenNorRepaired() {
    String name = DnsFixture.uniqueName("foreign");
    DnsFixture.changeBehindThePlatform(name, DnsFixture.A, "192.0.2.7");
    long id = dns.create(DEV_A, name, "A", "10.0.7.1");
    await().atMost(LIMIT).until(() -> dns.syncStatus(id).equals("FAILED"));
    assertThat(dns.send("GET", "/records/" + id, ADMIN, null).body())
        .contains("changed outside the platform");
    String report =
        dns.send("POST", "/zones/" + DnsFixture.ZONE + "/drift-repair", ADMIN, null).body();
    assertThat(report).contains("\"conflicts\":[").contains(name + " A");
    assertThat(answer(name, DnsFixture.A)).containsExactly("192.0.2.7");
  }
}
