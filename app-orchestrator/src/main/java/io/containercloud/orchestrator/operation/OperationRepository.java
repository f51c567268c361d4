package io.containercloud.orchestrator.operation;

import io.containercloud.orchestrator.operation.model.Action;
import io.containercloud.orchestrator.operation.model.Operation;
import io.containercloud.orchestrator.operation.model.Planner;
import io.containercloud.orchestrator.operation.model.State;
import io.containercloud.orchestrator.operation.model.Step;
import io.containercloud.orchestrator.operation.model.StepAction;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;

/** Operations, their steps and their progress events in MariaDB. */
@Repository
class OperationRepository {

  private static final String COLUMNS =
      "id, application_id, tenant, application, action, application_version, state,"
          + " requested_by, cause, cancel_requested, waiting_for, error, created_at, started_at,"
          + " finished_at";
  private static final String STEP_COLUMNS =
      "operation_id, seq, layer, service, workload, action, state, calls, expected_version,"
          + " result_version, readiness, reason, started_at, finished_at, deadline";

  /** One progress event, as SSE sends it. */
  record Event(long operationId, int seq, String type, String data) {}

  private final JdbcTemplate jdbc;

  OperationRepository(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  long insert(
      long applicationId,
      String tenant,
      String application,
      Action action,
      long version,
      String requestedBy,
      String cause,
      List<Planner.Planned> steps) {
    GeneratedKeyHolder key = new GeneratedKeyHolder();
    jdbc.update(
        connection -> {
          var statement =
              connection.prepareStatement(
                  "INSERT INTO operation (application_id, tenant, application, action,"
                      + " application_version, state, requested_by, cause)"
                      + " VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)",
                  new String[] {"id"});
          statement.setLong(1, applicationId);
          statement.setString(2, tenant);
          statement.setString(3, application);
          statement.setString(4, action.value());
          statement.setLong(5, version);
          statement.setString(6, requestedBy);
          statement.setString(7, cause.length() > 255 ? cause.substring(0, 255) : cause);
          return statement;
        },
        key);
    long id = key.getKey().longValue();
    jdbc.batchUpdate(
        "INSERT INTO operation_step (operation_id, seq, layer, service, workload, action, state)"
            + " VALUES (?, ?, ?, ?, ?, ?, 'pending')",
        steps.stream()
            .map(
                s ->
                    new Object[] {
                      id, s.seq(), s.layer(), s.service(), s.workload(), s.action().value()
                    })
            .toList());
    return id;
  }

  Optional<Operation> find(long id) {
    return jdbc.query("SELECT " + COLUMNS + " FROM operation WHERE id = ?", this::row, id).stream()
        .findFirst()
        .map(this::withSteps);
  }

  /** The application's operations, newest first. */
  List<Operation> list(long applicationId, int limit) {
    return jdbc
        .query(
            "SELECT "
                + COLUMNS
                + " FROM operation WHERE application_id = ?"
                + " ORDER BY id DESC LIMIT ?",
            this::row,
            applicationId,
            limit)
        .stream()
        .map(this::withSteps)
        .toList();
  }

  /** The application's operation that is pending or running, the oldest first. */
  Optional<Operation> active(long applicationId) {
    return jdbc
        .query(
            "SELECT "
                + COLUMNS
                + " FROM operation WHERE application_id = ?"
                + " AND state IN ('pending', 'running') ORDER BY id LIMIT 1",
            this::row,
            applicationId)
        .stream()
        .findFirst();
  }

  /** Every pending or running operation's id. */
  List<Long> activeIds() {
    return jdbc.queryForList(
        "SELECT id FROM operation WHERE state IN ('pending', 'running') ORDER BY id", Long.class);
  }

  /** The application's pending operations' ids. */
  List<Long> pendingIds(long applicationId) {
    return jdbc.queryForList(
        "SELECT id FROM operation WHERE application_id = ? AND state = 'pending' ORDER BY id",
        Long.class,
        applicationId);
  }

  /** Whether another operation of the application runs (a queued one waits for it). */
  boolean anotherRuns(long applicationId, long id) {
    return jdbc.queryForObject(
            "SELECT COUNT(*) FROM operation WHERE application_id = ? AND id <> ?"
                + " AND state = 'running'",
            Integer.class,
            applicationId,
            id)
        > 0;
  }

  void start(long id) {
    jdbc.update(
        "UPDATE operation SET state = 'running', started_at = CURRENT_TIMESTAMP(6)"
            + " WHERE id = ? AND state = 'pending'",
        id);
  }

  void finish(long id, State state, String error) {
    jdbc.update(
        "UPDATE operation SET state = ?, error = ?, waiting_for = NULL,"
            + " finished_at = CURRENT_TIMESTAMP(6) WHERE id = ?",
        state.value(),
        bounded(error),
        id);
  }

  /** Whether the cancel was recorded (false: the operation had already ended). */
  boolean requestCancel(long id) {
    return jdbc.update(
            "UPDATE operation SET cancel_requested = TRUE"
                + " WHERE id = ? AND state IN ('pending', 'running')",
            id)
        == 1;
  }

  void waitingFor(long id, String why) {
    jdbc.update(
        "UPDATE operation SET waiting_for = ? WHERE id = ? AND NOT (waiting_for <=> ?)",
        bounded(why),
        id,
        bounded(why));
  }

  /** The step runs from now, and fails unless done within {@code timeout}. */
  void startStep(long id, int seq, Duration timeout) {
    jdbc.update(
        "UPDATE operation_step SET state = 'running', started_at = CURRENT_TIMESTAMP(6),"
            + " deadline = TIMESTAMPADD(MICROSECOND, ?, CURRENT_TIMESTAMP(6))"
            + " WHERE operation_id = ? AND seq = ? AND state = 'pending'",
        timeout.toNanos() / 1000,
        id,
        seq);
  }

  /** A change is about to be sent: its number (the idempotency key's) and the version it names. */
  void recordCall(long id, int seq, int calls, Long expectedVersion) {
    jdbc.update(
        "UPDATE operation_step SET calls = ?, expected_version = ?"
            + " WHERE operation_id = ? AND seq = ?",
        calls,
        expectedVersion,
        id,
        seq);
  }

  void recordResult(long id, int seq, long resultVersion) {
    jdbc.update(
        "UPDATE operation_step SET result_version = ? WHERE operation_id = ? AND seq = ?",
        resultVersion,
        id,
        seq);
  }

  void recordReadiness(long id, int seq, String readiness) {
    jdbc.update(
        "UPDATE operation_step SET readiness = ? WHERE operation_id = ? AND seq = ?",
        readiness,
        id,
        seq);
  }

  void finishStep(long id, int seq, State state, String reason) {
    jdbc.update(
        "UPDATE operation_step SET state = ?, reason = ?, finished_at = CURRENT_TIMESTAMP(6)"
            + " WHERE operation_id = ? AND seq = ? AND state IN ('pending', 'running')",
        state.value(),
        bounded(reason),
        id,
        seq);
  }

  /** Steps that never started end cancelled, with why. */
  void cancelPending(long id, String reason) {
    jdbc.update(
        "UPDATE operation_step SET state = 'cancelled', reason = ?"
            + " WHERE operation_id = ? AND state = 'pending'",
        bounded(reason),
        id);
  }

  /**
   * Appends a progress event after the operation's last one: its sequence number (the SSE id) is
   * found by the same statement.
   */
  void appendEvent(long id, String type, String data) {
    jdbc.update(
        "INSERT INTO operation_event (operation_id, seq, type, data)"
            + " SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ? FROM operation_event WHERE operation_id = ?",
        id,
        type,
        data,
        id);
  }

  List<Event> eventsAfter(long id, int seq) {
    return jdbc.query(
        "SELECT operation_id, seq, type, data FROM operation_event"
            + " WHERE operation_id = ? AND seq > ? ORDER BY seq",
        (rs, n) -> new Event(rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getString(4)),
        id,
        seq);
  }

  private Operation withSteps(Operation operation) {
    List<Step> steps =
        jdbc.query(
            "SELECT " + STEP_COLUMNS + " FROM operation_step WHERE operation_id = ? ORDER BY seq",
            OperationRepository::step,
            operation.id());
    return new Operation(
        operation.id(),
        operation.applicationId(),
        operation.tenant(),
        operation.application(),
        operation.action(),
        operation.applicationVersion(),
        operation.state(),
        operation.requestedBy(),
        operation.cause(),
        operation.cancelRequested(),
        operation.waitingFor(),
        operation.error(),
        operation.createdAt(),
        operation.startedAt(),
        operation.finishedAt(),
        steps);
  }

  private Operation row(ResultSet rs, int n) throws SQLException {
    return new Operation(
        rs.getLong("id"),
        rs.getLong("application_id"),
        rs.getString("tenant"),
        rs.getString("application"),
        Action.valueOf(rs.getString("action").toUpperCase(Locale.ROOT)),
        rs.getLong("application_version"),
        state(rs.getString("state")),
        rs.getString("requested_by"),
        rs.getString("cause"),
        rs.getBoolean("cancel_requested"),
        rs.getString("waiting_for"),
        rs.getString("error"),
        instant(rs.getTimestamp("created_at")),
        instant(rs.getTimestamp("started_at")),
        instant(rs.getTimestamp("finished_at")),
        List.of());
  }

  private static Step step(ResultSet rs, int n) throws SQLException {
    return new Step(
        rs.getLong("operation_id"),
        rs.getInt("seq"),
        rs.getInt("layer"),
        rs.getString("service"),
        rs.getString("workload"),
        StepAction.valueOf(rs.getString("action").toUpperCase(Locale.ROOT)),
        state(rs.getString("state")),
        rs.getInt("calls"),
        (Long) rs.getObject("expected_version", Long.class),
        (Long) rs.getObject("result_version", Long.class),
        rs.getString("readiness"),
        rs.getString("reason"),
        instant(rs.getTimestamp("started_at")),
        instant(rs.getTimestamp("finished_at")),
        instant(rs.getTimestamp("deadline")));
  }

  private static State state(String value) {
    return State.valueOf(value.toUpperCase(Locale.ROOT));
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }

  private static String bounded(String text) {
    return text == null || text.length() <= 1024 ? text : text.substring(0, 1024);
  }
}
