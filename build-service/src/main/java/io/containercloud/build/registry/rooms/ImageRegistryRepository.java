package io.containercloud.build.registry.rooms;

import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The registered image registries, one per room. */
@Repository
public class ImageRegistryRepository {

  private static final String COLUMNS =
      "id, name, room, url, kind, username, password, dns_name, created_at, updated_at";

  private final JdbcTemplate jdbc;

  ImageRegistryRepository(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** False when a registry of that name, or one for that room, is registered already. */
  boolean insert(
      String name,
      String room,
      URI url,
      ImageRegistry.Kind kind,
      String username,
      byte[] sealedPassword) {
    try {
      jdbc.update(
          "INSERT INTO image_registry (name, room, url, kind, username, password)"
              + " VALUES (?, ?, ?, ?, ?, ?)",
          name,
          room,
          url.toString(),
          kind.name(),
          username,
          sealedPassword);
      return true;
    } catch (DuplicateKeyException e) {
      return false;
    }
  }

  /** Replaces the credentials; false when the registry is gone. */
  boolean updateCredentials(long id, String username, byte[] sealedPassword) {
    return jdbc.update(
            "UPDATE image_registry SET username = ?, password = ? WHERE id = ?",
            username,
            sealedPassword,
            id)
        == 1;
  }

  public Optional<ImageRegistry> find(String name) {
    return jdbc
        .query("SELECT " + COLUMNS + " FROM image_registry WHERE name = ?", this::map, name)
        .stream()
        .findFirst();
  }

  public List<ImageRegistry> findAll() {
    return jdbc.query("SELECT " + COLUMNS + " FROM image_registry ORDER BY name", this::map);
  }

  /** The registered Harbor that image references name {@code authority} ({@code host[:port]}). */
  public Optional<ImageRegistry> harborAt(String authority) {
    return findAll().stream()
        .filter(r -> r.kind() == ImageRegistry.Kind.HARBOR)
        .filter(r -> r.authority().equals(authority))
        .findFirst();
  }

  boolean delete(long id) {
    return jdbc.update("DELETE FROM image_registry WHERE id = ?", id) == 1;
  }

  private ImageRegistry map(ResultSet rs, int row) throws SQLException {
    return new ImageRegistry(
        rs.getLong("id"),
        rs.getString("name"),
        rs.getString("room"),
        URI.create(rs.getString("url")),
        ImageRegistry.Kind.valueOf(rs.getString("kind").toUpperCase(Locale.ROOT)),
        rs.getString("username"),
        rs.getBytes("password"),
        rs.getString("dns_name"),
        rs.getTimestamp("created_at").toInstant(),
        rs.getTimestamp("updated_at").toInstant());
  }
}
