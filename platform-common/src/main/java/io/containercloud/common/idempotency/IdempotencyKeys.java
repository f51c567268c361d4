package io.containercloud.common.idempotency;

import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/** The {@code idempotency_key} table: one stored outcome per tenant and key. */
final class IdempotencyKeys {

  /** A write's outcome as the client first received it. */
  record Stored(String fingerprint, int status, String headers, byte[] body) {}

  private final JdbcTemplate jdbc;

  IdempotencyKeys(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  Optional<Stored> find(String tenant, String key) {
    return jdbc
        .query(
            "SELECT fingerprint, status, headers, body FROM idempotency_key"
                + " WHERE tenant = ? AND idem_key = ? AND created_at > NOW(3) - INTERVAL 1 DAY",
            (rs, n) ->
                new Stored(
                    rs.getString("fingerprint"),
                    rs.getInt("status"),
                    rs.getString("headers"),
                    rs.getBytes("body")),
            tenant,
            key)
        .stream()
        .findFirst();
  }

  /**
   * Records the outcome; called inside the write's own transaction. A concurrent request with the
   * same key waits on the row lock and then fails with a duplicate key (its write rolls back).
   */
  void store(String tenant, String key, Stored outcome) {
    jdbc.update(
        "DELETE FROM idempotency_key WHERE tenant = ? AND idem_key = ?"
            + " AND created_at <= NOW(3) - INTERVAL 1 DAY",
        tenant,
        key);
    jdbc.update(
        "INSERT INTO idempotency_key (tenant, idem_key, fingerprint, status, headers, body)"
            + " VALUES (?, ?, ?, ?, ?, ?)",
        tenant,
        key,
        outcome.fingerprint(),
        outcome.status(),
        outcome.headers(),
        outcome.body());
  }

  /** Forgets keys older than a day, a batch at a time. */
  int expire() {
    return jdbc.update(
        "DELETE FROM idempotency_key WHERE created_at <= NOW(3) - INTERVAL 1 DAY LIMIT 1000");
  }
}
