package io.containercloud.build.run;

import io.containercloud.build.configuration.model.ConfigurationSpec;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

@Repository
class BuildRepository {

  private static final String COLUMNS =
      "id, tenant, configuration, number, spec, status, trigger_type, requested_by, executor,"
          + " cancel_requested, commit_sha, image, digest, error, created_at, started_at,"
          + " finished_at";

  private final JdbcTemplate jdbc;
  private final JsonMapper json;

  BuildRepository(JdbcTemplate jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /**
   * A queued build with the configuration's next number; the caller's transaction serialises
   * numbering through the lock on the configuration's last build.
   */
  long insert(
      String tenant,
      String configuration,
      ConfigurationSpec spec,
      String trigger,
      String requestedBy,
      String executor) {
    Long last =
        jdbc.queryForObject(
            "SELECT MAX(number) FROM build WHERE tenant = ? AND configuration = ? FOR UPDATE",
            Long.class,
            tenant,
            configuration);
    long number = last == null ? 1 : last + 1;
    jdbc.update(
        "INSERT INTO build (tenant, configuration, number, spec, status, trigger_type,"
            + " requested_by, executor) VALUES (?, ?, ?, ?, 'QUEUED', ?, ?, ?)",
        tenant,
        configuration,
        number,
        json.writeValueAsString(spec),
        trigger,
        requestedBy,
        executor);
    return number;
  }

  Optional<Build> find(String tenant, String configuration, long number) {
    return one(
        "WHERE tenant = ? AND configuration = ? AND number = ?", tenant, configuration, number);
  }

  Optional<Build> find(long id) {
    return one("WHERE id = ?", id);
  }

  /** The newest builds of a tenant (all tenants when null), of one configuration when named. */
  List<Build> list(String tenant, String configuration, int limit) {
    StringBuilder where = new StringBuilder("WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (tenant != null) {
      where.append(" AND tenant = ?");
      args.add(tenant);
    }
    if (configuration != null) {
      where.append(" AND configuration = ?");
      args.add(configuration);
    }
    args.add(limit);
    return withSteps(
        jdbc.query(
            "SELECT " + COLUMNS + " FROM build " + where + " ORDER BY id DESC LIMIT ?",
            this::map,
            args.toArray()));
  }

  /**
   * Queued builds that may start now, oldest first: their configuration runs fewer than its {@code
   * maxConcurrent}.
   */
  List<Build> startable(int limit) {
    return withSteps(
        jdbc.query(
            "SELECT "
                + COLUMNS
                + " FROM build q WHERE status = 'QUEUED' AND (SELECT COUNT(*) FROM build r"
                + " WHERE r.tenant = q.tenant AND r.configuration = q.configuration"
                + " AND r.status = 'RUNNING') < JSON_VALUE(q.spec, '$.maxConcurrent')"
                + " ORDER BY id LIMIT ?",
            this::map,
            limit));
  }

  /**
   * Claims the builds still queued among {@code ids} for {@code runner} in one statement; those it
   * got (another instance may have taken some, or they were cancelled). Runner names are unique per
   * instance, and one instance claims from one thread, so its running builds among them are the
   * ones just claimed.
   */
  List<Long> claim(List<Long> ids, String runner) {
    if (ids.isEmpty()) {
      return List.of();
    }
    String in = String.join(",", Collections.nCopies(ids.size(), "?"));
    List<Object> args = new ArrayList<>();
    args.add(runner);
    args.addAll(ids);
    jdbc.update(
        "UPDATE build SET status = 'RUNNING', runner = ?, started_at = CURRENT_TIMESTAMP(6)"
            + " WHERE status = 'QUEUED' AND id IN ("
            + in
            + ")",
        args.toArray());
    args.add(runner);
    args.remove(0);
    return jdbc.queryForList(
        "SELECT id FROM build WHERE id IN (" + in + ") AND status = 'RUNNING' AND runner = ?",
        Long.class,
        args.toArray());
  }

  /** Asks a build to stop; true when it was queued or running. */
  boolean requestCancel(long id) {
    return jdbc.update(
            "UPDATE build SET cancel_requested = TRUE WHERE id = ? AND status IN"
                + " ('QUEUED', 'RUNNING')",
            id)
        == 1;
  }

  boolean cancelQueued(long id) {
    return jdbc.update(
            "UPDATE build SET status = 'CANCELLED', finished_at = CURRENT_TIMESTAMP(6)"
                + " WHERE id = ? AND status = 'QUEUED'",
            id)
        == 1;
  }

  boolean cancelRequested(long id) {
    return Boolean.TRUE.equals(
        jdbc.queryForObject("SELECT cancel_requested FROM build WHERE id = ?", Boolean.class, id));
  }

  void commit(long id, String sha, String image) {
    jdbc.update("UPDATE build SET commit_sha = ?, image = ? WHERE id = ?", sha, image, id);
  }

  /** Ends a running build; false when it was not running (so it ends once). */
  boolean finish(long id, Build.Status status, String digest, String error) {
    return jdbc.update(
            "UPDATE build SET status = ?, digest = ?, error = ?, finished_at ="
                + " CURRENT_TIMESTAMP(6) WHERE id = ? AND status = 'RUNNING'",
            status.name(),
            digest,
            error == null ? null : error.substring(0, Math.min(1024, error.length())),
            id)
        == 1;
  }

  /** The builds {@code runner} was running: it stopped before they ended. */
  List<Build> runningOn(String runner) {
    return withSteps(
        jdbc.query(
            "SELECT " + COLUMNS + " FROM build WHERE status = 'RUNNING' AND runner = ?",
            this::map,
            runner));
  }

  void stepStarted(long id, String step) {
    jdbc.update(
        "INSERT INTO build_step (build_id, step, status, started_at)"
            + " VALUES (?, ?, 'RUNNING', CURRENT_TIMESTAMP(6))",
        id,
        step);
  }

  void stepFinished(long id, String step, String status) {
    jdbc.update(
        "UPDATE build_step SET status = ?, finished_at = CURRENT_TIMESTAMP(6)"
            + " WHERE build_id = ? AND step = ? AND status = 'RUNNING'",
        status,
        id,
        step);
  }

  private Optional<Build> one(String where, Object... args) {
    return withSteps(jdbc.query("SELECT " + COLUMNS + " FROM build " + where, this::map, args))
        .stream()
        .findFirst();
  }

  private List<Build> withSteps(List<Build> builds) {
    if (builds.isEmpty()) {
      return builds;
    }
    Map<Long, List<Build.Step>> steps = new HashMap<>();
    String ids = String.join(",", builds.stream().map(b -> "?").toList());
    jdbc.query(
        "SELECT build_id, step, status, started_at, finished_at FROM build_step"
            + " WHERE build_id IN ("
            + ids
            + ") ORDER BY started_at",
        rs -> {
          steps
              .computeIfAbsent(rs.getLong("build_id"), k -> new ArrayList<>())
              .add(
                  new Build.Step(
                      rs.getString("step"),
                      rs.getString("status"),
                      instant(rs, "started_at"),
                      instant(rs, "finished_at")));
        },
        builds.stream().map(Build::id).toArray());
    return builds.stream()
        .map(
            b ->
                new Build(
                    b.id(),
                    b.tenant(),
                    b.configuration(),
                    b.number(),
                    b.spec(),
                    b.status(),
                    b.trigger(),
                    b.requestedBy(),
                    b.executor(),
                    b.cancelRequested(),
                    b.commitSha(),
                    b.image(),
                    b.digest(),
                    b.error(),
                    b.createdAt(),
                    b.startedAt(),
                    b.finishedAt(),
                    List.copyOf(steps.getOrDefault(b.id(), List.of()))))
        .toList();
  }

  private Build map(ResultSet rs, int row) throws SQLException {
    return new Build(
        rs.getLong("id"),
        rs.getString("tenant"),
        rs.getString("configuration"),
        rs.getLong("number"),
        json.readValue(rs.getString("spec"), ConfigurationSpec.class),
        Build.Status.valueOf(rs.getString("status")),
        rs.getString("trigger_type"),
        rs.getString("requested_by"),
        rs.getString("executor"),
        rs.getBoolean("cancel_requested"),
        rs.getString("commit_sha"),
        rs.getString("image"),
        rs.getString("digest"),
        rs.getString("error"),
        instant(rs, "created_at"),
        instant(rs, "started_at"),
        instant(rs, "finished_at"),
        List.of());
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp timestamp = rs.getTimestamp(column);
    return timestamp == null ? null : timestamp.toInstant();
  }
}
