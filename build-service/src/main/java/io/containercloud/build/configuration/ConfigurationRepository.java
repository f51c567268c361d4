package io.containercloud.build.configuration;

import io.containercloud.build.SpecTable;
import io.containercloud.build.configuration.model.ConfigurationSpec;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** The build configurations of every tenant. */
@Repository
public class ConfigurationRepository {

  private final SpecTable table;
  private final JsonMapper json;

  ConfigurationRepository(JdbcTemplate jdbc, JsonMapper json) {
    this.table =
        new SpecTable(
            jdbc,
            json,
            "build_configuration",
            "id, tenant, name, spec, version, created_at, updated_at");
    this.json = json;
  }

  /** False when the tenant has a configuration of that name. */
  boolean insert(String tenant, String name, ConfigurationSpec spec) {
    return table.insert(tenant, name, spec);
  }

  public Optional<Configuration> find(String tenant, String name) {
    return table.find(tenant, name, this::map);
  }

  /** Every configuration of {@code tenant}, or of all tenants when null. */
  List<Configuration> list(String tenant) {
    return table.list(tenant, this::map);
  }

  /** False when {@code version} is no longer current. */
  boolean update(long id, long version, ConfigurationSpec spec) {
    return table.update(id, version, spec);
  }

  /** False when {@code version} is no longer current. */
  boolean delete(long id, long version) {
    return table.delete(id, version);
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
