package io.containercloud.common.idempotency;

import java.util.Optional;

/**
 * Where a service keeps the outcomes of writes sent with an {@code Idempotency-Key}. The one rule
 * an implementation must keep: the key is recorded exactly when the write itself is, in the same
 * transaction of the service's own store, so that a write can never be stored without its key.
 */
public interface IdempotencyStore {

  /**
   * A write's outcome as the client first received it ({@code status} 0: the write was made but its
   * answer could neither be kept nor rebuilt).
   */
  record Stored(String fingerprint, int status, String headers, byte[] body) {

    /** The write was made but its answer was lost before it could be kept. */
    public boolean unrecorded() {
      return status == 0;
    }
  }

  /** One attempt at the write: its outcome to keep, or null when nothing is to be kept. */
  @FunctionalInterface
  interface Attempt {
    Stored run() throws Exception;
  }

  /** The outcome kept for the tenant's key (at most a day old), if any. */
  Optional<Stored> find(String tenant, String key);

  /**
   * Runs {@code attempt} so that the key is recorded with its write, and keeps the outcome it
   * returns.
   *
   * @param method the write's HTTP method (a store that must rebuild a lost answer needs it)
   * @throws KeyTakenException when a concurrent request with the same key recorded it first
   * @throws Exception what the attempt or the store threw; the write may or may not have been made
   */
  void execute(String tenant, String key, String fingerprint, String method, Attempt attempt)
      throws Exception;

  /** Forgets keys older than a day, a batch at a time; returns how many went. */
  int expire() throws Exception;

  /** A concurrent request with the same key recorded it first. */
  final class KeyTakenException extends RuntimeException {
    public KeyTakenException(Throwable cause) {
      super(cause);
    }
  }
}
