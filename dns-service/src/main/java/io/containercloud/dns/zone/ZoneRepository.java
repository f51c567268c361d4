package io.containercloud.dns.zone;

import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/** Zones in MySQL {@code dns}. */
@Repository
public class ZoneRepository {

  private static final RowMapper<Zone> ZONE =
      (rs, i) ->
          new Zone(
              rs.getString("name"),
              rs.getString("server_host"),
              rs.getInt("server_port"),
              rs.getString("tsig_key"),
              rs.getInt("default_ttl"));

  private final JdbcTemplate jdbc;

  ZoneRepository(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  public Optional<Zone> find(String name) {
    return jdbc.query("SELECT * FROM dns_zone WHERE name = ?", ZONE, name).stream().findFirst();
  }

  public List<Zone> findAll() {
    return jdbc.query("SELECT * FROM dns_zone ORDER BY name", ZONE);
  }

  /** The managed zone a name belongs to: the longest zone it lies in. */
  public Optional<Zone> enclosing(String name) {
    return findAll().stream()
        .filter(z -> name.equals(z.name()) || name.endsWith("." + z.name()))
        .max(java.util.Comparator.comparingInt(z -> z.name().length()));
  }

  boolean insert(Zone zone) {
    return jdbc.update(
            "INSERT IGNORE INTO dns_zone (name, server_host, server_port, tsig_key, default_ttl) VALUES (?, ?, ?, ?, ?)",
            zone.name(),
            zone.serverHost(),
            zone.serverPort(),
            zone.tsigKey(),
            zone.defaultTtl())
        == 1;
  }

  /** Locks the zone's row for the rest of the transaction; false when there is none. */
  boolean lock(String zone) {
    return !jdbc.queryForList(
            "SELECT name FROM dns_zone WHERE name = ? FOR UPDATE", String.class, zone)
        .isEmpty();
  }

  boolean hasRecordSets(String zone) {
    Integer n =
        jdbc.queryForObject(
            "SELECT COUNT(*) FROM dns_record_set WHERE zone = ?", Integer.class, zone);
    return n != null && n > 0;
  }

  boolean delete(String zone) {
    return jdbc.update("DELETE FROM dns_zone WHERE name = ?", zone) == 1;
  }
}
