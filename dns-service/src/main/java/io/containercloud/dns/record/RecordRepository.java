package io.containercloud.dns.record;

import io.containercloud.dns.model.RecordSetSpec;
import io.containercloud.dns.model.RecordType;
import io.containercloud.dns.record.RecordSet.SyncStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Record sets in MySQL {@code dns}; values are JSON arrays of canonical strings. */
@Repository
public class RecordRepository {

  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private final JdbcTemplate jdbc;
  private final JsonMapper json;
  private final RowMapper<RecordSet> mapper = this::map;

  RecordRepository(JdbcTemplate jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /** Filters of the list view; null fields do not filter. */
  public record Filter(
      String zone, String namePrefix, RecordType type, String owner, String tenant) {}

  public Optional<RecordSet> find(long id) {
    return jdbc.query("SELECT * FROM dns_record_set WHERE id = ?", mapper, id).stream().findFirst();
  }

  /** Locks the set of this zone, name and type, if any, for the rest of the transaction. */
  Optional<RecordSet> lock(String zone, String name, RecordType type) {
    return jdbc
        .query(
            "SELECT * FROM dns_record_set WHERE zone = ? AND name = ? AND type = ? FOR UPDATE",
            mapper,
            zone,
            name,
            type.name())
        .stream()
        .findFirst();
  }

  /** Types held at a name (deletions pending excluded), for the CNAME rules. */
  List<RecordType> typesAt(String zone, String name) {
    return jdbc
        .queryForList(
            "SELECT type FROM dns_record_set WHERE zone = ? AND name = ? AND NOT deleted",
            String.class,
            zone,
            name)
        .stream()
        .map(RecordType::valueOf)
        .toList();
  }

  /** Locks every set of the zone, deletions pending included, for the rest of the transaction. */
  List<RecordSet> lockZone(String zone) {
    return jdbc.query(
        "SELECT * FROM dns_record_set WHERE zone = ? ORDER BY id FOR UPDATE", mapper, zone);
  }

  List<RecordSet> ownedBy(String owner) {
    return jdbc.query(
        "SELECT * FROM dns_record_set WHERE owner = ? AND NOT deleted FOR UPDATE", mapper, owner);
  }

  long insert(RecordSetSpec spec, String owner, String tenant) {
    GeneratedKeyHolder key = new GeneratedKeyHolder();
    jdbc.update(
        c -> {
          var ps =
              c.prepareStatement(
                  "INSERT INTO dns_record_set (zone, name, type, ttl, record_values, owner, tenant, version,"
                      + " sync_status) VALUES (?, ?, ?, ?, ?, ?, ?, 1, 'PENDING')",
                  new String[] {"id"});
          ps.setString(1, spec.zone());
          ps.setString(2, spec.name());
          ps.setString(3, spec.type().name());
          ps.setInt(4, spec.ttl());
          ps.setString(5, json.writeValueAsString(spec.values()));
          ps.setString(6, owner);
          ps.setString(7, tenant);
          return ps;
        },
        key);
    return key.getKey().longValue();
  }

  /** Sets new desired values (also revives a set whose deletion is pending). */
  void replace(long id, int ttl, List<String> values, String owner, String tenant) {
    jdbc.update(
        "UPDATE dns_record_set SET ttl = ?, record_values = ?, owner = ?, tenant = ?, deleted = FALSE,"
            + " version = version + 1, sync_status = 'PENDING', sync_error = NULL, attempts = 0,"
            + " next_attempt_at = CURRENT_TIMESTAMP(6) WHERE id = ?",
        ttl,
        json.writeValueAsString(values),
        owner,
        tenant,
        id);
  }

  void markDeleted(long id) {
    jdbc.update(
        "UPDATE dns_record_set SET record_values = JSON_ARRAY(), deleted = TRUE, version = version + 1,"
            + " sync_status = 'PENDING', sync_error = NULL, attempts = 0, next_attempt_at = CURRENT_TIMESTAMP(6)"
            + " WHERE id = ?",
        id);
  }

  /** Removes a set from the desired state at once, whatever BIND holds. */
  void remove(long id) {
    jdbc.update("DELETE FROM dns_record_set WHERE id = ?", id);
  }

  public List<RecordSet> page(Filter filter, long afterId, int limit) {
    StringBuilder sql = new StringBuilder("SELECT * FROM dns_record_set WHERE id > ?");
    List<Object> args = new ArrayList<>(List.of(afterId));
    if (filter.zone() != null) {
      sql.append(" AND zone = ?");
      args.add(filter.zone());
    }
    if (filter.namePrefix() != null) {
      sql.append(" AND name LIKE ?");
      args.add(
          filter.namePrefix().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
    }
    if (filter.type() != null) {
      sql.append(" AND type = ?");
      args.add(filter.type().name());
    }
    if (filter.owner() != null) {
      sql.append(" AND owner = ?");
      args.add(filter.owner());
    }
    if (filter.tenant() != null) {
      sql.append(" AND tenant = ?");
      args.add(filter.tenant());
    }
    sql.append(" ORDER BY id LIMIT ?");
    args.add(limit);
    return jdbc.query(sql.toString(), mapper, args.toArray());
  }

  /**
   * Claims the sets waiting for BIND, oldest first, for the rest of the transaction. Sets another
   * instance claimed are skipped, so two instances never push the same set at once.
   */
  public List<RecordSet> claimDue(int limit) {
    return jdbc.query(
        "SELECT * FROM dns_record_set WHERE sync_status <> 'APPLIED' AND next_attempt_at <= CURRENT_TIMESTAMP(6)"
            + " ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED",
        mapper,
        limit);
  }

  public List<RecordSet> inZone(String zone) {
    return jdbc.query("SELECT * FROM dns_record_set WHERE zone = ?", mapper, zone);
  }

  /**
   * Records that BIND now holds what {@code pushed} asked for. The set is applied only if nobody
   * changed it meanwhile; a set deleted and applied is removed.
   */
  public void markApplied(RecordSet pushed) {
    List<String> held = pushed.values().isEmpty() ? null : pushed.values();
    jdbc.update(
        "UPDATE dns_record_set SET applied_values = ?, applied_ttl = ?, applied_version = ?,"
            + " applied_at = CURRENT_TIMESTAMP(6),"
            + " sync_status = IF(version = ?, 'APPLIED', sync_status),"
            + " sync_error = IF(version = ?, NULL, sync_error), attempts = IF(version = ?, 0, attempts)"
            + " WHERE id = ?",
        held == null ? null : json.writeValueAsString(held),
        held == null ? null : pushed.ttl(),
        pushed.version(),
        pushed.version(),
        pushed.version(),
        pushed.version(),
        pushed.id());
    jdbc.update(
        "DELETE FROM dns_record_set WHERE id = ? AND deleted AND version = ?",
        pushed.id(),
        pushed.version());
  }

  public void markFailed(RecordSet pushed, String reason, Instant nextAttempt) {
    jdbc.update(
        "UPDATE dns_record_set SET sync_status = 'FAILED', sync_error = ?, attempts = attempts + 1,"
            + " next_attempt_at = ? WHERE id = ? AND version = ?",
        reason.length() > 1000 ? reason.substring(0, 1000) : reason,
        Timestamp.from(nextAttempt),
        pushed.id(),
        pushed.version());
  }

  /** What drift repair saw in BIND becomes the baseline the next push is guarded by. */
  public void markObserved(long id, List<String> observedValues, Integer observedTtl) {
    jdbc.update(
        "UPDATE dns_record_set SET applied_values = ?, applied_ttl = ?, sync_status = 'PENDING',"
            + " sync_error = NULL, attempts = 0, next_attempt_at = CURRENT_TIMESTAMP(6) WHERE id = ?",
        observedValues == null ? null : json.writeValueAsString(observedValues),
        observedTtl,
        id);
  }

  private RecordSet map(ResultSet rs, int row) throws SQLException {
    String applied = rs.getString("applied_values");
    Timestamp appliedAt = rs.getTimestamp("applied_at");
    Integer appliedTtl = rs.getObject("applied_ttl", Integer.class);
    return new RecordSet(
        rs.getLong("id"),
        rs.getString("zone"),
        rs.getString("name"),
        RecordType.valueOf(rs.getString("type")),
        rs.getInt("ttl"),
        json.readValue(rs.getString("record_values"), STRINGS),
        rs.getString("owner"),
        rs.getString("tenant"),
        rs.getLong("version"),
        rs.getBoolean("deleted"),
        applied == null ? null : json.readValue(applied, STRINGS),
        appliedTtl,
        rs.getLong("applied_version"),
        appliedAt == null ? null : appliedAt.toInstant(),
        SyncStatus.valueOf(rs.getString("sync_status")),
        rs.getString("sync_error"),
        rs.getInt("attempts"));
  }
}
