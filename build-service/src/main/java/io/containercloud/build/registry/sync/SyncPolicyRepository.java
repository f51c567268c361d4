package io.containercloud.build.registry.sync;

import io.containercloud.build.SpecTable;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** The sync policies of every tenant. */
@Repository
class SyncPolicyRepository {

  private final JdbcTemplate jdbc;
  private final SpecTable table;
  private final JsonMapper json;

  SyncPolicyRepository(JdbcTemplate jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.table =
        new SpecTable(
            jdbc,
            json,
            "sync_policy",
            "id, tenant, name, spec, version, last_run_at, created_at, updated_at");
    this.json = json;
  }

  /** False when the tenant has a policy of that name. */
  boolean insert(String tenant, String name, SyncPolicySpec spec) {
    return table.insert(tenant, name, spec);
  }

  Optional<SyncPolicy> find(String tenant, String name) {
    return table.find(tenant, name, this::map);
  }

  Optional<SyncPolicy> find(long id) {
    return table.find(id, this::map);
  }

  /** Every policy of {@code tenant}, or of all tenants when null. */
  List<SyncPolicy> list(String tenant) {
    return table.list(tenant, this::map);
  }

  /** False when {@code version} is no longer current. */
  boolean update(long id, long version, SyncPolicySpec spec) {
    return table.update(id, version, spec);
  }

  /** False when {@code version} is no longer current. */
  boolean delete(long id, long version) {
    return table.delete(id, version);
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
