package io.containercloud.audit.query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a query or an export selects; null fields do not filter. Builds its SQL from fixed fragments
 * only: every value travels as a bind parameter.
 */
record AuditFilter(
    String tenant,
    String user,
    Instant from,
    Instant to,
    String service,
    String method,
    Integer status,
    String targetId,
    String text) {

  /** The WHERE clause (starting with " WHERE 1 = 1") and its arguments, in order. */
  Where where() {
    StringBuilder sql = new StringBuilder(" WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    add(sql, args, " AND tenant = ?", tenant);
    add(sql, args, " AND actor = ?", user);
    add(
        sql,
        args,
        " AND occurred_at >= ?",
        from == null ? null : java.time.LocalDateTime.ofInstant(from, java.time.ZoneOffset.UTC));
    add(
        sql,
        args,
        " AND occurred_at < ?",
        to == null ? null : java.time.LocalDateTime.ofInstant(to, java.time.ZoneOffset.UTC));
    add(sql, args, " AND service = ?", service);
    add(sql, args, " AND method = ?", method);
    add(sql, args, " AND status = ?", status);
    add(sql, args, " AND target_id = ?", targetId);
    if (text != null) {
      sql.append(" AND (payload LIKE ? ESCAPE '!' OR action LIKE ? ESCAPE '!')");
      String pattern = "%" + text.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
      args.add(pattern);
      args.add(pattern);
    }
    return new Where(sql.toString(), args);
  }

  private static void add(StringBuilder sql, List<Object> args, String fragment, Object value) {
    if (value != null) {
      sql.append(fragment);
      args.add(value);
    }
  }

  record Where(String sql, List<Object> args) {}
}
