package io.containercloud.common.idempotency;

import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The {@code idempotency_key} table: one stored outcome per tenant and key, written in the same
 * database transaction as the write, which the attempt joins.
 */
public final class IdempotencyKeys implements IdempotencyStore {

  private final JdbcTemplate jdbc;
  private final TransactionTemplate tx;

  /**
   * @param tx the transactions the service's own writes join (its {@code DataSource}'s)
   */
  public IdempotencyKeys(JdbcTemplate jdbc, TransactionTemplate tx) {
    this.jdbc = jdbc;
    this.tx = tx;
  }

  @Override
  public void execute(
      String tenant, String key, String fingerprint, String method, Attempt attempt) {
    try {
      tx.executeWithoutResult(
          status -> {
            Stored outcome;
            try {
              outcome = attempt.run();
            } catch (RuntimeException e) {
              throw e;
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
            if (outcome == null) {
              status.setRollbackOnly(); // refused or failed: nothing to keep, nothing kept
              return;
            }
            store(tenant, key, outcome);
          });
    } catch (DuplicateKeyException e) {
      throw new KeyTakenException(e);
    }
  }

  @Override
  public Optional<Stored> find(String tenant, String key) {
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
  private void store(String tenant, String key, Stored outcome) {
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

  @Override
  public int expire() {
    return jdbc.update(
        "DELETE FROM idempotency_key WHERE created_at <= NOW(3) - INTERVAL 1 DAY LIMIT 1000");
  }
}
