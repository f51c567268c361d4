package io.containercloud.build.registry.gate;

import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.Topic;
import io.containercloud.common.event.contract.ImageScanned;
import io.containercloud.common.outbox.Outbox;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The scan reports the image gate reads, one per digest, whatever produced them: a scanner that
 * attached its report through the API, or Harbor's {@code scan_overview} ({@link HarborScans}).
 * Each stored report is announced as {@code image.scanned} in the same transaction.
 */
@Component
class ScanReports {

  private static final String SOURCE = "/build-service";
  private static final String PLATFORM = "platform";

  private final JdbcTemplate jdbc;
  private final Outbox outbox;
  private final JsonMapper json;

  ScanReports(JdbcTemplate jdbc, Outbox outbox, JsonMapper json) {
    this.jdbc = jdbc;
    this.outbox = outbox;
    this.json = json;
  }

  /**
   * A report as stored.
   *
   * @param source {@code attached} or {@code harbor}
   */
  record Report(
      String digest,
      String scanner,
      Map<String, Integer> summary,
      String source,
      String registry,
      String repository,
      Instant scannedAt) {}

  /** Stores {@code scan} (replacing an earlier report of the digest) and announces it. */
  @Transactional
  public void store(ImageScanned scan, String source, String registry, String repository) {
    jdbc.update(
        "INSERT INTO scan_report (digest, scanner, summary, source, registry, repository)"
            + " VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE scanner = VALUES(scanner),"
            + " summary = VALUES(summary), source = VALUES(source), registry = VALUES(registry),"
            + " repository = VALUES(repository), scanned_at = CURRENT_TIMESTAMP(6)",
        scan.digest(),
        scan.scanner(),
        json.writeValueAsString(scan.summary()),
        source,
        registry,
        repository);
    outbox.append(
        Topic.IMAGE_EVENTS,
        scan.key(),
        CloudEvent.of(SOURCE, ImageScanned.TYPE, scan.key(), PLATFORM, json.valueToTree(scan)));
  }

  Optional<Report> find(String digest) {
    return jdbc
        .query(
            "SELECT digest, scanner, summary, source, registry, repository, scanned_at"
                + " FROM scan_report WHERE digest = ?",
            (rs, row) ->
                new Report(
                    rs.getString("digest"),
                    rs.getString("scanner"),
                    json.readValue(
                        rs.getString("summary"), new TypeReference<Map<String, Integer>>() {}),
                    rs.getString("source"),
                    rs.getString("registry"),
                    rs.getString("repository"),
                    rs.getTimestamp("scanned_at").toInstant()),
            digest)
        .stream()
        .findFirst();
  }
}
