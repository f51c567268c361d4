package io.containercloud.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.common.security.Role;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestTokens;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * 100,000 records of 2 KB (over 200 MB as text) exported while this JVM, service included, runs
 * with a 192 MB heap (failsafe argLine): the export can only succeed if it streams.
 */
@ServiceIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditExportIT {

  private static final int RECORDS = 100_000;
  private static final String ADMIN = TestTokens.token("root", "platform", Role.PLATFORM_ADMIN);

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  AuditFixture audit;
  String tenant;

  @BeforeAll
  void bulkChain() {
    audit = new AuditFixture(port, jdbc);
    tenant = AuditFixture.uniqueTenant();
    audit.chain(tenant, RECORDS, 2_000, Instant.now().minusSeconds(200_000));
  }

  @Test
  void ndjsonExportStreamsEveryRecord() throws Exception {
    HttpResponse<InputStream> response =
        audit.stream("/records/export?format=ndjson&tenant=" + tenant, ADMIN);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).contains("ndjson"));
    long lines = 0;
    String last = null;
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      for (String line; (line = reader.readLine()) != null; ) {
        lines++;
        last = line;
      }
    }
    assertThat(lines).isEqualTo(RECORDS);
    assertThat(last).contains("\"seq\":" + RECORDS);
  }

  @Test
  void csvExportStreamsEveryRecordWithAHeader() throws Exception {
    HttpResponse<InputStream> response =
        audit.stream("/records/export?format=csv&tenant=" + tenant, ADMIN);
    assertThat(response.statusCode()).isEqualTo(200);
    long lines = 0;
    String header;
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      header = reader.readLine();
      while (reader.readLine() != null) {
        lines++;
      }
    }
    assertThat(header).startsWith("id,tenant,seq,");
    assertThat(lines).isEqualTo(RECORDS);
  }

  @Test
  void theBulkChainVerifies() {
    assertThat(audit.get("/chains/" + tenant + "/verify", ADMIN).body())
        .contains("\"checked\":" + RECORDS, "\"intact\":true");
  }
}
