package io.containercloud.build.configuration;

import io.containercloud.build.configuration.model.ConfigurationSpec;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

@Repository
public class ConfigurationRepository {

  private static final String COLUMNS = "id, tenant, name, spec, version, created_at, updated_at";

  private final JdbcTemplate jdbc;
  private final JsonMapper json;

  ConfigurationRepository(JdbcTemplate jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /** False when the tenant has a configuration of that name. */
  boolean insert(String tenant, String name, ConfigurationSpec spec) {
    try {
      jdbc.update(
          "INSERT INTO build_configuration (tenant, name, spec) VALUES (?, ?, ?)",
          tenant,
          name,
          json.writeValueAsString(spec));
      return true;
    } catch (DuplicateKeyException e) {
      return false;
    }
  }

  public Optional<Configuration> find(String tenant, String name) {
    return jdbc
        .query(
            "SELECT " + COLUMNS + " FROM build_configuration WHERE tenant = ? AND name = ?",
            this::map,
            tenant,
            name)
        .stream()
        .findFirst();
  }

  /** Every configuration of {@code tenant}, or of all tenants when null. */
  List<Configuration> list(String tenant) {
    return tenant == null
        ? jdbc.query(
            "SELECT " + COLUMNS + " FROM build_configuration ORDER BY tenant, name", this::map)
        : jdbc.query(
            "SELECT " + COLUMNS + " FROM build_configuration WHERE tenant = ? ORDER BY name",
            this::map,
            tenant);
  }

  /** False when {@code version} is no longer current. */
  boolean update(long id, long version, ConfigurationSpec spec) {
    return jdbc.update(
            "UPDATE build_configuration SET spec = ?, version = version + 1"
                + " WHERE id = ? AND version = ?",
            json.writeValueAsString(spec),
            id,
            version)
        == 1;
  }

  /** False when {@code version} is no longer current. */
  boolean delete(long id, long version) {
    return jdbc.update("DELETE FROM build_configuration WHERE id = ? AND version = ?", id, version)
        == 1;
  }

  private Configuration map(ResultSet rs, int row) throws SQLException {
    return new Configuration(
        rs.getLong("id"),
        rs.getString("tenant"),
        rs.getString("name"),
        json.readValue(rs.getString("spec"), ConfigurationSpec.class),
        rs.getLong("version"),
        rs.getTimestamp("created_at").toInstant(),
        rs.getTimestamp("updated_at").toInstant());
  }
}
