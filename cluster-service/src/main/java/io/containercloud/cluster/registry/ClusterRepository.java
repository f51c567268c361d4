package io.containercloud.cluster.registry;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

@Repository
class ClusterRepository {

  private final JdbcTemplate jdbc;
  private final JsonMapper json;

  ClusterRepository(JdbcTemplate jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /** False when the name is taken. */
  boolean insert(String name, String machineRoom, Map<String, String> labels, byte[] kubeconfig) {
    try {
      jdbc.update(
          "INSERT INTO cluster_registration (name, machine_room, labels, kubeconfig_encrypted)"
              + " VALUES (?, ?, ?, ?)",
          name,
          machineRoom,
          json.writeValueAsString(labels),
          kubeconfig);
      return true;
    } catch (DuplicateKeyException e) {
      return false;
    }
  }

  Optional<RegisteredCluster> find(String name) {
    return jdbc
        .query(
            "SELECT name, machine_room, labels, kubeconfig_encrypted, created_at"
                + " FROM cluster_registration WHERE name = ?",
            this::map,
            name)
        .stream()
        .findFirst();
  }

  List<RegisteredCluster> findAll() {
    return jdbc.query(
        "SELECT name, machine_room, labels, kubeconfig_encrypted, created_at"
            + " FROM cluster_registration ORDER BY name",
        this::map);
  }

  boolean delete(String name) {
    return jdbc.update("DELETE FROM cluster_registration WHERE name = ?", name) == 1;
  }

  private RegisteredCluster map(ResultSet rs, int row) throws SQLException {
    return new RegisteredCluster(
        rs.getString("name"),
        rs.getString("machine_room"),
        json.readValue(rs.getString("labels"), new TypeReference<Map<String, String>>() {}),
        rs.getBytes("kubeconfig_encrypted"),
        rs.getTimestamp("created_at").toInstant());
  }
}
