package io.containercloud.build.registry.sync;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;

/** Executions of sync policies and their items: the queue the worker takes from, and the record. */
@Repository
class SyncExecutions {

  private static final String ITEM_COLUMNS =
      "i.id, i.execution_id, e.tenant, i.source, i.destination, i.repository, i.tag, i.action,"
          + " i.status, i.digest, i.reason, i.bytes, i.duration_ms, i.attempts, i.next_attempt_at";

  private final JdbcTemplate jdbc;

  SyncExecutions(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** An image to copy (or a tag to delete) at a destination, not queued yet. */
  record NewItem(
      String source,
      String destination,
      String repository,
      String tag,
      SyncItem.Action action,
      String digest) {}

  /** An execution as the API shows it, with what its items came to. */
  record Execution(
      long id,
      String tenant,
      String policy,
      SyncPolicySpec.Trigger trigger,
      Instant createdAt,
      Instant plannedAt,
      String error,
      int pending,
      int running,
      int copied,
      int skipped,
      int deleted,
      int failed,
      long bytes) {

    /** {@code planning}, {@code running}, {@code failed} (retrying what failed) or {@code done}. */
    public String status() {
      if (error != null || failed > 0) {
        return "failed";
      }
      if (plannedAt == null) {
        return "planning";
      }
      return pending + running > 0 ? "running" : "done";
    }
  }

  /** A new execution; with {@code items}, planned already (an event's), else planned later. */
  long create(SyncPolicy policy, SyncPolicySpec.Trigger trigger, List<NewItem> items) {
    GeneratedKeyHolder key = new GeneratedKeyHolder();
    jdbc.update(
        c -> {
          PreparedStatement insert =
              c.prepareStatement(
                  "INSERT INTO sync_execution (policy_id, tenant, policy, policy_trigger,"
                      + " planned_at) VALUES (?, ?, ?, ?, ?)",
                  Statement.RETURN_GENERATED_KEYS);
          insert.setLong(1, policy.id());
          insert.setString(2, policy.tenant());
          insert.setString(3, policy.name());
          insert.setString(4, trigger.value());
          insert.setTimestamp(5, items == null ? null : Timestamp.from(Instant.now()));
          return insert;
        },
        key);
    long id = key.getKey().longValue();
    if (items != null) {
      add(id, items);
    }
    return id;
  }

  void add(long executionId, List<NewItem> items) {
    jdbc.batchUpdate(
        "INSERT INTO sync_item (execution_id, source, destination, repository, tag, action,"
            + " status, digest) VALUES (?, ?, ?, ?, ?, ?, 'PENDING', ?)",
        items,
        500,
        (ps, item) -> {
          ps.setLong(1, executionId);
          ps.setString(2, item.source());
          ps.setString(3, item.destination());
          ps.setString(4, item.repository());
          ps.setString(5, item.tag());
          ps.setString(6, item.action().name());
          ps.setString(7, item.digest());
        });
  }

  /** The executions of full syncs not planned yet, oldest first. */
  List<Long> unplanned(int limit) {
    return jdbc.queryForList(
        "SELECT id FROM sync_execution WHERE planned_at IS NULL ORDER BY id LIMIT ?",
        Long.class,
        limit);
  }

  /** Locks an unplanned execution for its planning transaction; empty when planned already. */
  Optional<Long> lockUnplanned(long id) {
    return jdbc
        .queryForList(
            "SELECT policy_id FROM sync_execution WHERE id = ? AND planned_at IS NULL FOR UPDATE",
            Long.class,
            id)
        .stream()
        .findFirst();
  }

  void planned(long id, String error) {
    jdbc.update(
        "UPDATE sync_execution SET planned_at = ?, error = ? WHERE id = ?",
        Timestamp.from(Instant.now()),
        error,
        id);
  }

  /**
   * Takes up to {@code limit} items whose time has come (new ones, and failed ones due for their
   * next try) for {@code runner}: no other instance gets them.
   */
  List<SyncItem> claim(String runner, int limit) {
    List<Long> due =
        jdbc.queryForList(
            "SELECT id FROM sync_item WHERE status IN ('PENDING', 'FAILED')"
                + " AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
            Long.class,
            Timestamp.from(Instant.now()),
            limit);
    if (due.isEmpty()) {
      return List.of();
    }
    String ids = String.join(",", Collections.nCopies(due.size(), "?"));
    List<Object> args = new ArrayList<>(List.of(runner));
    args.addAll(due);
    jdbc.update(
        "UPDATE sync_item SET status = 'RUNNING', runner = ? WHERE id IN ("
            + ids
            + ") AND status IN ('PENDING', 'FAILED')",
        args.toArray());
    return jdbc.query(
        "SELECT "
            + ITEM_COLUMNS
            + " FROM sync_item i JOIN sync_execution e ON e.id = i.execution_id"
            + " WHERE i.runner = ? AND i.status = 'RUNNING' AND i.id IN ("
            + ids
            + ")",
        SyncExecutions::item,
        args.toArray());
  }

  /** Items {@code runner} was running when it stopped go back to the queue. */
  int release(String runner) {
    return jdbc.update(
        "UPDATE sync_item SET status = 'PENDING', runner = NULL"
            + " WHERE runner = ? AND status = 'RUNNING'",
        runner);
  }

  void done(SyncItem item, SyncItem.Status status, String digest, long bytes, Duration took) {
    jdbc.update(
        "UPDATE sync_item SET status = ?, digest = ?, reason = NULL, bytes = ?, duration_ms = ?,"
            + " attempts = attempts + 1, runner = NULL WHERE id = ?",
        status.name(),
        digest,
        bytes,
        took.toMillis(),
        item.id());
  }

  void failed(SyncItem item, String reason, Duration took, Instant nextAttempt) {
    jdbc.update(
        "UPDATE sync_item SET status = 'FAILED', reason = ?, duration_ms = ?,"
            + " attempts = attempts + 1, next_attempt_at = ?, runner = NULL WHERE id = ?",
        reason.length() > 1024 ? reason.substring(0, 1024) : reason,
        took.toMillis(),
        Timestamp.from(nextAttempt),
        item.id());
  }

  /** The latest executions of a policy, newest first. */
  List<Execution> executions(long policyId, int limit) {
    return executions("e.policy_id = ? GROUP BY e.id ORDER BY e.id DESC LIMIT ?", policyId, limit);
  }

  Optional<Execution> execution(long policyId, long id) {
    return executions("e.policy_id = ? AND e.id = ? GROUP BY e.id", policyId, id).stream()
        .findFirst();
  }

  private List<Execution> executions(String where, Object... args) {
    return jdbc.query(
        "SELECT e.id, e.tenant, e.policy, e.policy_trigger, e.created_at, e.planned_at, e.error,"
            + " SUM(i.status = 'PENDING') pending, SUM(i.status = 'RUNNING') running,"
            + " SUM(i.status = 'COPIED') copied, SUM(i.status = 'SKIPPED') skipped,"
            + " SUM(i.status = 'DELETED') deleted, SUM(i.status = 'FAILED') failed,"
            + " COALESCE(SUM(i.bytes), 0) bytes"
            + " FROM sync_execution e LEFT JOIN sync_item i ON i.execution_id = e.id WHERE "
            + where,
        (rs, row) ->
            new Execution(
                rs.getLong("id"),
                rs.getString("tenant"),
                rs.getString("policy"),
                SyncPolicySpec.Trigger.valueOf(
                    rs.getString("policy_trigger").toUpperCase(Locale.ROOT)),
                rs.getTimestamp("created_at").toInstant(),
                instant(rs.getTimestamp("planned_at")),
                rs.getString("error"),
                rs.getInt("pending"),
                rs.getInt("running"),
                rs.getInt("copied"),
                rs.getInt("skipped"),
                rs.getInt("deleted"),
                rs.getInt("failed"),
                rs.getLong("bytes")),
        args);
  }

  /** The items of execution {@code id} of {@code tenant}'s policy {@code policyId}. */
  List<SyncItem> items(long policyId, long id) {
    return jdbc.query(
        "SELECT "
            + ITEM_COLUMNS
            + " FROM sync_item i JOIN sync_execution e ON e.id = i.execution_id"
            + " WHERE e.policy_id = ? AND e.id = ? ORDER BY i.id",
        SyncExecutions::item,
        policyId,
        id);
  }

  private static SyncItem item(ResultSet rs, int row) throws SQLException {
    return new SyncItem(
        rs.getLong("id"),
        rs.getLong("execution_id"),
        rs.getString("tenant"),
        rs.getString("source"),
        rs.getString("destination"),
        rs.getString("repository"),
        rs.getString("tag"),
        SyncItem.Action.valueOf(rs.getString("action")),
        SyncItem.Status.valueOf(rs.getString("status")),
        rs.getString("digest"),
        rs.getString("reason"),
        rs.getLong("bytes"),
        rs.getLong("duration_ms"),
        rs.getInt("attempts"),
        rs.getTimestamp("next_attempt_at").toInstant());
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
