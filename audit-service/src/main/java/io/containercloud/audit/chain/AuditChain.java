package io.containercloud.audit.chain;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The append-only trail, one hash chain per tenant.
 *
 * <p>Appends lock the tenant's chain head, so records of one tenant get consecutive sequence
 * numbers and each carries the hash of the one before; different tenants append in parallel.
 * Nothing here updates or deletes a record, except retention, which first writes a checkpoint that
 * verification resumes from.
 */
@Repository
public class AuditChain {

  private static final DateTimeFormatter SQL_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

  private final JdbcTemplate jdbc;
  private final JdbcTemplate streaming;

  AuditChain(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
    this.streaming = new JdbcTemplate(jdbc.getDataSource());
    // Connector/J streams rows one by one only with this fetch size; verification never holds a
    // chain
    this.streaming.setFetchSize(Integer.MIN_VALUE);
  }

  /** Appends an entry; empty if its event id is already in the trail. */
  @Transactional
  public Optional<Long> append(AuditEntry raw) {
    AuditEntry entry = normalized(raw);
    Integer known =
        jdbc.queryForObject(
            "SELECT COUNT(*) FROM audit_record WHERE event_id = ?", Integer.class, entry.eventId());
    if (known != null && known > 0) {
      return Optional.empty();
    }
    jdbc.update(
        "INSERT IGNORE INTO audit_chain_head (tenant, last_seq, last_hash) VALUES (?, 0, ?)",
        entry.tenant(),
        ChainHash.GENESIS);
    Map<String, Object> head =
        jdbc.queryForMap(
            "SELECT last_seq, last_hash FROM audit_chain_head WHERE tenant = ? FOR UPDATE",
            entry.tenant());
    long seq = ((Number) head.get("last_seq")).longValue() + 1;
    String previous = (String) head.get("last_hash");
    String hash = ChainHash.of(previous, seq, entry);
    jdbc.update(
        "INSERT INTO audit_record (event_id, tenant, chain_seq, occurred_at, actor, action, service, method, status,"
            + " target_id, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        entry.eventId(),
        entry.tenant(),
        seq,
        sqlTime(entry.occurredAt()),
        entry.actor(),
        entry.action(),
        entry.service(),
        entry.method(),
        entry.status(),
        entry.targetId(),
        entry.payload(),
        previous,
        hash);
    jdbc.update(
        "UPDATE audit_chain_head SET last_seq = ?, last_hash = ? WHERE tenant = ?",
        seq,
        hash,
        entry.tenant());
    return Optional.of(seq);
  }

  /** Recomputes a tenant's chain from its checkpoint (or its start) to its head. */
  @Transactional(readOnly = true)
  public VerifyReport verify(String tenant) {
    Optional<Map<String, Object>> checkpoint =
        jdbc
            .queryForList(
                "SELECT through_seq, last_hash FROM audit_checkpoint WHERE tenant = ?", tenant)
            .stream()
            .findFirst();
    long startSeq = checkpoint.map(c -> ((Number) c.get("through_seq")).longValue()).orElse(0L);
    String startHash = checkpoint.map(c -> (String) c.get("last_hash")).orElse(ChainHash.GENESIS);
    Walker walker = new Walker(startSeq, startHash);
    streaming.query(
        "SELECT * FROM audit_record WHERE tenant = ? AND chain_seq > ? ORDER BY chain_seq",
        (RowCallbackHandler) walker::visit,
        tenant,
        startSeq);
    if (walker.broken == null) {
      walker.checkHead(
          jdbc.queryForList(
              "SELECT last_seq, last_hash FROM audit_chain_head WHERE tenant = ?", tenant));
    }
    return new VerifyReport(tenant, walker.checked, walker.broken == null, walker.broken);
  }

  /**
   * Checks the part of a tenant's chain recorded in {@code [from, to)}: from the first to the last
   * record in that window, each hash recomputed and linked, the first one linked to the stored hash
   * of the record before it.
   */
  @Transactional(readOnly = true)
  public VerifyReport verify(String tenant, Instant from, Instant to) {
    Map<String, Object> bounds =
        jdbc.queryForMap(
            "SELECT MIN(chain_seq) AS first_seq, MAX(chain_seq) AS last_seq FROM audit_record"
                + " WHERE tenant = ? AND occurred_at >= ? AND occurred_at < ?",
            tenant,
            sqlTime(from),
            sqlTime(to));
    if (bounds.get("first_seq") == null) {
      return new VerifyReport(tenant, 0, true, null);
    }
    long first = ((Number) bounds.get("first_seq")).longValue();
    long last = ((Number) bounds.get("last_seq")).longValue();
    Optional<String> before = hashBefore(tenant, first);
    if (before.isEmpty()) {
      return new VerifyReport(
          tenant,
          0,
          false,
          new VerifyReport.Break(
              null, first - 1, "record missing: the one before the window is gone"));
    }
    Walker walker = new Walker(first - 1, before.get());
    streaming.query(
        "SELECT * FROM audit_record WHERE tenant = ? AND chain_seq BETWEEN ? AND ? ORDER BY chain_seq",
        (RowCallbackHandler) walker::visit,
        tenant,
        first,
        last);
    if (walker.broken == null && walker.expectedSeq != last + 1) {
      walker.broken =
          new VerifyReport.Break(null, walker.expectedSeq, "record missing inside the window");
    }
    return new VerifyReport(tenant, walker.checked, walker.broken == null, walker.broken);
  }

  // the hash a record with this sequence number must link to: its predecessor's, a checkpoint's, or
  // genesis
  private Optional<String> hashBefore(String tenant, long seq) {
    if (seq == 1) {
      return Optional.of(ChainHash.GENESIS);
    }
    List<String> stored =
        jdbc.queryForList(
            "SELECT hash FROM audit_record WHERE tenant = ? AND chain_seq = ?",
            String.class,
            tenant,
            seq - 1);
    if (!stored.isEmpty()) {
      return Optional.of(stored.get(0));
    }
    return jdbc
        .queryForList(
            "SELECT last_hash FROM audit_checkpoint WHERE tenant = ? AND through_seq = ?",
            String.class,
            tenant,
            seq - 1)
        .stream()
        .findFirst();
  }

  /** Follows a chain record by record and remembers the first break. */
  private static final class Walker {
    private long expectedSeq;
    private String previousHash;
    private long checked;
    private VerifyReport.Break broken;

    Walker(long lastSeq, String lastHash) {
      this.expectedSeq = lastSeq + 1;
      this.previousHash = lastHash;
    }

    void visit(ResultSet rs) throws SQLException {
      if (broken != null) {
        return;
      }
      long id = rs.getLong("id");
      long seq = rs.getLong("chain_seq");
      if (seq != expectedSeq) {
        broken =
            new VerifyReport.Break(
                null,
                expectedSeq,
                "record missing: the chain jumps from " + (expectedSeq - 1) + " to " + seq);
        return;
      }
      if (!previousHash.equals(rs.getString("prev_hash"))) {
        broken = new VerifyReport.Break(id, seq, "does not link to the record before it");
        return;
      }
      String recomputed = ChainHash.of(previousHash, seq, entry(rs));
      if (!recomputed.equals(rs.getString("hash"))) {
        broken = new VerifyReport.Break(id, seq, "content changed after it was recorded");
        return;
      }
      checked++;
      expectedSeq = seq + 1;
      previousHash = recomputed;
    }

    void checkHead(java.util.List<Map<String, Object>> head) {
      if (head.isEmpty()) {
        return;
      }
      long lastSeq = ((Number) head.get(0).get("last_seq")).longValue();
      if (lastSeq != expectedSeq - 1 || !previousHash.equals(head.get(0).get("last_hash"))) {
        broken =
            new VerifyReport.Break(
                null,
                expectedSeq,
                "the newest records were removed (the chain ended at " + lastSeq + ")");
      }
    }
  }

  static AuditEntry entry(ResultSet rs) throws SQLException {
    Integer status = rs.getObject("status", Integer.class);
    return new AuditEntry(
        rs.getString("event_id"),
        rs.getString("tenant"),
        rs.getObject("occurred_at", LocalDateTime.class).toInstant(ZoneOffset.UTC),
        rs.getString("actor"),
        rs.getString("action"),
        rs.getString("service"),
        rs.getString("method"),
        status,
        rs.getString("target_id"),
        rs.getString("payload"));
  }

  /**
   * An instant as DATETIME(6) text in UTC. Sent as text on purpose: Connector/J takes MariaDB for
   * MySQL 5.5 (its version string starts "5.5.5-") and drops the fraction of temporal parameters,
   * which would change what was hashed.
   */
  public static String sqlTime(Instant instant) {
    return SQL_TIME.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
  }

  // the database keeps microseconds: hash what will be read back
  private static AuditEntry normalized(AuditEntry e) {
    Instant at = e.occurredAt().truncatedTo(ChronoUnit.MICROS);
    return new AuditEntry(
        e.eventId(),
        e.tenant(),
        at,
        e.actor(),
        e.action(),
        e.service(),
        e.method(),
        e.status(),
        e.targetId(),
        e.payload());
  }
}
