package io.containercloud.audit.chain;

import jakarta.validation.constraints.NotNull;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.validation.annotation.Validated;

/**
 * Removes records past retention without breaking verification: per tenant, only a prefix of the
 * chain older than the cutoff goes, a checkpoint (last removed sequence number and its hash) is
 * written in the same transaction, and verification resumes from it. With an archive folder set,
 * the removed records are first written there as NDJSON.
 */
@Component
public class AuditRetention {

  private static final Logger log = LoggerFactory.getLogger(AuditRetention.class);

  /**
   * Retention of the trail ({@code platform.audit.*}).
   *
   * @param retention how long records stay in the database
   * @param archiveDir where removed records are written first; none: they are only removed
   */
  @Validated
  @ConfigurationProperties("platform.audit")
  public record RetentionProperties(
      @NotNull @DefaultValue("400d") Duration retention, Path archiveDir) {}

  private final JdbcTemplate jdbc;
  private final RetentionProperties properties;
  private final Clock clock = Clock.systemUTC();

  AuditRetention(JdbcTemplate jdbc, RetentionProperties properties) {
    this.jdbc = jdbc;
    this.properties = properties;
  }

  @Scheduled(initialDelayString = "PT5M", fixedDelayString = "PT6H")
  void applyRetention() {
    int removed = removeBefore(clock.instant().minus(properties.retention()));
    if (removed > 0) {
      log.info("retention removed {} audit records older than {}", removed, properties.retention());
    }
  }

  /** Removes, per tenant, the longest chain prefix recorded before {@code cutoff}. */
  @Transactional
  public int removeBefore(Instant cutoff) {
    String at = AuditChain.sqlTime(cutoff);
    List<String> tenants =
        jdbc.queryForList(
            "SELECT DISTINCT tenant FROM audit_record WHERE occurred_at < ?", String.class, at);
    int removed = 0;
    for (String tenant : tenants) {
      jdbc.queryForList(
          "SELECT last_seq FROM audit_chain_head WHERE tenant = ? FOR UPDATE", tenant);
      // a prefix only: a record newer than the cutoff keeps everything after it in place
      Long firstKept =
          jdbc.queryForObject(
              "SELECT MIN(chain_seq) FROM audit_record WHERE tenant = ? AND occurred_at >= ?",
              Long.class,
              tenant,
              at);
      Long through =
          firstKept != null
              ? Long.valueOf(firstKept - 1)
              : jdbc.queryForObject(
                  "SELECT MAX(chain_seq) FROM audit_record WHERE tenant = ?", Long.class, tenant);
      List<String> hash =
          jdbc.queryForList(
              "SELECT hash FROM audit_record WHERE tenant = ? AND chain_seq = ?",
              String.class,
              tenant,
              through);
      if (through == null || through < 1 || hash.isEmpty()) {
        continue;
      }
      archive(tenant, through);
      jdbc.update(
          "INSERT INTO audit_checkpoint (tenant, through_seq, last_hash) VALUES (?, ?, ?)"
              + " ON DUPLICATE KEY UPDATE through_seq = VALUES(through_seq), last_hash = VALUES(last_hash),"
              + " created_at = CURRENT_TIMESTAMP(6)",
          tenant,
          through,
          hash.get(0));
      removed +=
          jdbc.update(
              "DELETE FROM audit_record WHERE tenant = ? AND chain_seq <= ?", tenant, through);
    }
    return removed;
  }

  private void archive(String tenant, long through) {
    if (properties.archiveDir() == null) {
      return;
    }
    Path file =
        properties
            .archiveDir()
            .resolve(tenant + "-through-" + through + "-" + clock.millis() + ".ndjson");
    try {
      Files.createDirectories(properties.archiveDir());
      try (BufferedWriter out = Files.newBufferedWriter(file)) {
        jdbc.query(
            "SELECT chain_seq, event_id, hash, payload FROM audit_record WHERE tenant = ? AND chain_seq <= ?"
                + " ORDER BY chain_seq",
            (RowCallbackHandler)
                rs -> {
                  try {
                    out.write(
                        "{\"seq\":"
                            + rs.getLong(1)
                            + ",\"eventId\":\""
                            + rs.getString(2)
                            + "\",\"hash\":\""
                            + rs.getString(3)
                            + "\",\"payload\":"
                            + rs.getString(4)
                            + "}\n");
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                },
            tenant,
            through);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot archive audit records to " + file, e);
    }
  }
}
