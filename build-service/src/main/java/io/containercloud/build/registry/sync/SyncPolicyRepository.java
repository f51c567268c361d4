package io.containercloud.build.registry.sync;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** The sync policies of every tenant. */
@Repository
class SyncPolicyRepository {

  private static final String COLUMNS =
      "id, tenant, name, spec, version, last_run_at, created_at, updated_at";

  private final JdbcTemplate jdbc;
  private final JsonMapper json;

  SyncPolicyRepository(JdbcTemplate jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /** False when the tenant has a policy of that name. */
  boolean insert(String tenant, String name, SyncPolicySpec spec) {
    try {
      jdbc.update(
          "INSERT INTO sync_policy (tenant, name, spec) VALUES (?, ?, ?)",
          tenant,
          name,
          json.writeValueAsString(spec));
      return true;
    } catch (DuplicateKeyException e) {
      return false;
    }
  }

  Optional<SyncPolicy> find(String tenant, String name) {
    return jdbc
        .query(
            "SELECT " + COLUMNS + " FROM sync_policy WHERE tenant = ? AND name = ?",
            this::map,
            tenant,
            name)
        .stream()
        .findFirst();
  }

  Optional<SyncPolicy> find(long id) {
    return jdbc
        .query("SELECT " + COLUMNS + " FROM sync_policy WHERE id = ?", this::map, id)
        .stream()
        .findFirst();
  }

  /** Every policy of {@code tenant}, or of all tenants when null. */
  List<SyncPolicy> list(String tenant) {
    return tenant == null
        ? jdbc.query("SELECT " + COLUMNS + " FROM sync_policy ORDER BY tenant, name", this::map)
        : jdbc.query(
            "SELECT " + COLUMNS + " FROM sync_policy WHERE tenant = ? ORDER BY name",
            this::map,
            tenant);
  }

  /** False when {@code version} is no longer current. */
  boolean update(long id, long version, SyncPolicySpec spec) {
    return jdbc.update(
            "UPDATE sync_policy SET spec = ?, version = version + 1 WHERE id = ? AND version = ?",
            json.writeValueAsString(spec),
            id,
            version)
        == 1;
  }

  /** False when {@code version} is no longer current. */
  boolean delete(long id, long version) {
    return jdbc.update("DELETE FROM sync_policy WHERE id = ? AND version = ?", id, version) == 1;
  }

  /**
   * Marks a scheduled run as started if no other instance did since {@code seen}: true for the one
   * instance that runs it.
   */
  boolean claimRun(long id, Instant seen, Instant now) {
    return jdbc.update(
            // updated_at says when the policy was changed, not when it ran
            "UPDATE sync_policy SET last_run_at = ?, updated_at = updated_at"
                + " WHERE id = ? AND (last_run_at <=> ?)",
            Timestamp.from(now),
            id,
            seen == null ? null : Timestamp.from(seen))
        == 1;
  }

  private SyncPolicy map(ResultSet rs, int row) throws SQLException {
    Timestamp lastRun = rs.getTimestamp("last_run_at");
    return new SyncPolicy(
        rs.getLong("id"),
        rs.getString("tenant"),
        rs.getString("name"),
        json.readValue(rs.getString("spec"), SyncPolicySpec.class),
        rs.getLong("version"),
        lastRun == null ? null : lastRun.toInstant(),
        rs.getTimestamp("created_at").toInstant(),
        rs.getTimestamp("updated_at").toInstant());
  }
}
