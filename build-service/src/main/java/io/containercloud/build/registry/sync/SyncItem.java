package io.containercloud.build.registry.sync;

import java.time.Instant;

/**
 * One image of an execution, for one destination: its copy (or, for a deletion replicated, its
 * removal) and how it went.
 *
 * @param source the source registry's name
 * @param destination the destination registry's name
 * @param repository the repository, with its project
 * @param digest the source's digest once known; for a deletion, the digest the tag had
 * @param reason why it failed last, or null
 */
record SyncItem(
    long id,
    long executionId,
    String tenant,
    String source,
    String destination,
    String repository,
    String tag,
    Action action,
    Status status,
    String digest,
    String reason,
    long bytes,
    long durationMs,
    int attempts,
    Instant nextAttemptAt) {

  enum Action {
    COPY,
    DELETE
  }

  enum Status {
    /** Waiting for its first try. */
    PENDING,
    RUNNING,
    /** The destination holds it now. */
    COPIED,
    /** The destination held it already (or had no tag left to delete). */
    SKIPPED,
    /** The deletion was replicated. */
    DELETED,
    /** Its last try failed ({@code reason}); tried again at {@code nextAttemptAt}. */
    FAILED
  }
}
