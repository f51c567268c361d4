package io.containercloud.dns.record;

import io.containercloud.dns.model.RecordType;
import java.time.Instant;
import java.util.List;

/**
 * A stored record set: the desired state, and what was last applied to BIND.
 *
 * @param values desired values; empty while a deletion is pending
 * @param appliedValues what BIND holds as far as the platform knows; {@code null} for nothing
 * @param version bumps on every desired change; the API's ETag
 * @param appliedVersion the desired version BIND last received
 */
public record RecordSet(
    long id,
    String zone,
    String name,
    RecordType type,
    int ttl,
    List<String> values,
    String owner,
    String tenant,
    long version,
    boolean deleted,
    List<String> appliedValues,
    Integer appliedTtl,
    long appliedVersion,
    Instant appliedAt,
    SyncStatus syncStatus,
    String syncError,
    int attempts) {

  /** Where a record set stands with BIND. */
  public enum SyncStatus {
    /** Changed and not yet applied (or being retried after a transient failure). */
    PENDING,
    /** BIND holds the desired version. */
    APPLIED,
    /** The last attempt failed; the reason is in {@code syncError}; retried with backoff. */
    FAILED
  }

  /** Owner of sets that operators manage through the API. */
  public static final String MANUAL = "manual";

  public boolean manual() {
    return MANUAL.equals(owner);
  }
}
