package io.containercloud.cluster.image;

import io.containercloud.common.event.contract.ImageGateChanged;
import io.containercloud.common.event.contract.ImagePushed;
import io.containercloud.common.event.contract.ImageScanned;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A tenant's image gate, kept from build-service's events: with the gate on, an image deploys only
 * with a scan of its digest that finds nothing at or above the tenant's severity. A tag is checked
 * as the digest its last push named; a tag the platform never saw pushed cannot be checked, so it
 * does not pass.
 */
@Component
public class ImageGate {

  private final JdbcTemplate jdbc;
  private final RoomRegistries rooms;
  private final JsonMapper json;

  ImageGate(JdbcTemplate jdbc, RoomRegistries rooms, JsonMapper json) {
    this.jdbc = jdbc;
    this.rooms = rooms;
    this.json = json;
  }

  /**
   * Why the gate stops an image.
   *
   * @param highest the most severe finding, or null when there is no passing scan to read
   * @param count how many findings are at or above {@code blockAt}
   */
  public record Blocked(
      String image, String tenant, String blockAt, String highest, int count, String reason) {}

  /** Why {@code tenant}'s gate stops {@code image}; empty when it may deploy. */
  public Optional<Blocked> check(String tenant, String image) {
    var gate =
        jdbc.query(
            "SELECT block_at FROM image_gate WHERE tenant = ? AND enabled",
            (rs, row) -> rs.getString("block_at"),
            tenant);
    if (gate.isEmpty()) {
      return Optional.empty();
    }
    String blockAt = gate.get(0);
    ImageRef ref = ImageRef.parse(image);
    String digest = ref.digest() != null ? ref.digest() : pushedDigest(ref);
    if (digest == null) {
      return Optional.of(
          new Blocked(
              image,
              tenant,
              blockAt,
              null,
              0,
              "no platform registry announced a push of this tag, so no scan can be matched to it;"
                  + " deploy by digest"));
    }
    Optional<Map<String, Integer>> summary =
        jdbc
            .query(
                "SELECT summary FROM image_scan WHERE digest = ?",
                (rs, row) ->
                    json.readValue(
                        rs.getString("summary"), new TypeReference<Map<String, Integer>>() {}),
                digest)
            .stream()
            .findFirst();
    if (summary.isEmpty()) {
      return Optional.of(
          new Blocked(image, tenant, blockAt, null, 0, digest + " has no scan report yet"));
    }
    int threshold = ImageScanned.SEVERITIES.indexOf(blockAt);
    int count = 0;
    String highest = null;
    for (int i = ImageScanned.SEVERITIES.size() - 1; i >= threshold; i--) {
      int found = summary.get().getOrDefault(ImageScanned.SEVERITIES.get(i), 0);
      if (found > 0 && highest == null) {
        highest = ImageScanned.SEVERITIES.get(i);
      }
      count += found;
    }
    if (count == 0) {
      return Optional.empty();
    }
    return Optional.of(
        new Blocked(
            image,
            tenant,
            blockAt,
            highest,
            count,
            count + " vulnerabilities at " + blockAt + " or above, the highest " + highest));
  }

  void changed(ImageGateChanged gate) {
    jdbc.update(
        "INSERT INTO image_gate (tenant, enabled, block_at) VALUES (?, ?, ?)"
            + " ON DUPLICATE KEY UPDATE enabled = VALUES(enabled), block_at = VALUES(block_at)",
        gate.tenant(),
        gate.enabled(),
        gate.blockAt());
  }

  void scanned(ImageScanned scan) {
    jdbc.update(
        "INSERT INTO image_scan (digest, scanner, summary) VALUES (?, ?, ?)"
            + " ON DUPLICATE KEY UPDATE scanner = VALUES(scanner), summary = VALUES(summary)",
        scan.digest(),
        scan.scanner(),
        json.writeValueAsString(scan.summary()));
  }

  void pushed(ImagePushed push) {
    jdbc.update(
        "INSERT INTO image_tag (registry, repository, tag, digest) VALUES (?, ?, ?, ?)"
            + " ON DUPLICATE KEY UPDATE digest = VALUES(digest)",
        push.registry(),
        push.repository(),
        push.tag(),
        push.digest());
  }

  // the digest the tag named at its last push, to the registry by any name it goes by
  private String pushedDigest(ImageRef ref) {
    if (ref.host() == null || ref.tag() == null) {
      return null;
    }
    return jdbc
        .queryForList(
            "SELECT digest FROM image_tag WHERE registry = ? AND repository = ? AND tag = ?",
            String.class,
            rooms.registryOf(ref.host()),
            ref.repository(),
            ref.tag())
        .stream()
        .findFirst()
        .orElse(null);
  }
}
