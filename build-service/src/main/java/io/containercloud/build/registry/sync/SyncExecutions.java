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

  // times are the database's own, to the microsecond: the MySQL driver takes MariaDB for a server
  // without fractional seconds and would cut bound timestamps to the second (a due item then
  // waits for the next poll)
  private static final String LATER = "TIMESTAMPADD(MICROSECOND, ?, CURRENT_TIMESTAMP(6))";

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

    /**
     * {@code planning} (its {@code error} says why a planning failed, tried again), {@code failed}
     * (items failed, tried again), {@code running} or {@code done} (its {@code error} then says
     * what the plan left out).
     */
    public String status() {
      if (plannedAt == null) {
        return "planning";
      }
      if (failed > 0) {
        return "failed";
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
                      + " planned_at) VALUES (?, ?, ?, ?, IF(?, CURRENT_TIMESTAMP(6), NULL))",
                  Statement.RETURN_GENERATED_KEYS);
          insert.setLong(1, policy.id());
          insert.setString(2, policy.tenant());
          insert.setString(3, policy.name());
          insert.setString(4, trigger.value());
          insert.setBoolean(5, items != null);
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

  /** Full syncs not planned yet whose (next) planning is due, oldest first. */
  List<Long> unplanned(int limit) {
    return jdbc.queryForList(
        "SELECT id FROM sync_execution WHERE planned_at IS NULL"
            + " AND next_plan_at <= CURRENT_TIMESTAMP(6) ORDER BY id LIMIT ?",
        Long.class,
        limit);
  }

  /**
   * Takes the planning of execution {@code id} for {@code lease} (another instance takes it after
   * that, should this one stop meanwhile); its policy, or empty when it is not due or taken.
   */
  Optional<Long> claimPlanning(long id, Duration lease) {
    if (jdbc.update(
            "UPDATE sync_execution SET next_plan_at = "
                + LATER
                + ", plan_attempts = plan_attempts + 1"
                + " WHERE id = ? AND planned_at IS NULL AND next_plan_at <= CURRENT_TIMESTAMP(6)",
            lease.toNanos() / 1000,
            id)
        != 1) {
      return Optional.empty();
    }
    return jdbc
        .queryForList("SELECT policy_id FROM sync_execution WHERE id = ?", Long.class, id)
        .stream()
        .findFirst();
  }

  /** How many times the planning of {@code id} was taken. */
  int planAttempts(long id) {
    return jdbc.queryForObject(
        "SELECT plan_attempts FROM sync_execution WHERE id = ?", Integer.class, id);
  }

  /**
   * The plan of {@code id}: its items, and what it could not do ({@code error}, or null); false
   * when another instance planned it first.
   */
  boolean planned(long id, List<NewItem> items, String error) {
    if (jdbc.update(
            "UPDATE sync_execution SET planned_at = CURRENT_TIMESTAMP(6), error = ?"
                + " WHERE id = ? AND planned_at IS NULL",
            cut(error),
            id)
        != 1) {
      return false;
    }
    add(id, items);
    return true;
  }

  /** The planning of {@code id} failed ({@code error}): tried again after {@code wait}. */
  void planLater(long id, String error, Duration wait) {
    jdbc.update(
        "UPDATE sync_execution SET error = ?, next_plan_at = "
            + LATER
            + " WHERE id = ? AND planned_at IS NULL",
        cut(error),
        wait.toNanos() / 1000,
        id);
  }

  /** Whether an execution of the policy is still planning or has items to do. */
  boolean unfinished(long policyId) {
    return Boolean.TRUE.equals(
        jdbc.queryForObject(
            "SELECT EXISTS (SELECT 1 FROM sync_execution e WHERE e.policy_id = ?"
                + " AND (e.planned_at IS NULL OR EXISTS (SELECT 1 FROM sync_item i"
                + " WHERE i.execution_id = e.id AND i.status IN ('PENDING', 'RUNNING'))))",
            Boolean.class,
            policyId));
  }

  /**
   * Takes up to {@code limit} items whose time has come (new ones, failed ones due for their next
   * try, and running ones whose instance let its lease end) for {@code runner} until {@code lease}
   * from now: no other instance gets them meanwhile.
   */
  List<SyncItem> claim(String runner, int limit, Duration lease) {
    List<Long> due =
        jdbc.queryForList(
            "SELECT id FROM sync_item WHERE (status IN ('PENDING', 'FAILED') AND next_attempt_at"
                + " <= CURRENT_TIMESTAMP(6)) OR (status = 'RUNNING' AND lease_until"
                + " < CURRENT_TIMESTAMP(6)) ORDER BY next_attempt_at, id LIMIT ?",
            Long.class,
            limit);
    if (due.isEmpty()) {
      return List.of();
    }
    String ids = String.join(",", Collections.nCopies(due.size(), "?"));
    List<Object> args = new ArrayList<>(List.of(runner, lease.toNanos() / 1000));
    args.addAll(due);
    jdbc.update(
        "UPDATE sync_item SET status = 'RUNNING', runner = ?, lease_until = "
            + LATER
            + " WHERE id IN ("
            + ids
            + ") AND (status IN ('PENDING', 'FAILED') OR (status = 'RUNNING'"
            + " AND lease_until < CURRENT_TIMESTAMP(6)))",
        args.toArray());
    List<Object> select = new ArrayList<>(List.of(runner));
    select.addAll(due);
    return jdbc.query(
        "SELECT "
            + ITEM_COLUMNS
            + " FROM sync_item i JOIN sync_execution e ON e.id = i.execution_id"
            + " WHERE i.runner = ? AND i.status = 'RUNNING' AND i.id IN ("
            + ids
            + ")",
        SyncExecutions::item,
        select.toArray());
  }

  /** Extends the lease of every item {@code runner} runs. */
  void renew(String runner, Duration lease) {
    jdbc.update(
        "UPDATE sync_item SET lease_until = " + LATER + " WHERE runner = ? AND status = 'RUNNING'",
        lease.toNanos() / 1000,
        runner);
  }

  /** Items {@code runner} was running when it stopped go back to the queue. */
  int release(String runner) {
    return jdbc.update(
        "UPDATE sync_item SET status = 'PENDING', runner = NULL, lease_until = NULL"
            + " WHERE runner = ? AND status = 'RUNNING'",
        runner);
  }

  /** Records how the item ended; false when it is no longer {@code runner}'s. */
  boolean done(
      SyncItem item,
      String runner,
      SyncItem.Status status,
      String digest,
      String reason,
      long bytes,
      Duration took) {
    return jdbc.update(
            "UPDATE sync_item SET status = ?, digest = ?, reason = ?, bytes = ?, duration_ms = ?,"
                + " attempts = attempts + 1, runner = NULL, lease_until = NULL"
                + " WHERE id = ? AND runner = ? AND status = 'RUNNING'",
            status.name(),
            digest,
            cut(reason),
            bytes,
            took.toMillis(),
            item.id(),
            runner)
        == 1;
  }

  /** False when the item is no longer this runner's (its lease ended): nothing is recorded. */
  boolean failed(SyncItem item, String runner, String reason, Duration took, Duration wait) {
    return jdbc.update(
            "UPDATE sync_item SET status = 'FAILED', reason = ?, duration_ms = ?,"
                + " attempts = attempts + 1, next_attempt_at = "
                + LATER
                + ", runner = NULL, lease_until = NULL WHERE id = ? AND runner = ? AND status = 'RUNNING'",
            cut(reason),
            took.toMillis(),
            wait.toNanos() / 1000,
            item.id(),
            runner)
        == 1;
  }

  private static String cut(String text) {
    return text == null || text.length() <= 1024 ? text : text.substring(0, 1024);
  }

  /**
   * Deletes executions made more than {@code retention} ago that are over (planned, and no item
   * left to copy or to try again), with their items; how many.
   */
  int prune(Duration retention) {
    return jdbc.update(
        "DELETE FROM sync_execution WHERE created_at < TIMESTAMPADD(MICROSECOND, ?,"
            + " CURRENT_TIMESTAMP(6)) AND planned_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM"
            + " sync_item i WHERE i.execution_id = sync_execution.id"
            + " AND i.status IN ('PENDING', 'RUNNING', 'FAILED')) LIMIT 1000",
        -retention.toNanos() / 1000);
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
