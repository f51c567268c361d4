package io.containercloud.audit;

import io.containercloud.audit.chain.AuditChain;
import io.containercloud.audit.chain.AuditEntry;
import io.containercloud.audit.chain.ChainHash;
import io.containercloud.common.testing.ServiceContract;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/** Builds chains directly in the database (fast, for volume) and reads the API over HTTP. */
final class AuditFixture {

  private final int port;
  private final JdbcTemplate jdbc;

  AuditFixture(int port, JdbcTemplate jdbc) {
    this.port = port;
    this.jdbc = jdbc;
  }

  static String uniqueTenant() {
    return "t-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Appends {@code count} valid records to a new tenant's chain, as the trail would, in bulk. */
  void chain(String tenant, int count, int payloadBytes, Instant firstAt) {
    String previous = ChainHash.GENESIS;
    String padding = "x".repeat(payloadBytes);
    List<Object[]> batch = new ArrayList<>();
    for (int seq = 1; seq <= count; seq++) {
      AuditEntry e =
          new AuditEntry(
              UUID.randomUUID().toString(),
              tenant,
              firstAt.plusSeconds(seq).truncatedTo(ChronoUnit.MICROS),
              "user-" + (seq % 3),
              "http.request",
              "dns-service",
              "POST",
              201,
              "record-" + seq,
              "{\"n\":" + seq + ",\"pad\":\"" + padding + "\"}");
      String hash = ChainHash.of(previous, seq, e);
      batch.add(
          new Object[] {
            e.eventId(),
            tenant,
            seq,
            AuditChain.sqlTime(e.occurredAt()),
            e.actor(),
            e.action(),
            e.service(),
            e.method(),
            e.status(),
            e.targetId(),
            e.payload(),
            previous,
            hash
          });
      previous = hash;
      if (batch.size() == 1000 || seq == count) {
        jdbc.batchUpdate(
            "INSERT INTO audit_record (event_id, tenant, chain_seq, occurred_at, actor, action, service, method,"
                + " status, target_id, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            batch);
        batch.clear();
      }
    }
    jdbc.update(
        "INSERT INTO audit_chain_head (tenant, last_seq, last_hash) VALUES (?, ?, ?)",
        tenant,
        count,
        previous);
  }

  HttpResponse<String> get(String path, String token) {
    return ServiceContract.get("http://127.0.0.1:" + port + path, token);
  }

  HttpResponse<java.io.InputStream> stream(String path, String token) throws Exception {
    return java.net.http.HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofMinutes(2))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
  }
}
