package io.containercloud.audit.query;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** One record as the API shows it; {@code payload} is the recorded JSON text. */
record AuditView(
    long id,
    String tenant,
    long seq,
    Instant occurredAt,
    String user,
    String action,
    String service,
    String method,
    Integer status,
    String targetId,
    String payload,
    String hash) {

  static AuditView of(ResultSet rs) throws SQLException {
    return new AuditView(
        rs.getLong("id"),
        rs.getString("tenant"),
        rs.getLong("chain_seq"),
        rs.getObject("occurred_at", LocalDateTime.class).toInstant(ZoneOffset.UTC),
        rs.getString("actor"),
        rs.getString("action"),
        rs.getString("service"),
        rs.getString("method"),
        rs.getObject("status", Integer.class),
        rs.getString("target_id"),
        rs.getString("payload"),
        rs.getString("hash"));
  }
}
