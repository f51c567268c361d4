package io.containercloud.cluster.shell;

import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.Topic;
import io.containercloud.common.event.contract.AuditFacts;
import io.containercloud.common.outbox.Outbox;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Stores shell sessions for replay, and audits each command line through the outbox. */
@Repository
class ShellSessions {

  /** Who opened a shell where. */
  record Session(
      String id,
      String user,
      String tenant,
      String cluster,
      String namespace,
      String pod,
      String container,
      Instant startedAt,
      Instant endedAt) {}

  /** One piece of a session: typed ({@code i}) or printed ({@code o}, {@code e}). */
  record Entry(int seq, long offsetMillis, String stream, String data) {}

  private final JdbcTemplate jdbc;
  private final TransactionTemplate tx;
  private final Outbox outbox;
  private final JsonMapper json;

  ShellSessions(JdbcTemplate jdbc, TransactionTemplate tx, Outbox outbox, JsonMapper json) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.outbox = outbox;
    this.json = json;
  }

  void open(Session session) {
    jdbc.update(
        "INSERT INTO shell_session (id, user_name, tenant, cluster, namespace, pod, container,"
            + " started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        session.id(),
        session.user(),
        session.tenant(),
        session.cluster(),
        session.namespace(),
        session.pod(),
        session.container(),
        Timestamp.from(session.startedAt()));
  }

  void close(String id, Instant at) {
    jdbc.update(
        "UPDATE shell_session SET ended_at = ? WHERE id = ? AND ended_at IS NULL",
        Timestamp.from(at),
        id);
  }

  void record(String id, int seq, long offsetMillis, String stream, String data) {
    jdbc.update(
        "INSERT INTO shell_record (session_id, seq, offset_ms, stream, data) VALUES (?, ?, ?, ?, ?)",
        id,
        seq,
        offsetMillis,
        stream,
        data);
  }

  /** Records typed input and audits its complete command lines, together. */
  void typed(Session session, int seq, long offsetMillis, String data, List<String> commands) {
    tx.executeWithoutResult(
        status -> {
          record(session.id(), seq, offsetMillis, "i", data);
          for (String command : commands) {
            ObjectNode event = json.createObjectNode();
            event
                .put("user", session.user())
                .put("tenant", session.tenant())
                .put("cluster", session.cluster())
                .put("namespace", session.namespace())
                .put("pod", session.pod())
                .put("container", session.container())
                .put("command", command)
                .put("sessionId", session.id())
                .put("time", session.startedAt().plusMillis(offsetMillis).toString())
                .put("service", "cluster-service")
                .put(
                    "targetId",
                    session.cluster() + "/" + session.namespace() + "/" + session.pod());
            outbox.append(
                Topic.AUDIT_EVENTS,
                session.tenant(),
                CloudEvent.of(
                    "/cluster-service",
                    AuditFacts.Type.SHELL_COMMAND,
                    session.id(),
                    session.tenant(),
                    event));
          }
        });
  }

  Optional<Session> find(String id) {
    return jdbc
        .query(
            "SELECT id, user_name, tenant, cluster, namespace, pod, container, started_at, ended_at"
                + " FROM shell_session WHERE id = ?",
            this::session,
            id)
        .stream()
        .findFirst();
  }

  /** Sessions of a tenant (all tenants when null), newest first. */
  List<Session> list(String tenant, int limit) {
    String where = tenant == null ? "" : " WHERE tenant = ?";
    Object[] args = tenant == null ? new Object[] {limit} : new Object[] {tenant, limit};
    return jdbc.query(
        "SELECT id, user_name, tenant, cluster, namespace, pod, container, started_at, ended_at"
            + " FROM shell_session"
            + where
            + " ORDER BY started_at DESC LIMIT ?",
        this::session,
        args);
  }

  private Session session(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
    Timestamp ended = rs.getTimestamp("ended_at");
    return new Session(
        rs.getString("id"),
        rs.getString("user_name"),
        rs.getString("tenant"),
        rs.getString("cluster"),
        rs.getString("namespace"),
        rs.getString("pod"),
        rs.getString("container"),
        rs.getTimestamp("started_at").toInstant(),
        ended == null ? null : ended.toInstant());
  }

  List<Entry> entries(String id) {
    return jdbc.query(
        "SELECT seq, offset_ms, stream, data FROM shell_record WHERE session_id = ? ORDER BY seq",
        (rs, row) ->
            new Entry(
                rs.getInt("seq"),
                rs.getLong("offset_ms"),
                rs.getString("stream"),
                rs.getString("data")),
        id);
  }
}
