package io.containercloud.orchestrator.application;

import io.containercloud.orchestrator.application.model.AppService;
import io.containercloud.orchestrator.application.model.Application;
import io.containercloud.orchestrator.application.model.Definition;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Applications and their versions in MariaDB. */
@Repository
public class ApplicationRepository {

  private static final String COLUMNS =
      "id, tenant, name, description, services, version, created_at, updated_at, updated_by,"
          + " deleting";
  private static final TypeReference<List<AppService>> SERVICES = new TypeReference<>() {};

  /** One stored version of an application. */
  public record Version(
      long version, Definition definition, String changedBy, String cause, Instant changedAt) {}

  private final JdbcTemplate jdbc;
  private final JsonMapper json;

  ApplicationRepository(JdbcTemplate jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /** The new application's id (version 1, kept as history), or empty when the name is taken. */
  OptionalLong insert(String tenant, String name, Definition definition, String user) {
    GeneratedKeyHolder key = new GeneratedKeyHolder();
    try {
      jdbc.update(
          connection -> {
            var statement =
                connection.prepareStatement(
                    "INSERT INTO application (tenant, name, description, services, updated_by)"
                        + " VALUES (?, ?, ?, ?, ?)",
                    new String[] {"id"});
            statement.setString(1, tenant);
            statement.setString(2, name);
            statement.setString(3, definition.description());
            statement.setString(4, json.writeValueAsString(definition.services()));
            statement.setString(5, user);
            return statement;
          },
          key);
    } catch (DuplicateKeyException e) {
      return OptionalLong.empty();
    }
    long id = key.getKey().longValue();
    history(id, 1, definition, user, "created");
    return OptionalLong.of(id);
  }

  /**
   * Stores {@code definition} as the next version if the application is still at {@code version};
   * the new version, or empty when it moved on.
   */
  public OptionalLong update(
      long id, long version, Definition definition, String user, String cause) {
    int updated =
        jdbc.update(
            "UPDATE application SET description = ?, services = ?, version = version + 1,"
                + " updated_at = CURRENT_TIMESTAMP(6), updated_by = ?"
                + " WHERE id = ? AND version = ? AND NOT deleting",
            definition.description(),
            json.writeValueAsString(definition.services()),
            user,
            id,
            version);
    if (updated == 0) {
      return OptionalLong.empty();
    }
    history(id, version + 1, definition, user, cause);
    return OptionalLong.of(version + 1);
  }

  private void history(long id, long version, Definition definition, String user, String cause) {
    jdbc.update(
        "INSERT INTO application_version"
            + " (application_id, version, description, services, changed_by, cause)"
            + " VALUES (?, ?, ?, ?, ?, ?)",
        id,
        version,
        definition.description(),
        json.writeValueAsString(definition.services()),
        user,
        cause.length() > 255 ? cause.substring(0, 255) : cause);
  }

  public Optional<Application> find(String tenant, String name) {
    return one("WHERE tenant = ? AND name = ?", tenant, name);
  }

  public Optional<Application> find(long id) {
    return one("WHERE id = ?", id);
  }

  /** The application, its row locked until the transaction ends: one operation decision at once. */
  public Optional<Application> lock(long id) {
    return one("WHERE id = ? FOR UPDATE", id);
  }

  /** Every application of {@code tenant}, or of all tenants when null. */
  public List<Application> list(String tenant) {
    return tenant == null
        ? jdbc.query("SELECT " + COLUMNS + " FROM application ORDER BY tenant, name", this::row)
        : jdbc.query(
            "SELECT " + COLUMNS + " FROM application WHERE tenant = ? ORDER BY name",
            this::row,
            tenant);
  }

  List<Version> versions(long id) {
    return jdbc.query(
        "SELECT version, description, services, changed_by, cause, changed_at"
            + " FROM application_version WHERE application_id = ? ORDER BY version DESC",
        this::version,
        id);
  }

  public Optional<Version> version(long id, long version) {
    return jdbc
        .query(
            "SELECT version, description, services, changed_by, cause, changed_at"
                + " FROM application_version WHERE application_id = ? AND version = ?",
            this::version,
            id,
            version)
        .stream()
        .findFirst();
  }

  /** The names of every service any version of the application had. */
  public Set<String> servicesEver(long id) {
    Set<String> names = new HashSet<>();
    for (String services :
        jdbc.queryForList(
            "SELECT services FROM application_version WHERE application_id = ?",
            String.class,
            id)) {
      json.readValue(services, SERVICES).forEach(s -> names.add(s.name()));
    }
    return names;
  }

  public void markDeleting(long id) {
    jdbc.update("UPDATE application SET deleting = TRUE, version = version + 1 WHERE id = ?", id);
  }

  public void delete(long id) {
    jdbc.update("DELETE FROM application WHERE id = ?", id);
  }

  private Optional<Application> one(String where, Object... args) {
    return jdbc.query("SELECT " + COLUMNS + " FROM application " + where, this::row, args).stream()
        .findFirst();
  }

  private Application row(ResultSet rs, int n) throws SQLException {
    return new Application(
        rs.getLong("id"),
        rs.getString("tenant"),
        rs.getString("name"),
        new Definition(
            rs.getString("description"), json.readValue(rs.getString("services"), SERVICES)),
        rs.getLong("version"),
        instant(rs.getTimestamp("created_at")),
        instant(rs.getTimestamp("updated_at")),
        rs.getString("updated_by"),
        rs.getBoolean("deleting"));
  }

  private Version version(ResultSet rs, int n) throws SQLException {
    return new Version(
        rs.getLong("version"),
        new Definition(
            rs.getString("description"), json.readValue(rs.getString("services"), SERVICES)),
        rs.getString("changed_by"),
        rs.getString("cause"),
        instant(rs.getTimestamp("changed_at")));
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
