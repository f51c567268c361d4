package io.containercloud.build;

import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * A table of tenant-scoped, named specs kept as JSON with a version that every change raises (build
 * configurations, sync policies): the statements they share. The table and its columns are the
 * caller's constants, never a client's input.
 */
public final class SpecTable {

  private final JdbcTemplate jdbc;
  private final JsonMapper json;
  private final String table;
  private final String columns;

  /**
   * @param table a table with {@code id, tenant, name, spec, version} (unique tenant and name)
   * @param columns what the caller's row mapper reads
   */
  public SpecTable(JdbcTemplate jdbc, JsonMapper json, String table, String columns) {
    this.jdbc = jdbc;
    this.json = json;
    this.table = table;
    this.columns = columns;
  }

  /** False when the tenant has a spec of that name. */
  public boolean insert(String tenant, String name, Object spec) {
    try {
      jdbc.update(
          "INSERT INTO " + table + " (tenant, name, spec) VALUES (?, ?, ?)",
          tenant,
          name,
          json.writeValueAsString(spec));
      return true;
    } catch (DuplicateKeyException e) {
      return false;
    }
  }

  public <T> Optional<T> find(String tenant, String name, RowMapper<T> rows) {
    return jdbc
        .query(
            "SELECT " + columns + " FROM " + table + " WHERE tenant = ? AND name = ?",
            rows,
            tenant,
            name)
        .stream()
        .findFirst();
  }

  public <T> Optional<T> find(long id, RowMapper<T> rows) {
    return jdbc.query("SELECT " + columns + " FROM " + table + " WHERE id = ?", rows, id).stream()
        .findFirst();
  }

  /** Every spec of {@code tenant}, or of all tenants when null. */
  public <T> List<T> list(String tenant, RowMapper<T> rows) {
    return tenant == null
        ? jdbc.query("SELECT " + columns + " FROM " + table + " ORDER BY tenant, name", rows)
        : jdbc.query(
            "SELECT " + columns + " FROM " + table + " WHERE tenant = ? ORDER BY name",
            rows,
            tenant);
  }

  /** False when {@code version} is no longer current. */
  public boolean update(long id, long version, Object spec) {
    return jdbc.update(
            "UPDATE " + table + " SET spec = ?, version = version + 1 WHERE id = ? AND version = ?",
            json.writeValueAsString(spec),
            id,
            version)
        == 1;
  }

  /** False when {@code version} is no longer current. */
  public boolean delete(long id, long version) {
    return jdbc.update("DELETE FROM " + table + " WHERE id = ? AND version = ?", id, version) == 1;
  }
}
