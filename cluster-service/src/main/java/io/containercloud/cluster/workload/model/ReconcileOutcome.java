package io.containercloud.cluster.workload.model;

import java.time.Duration;
import java.time.Instant;

/** What one reconcile of one cluster found, as recorded for the API and the next round. */
public sealed interface ReconcileOutcome {

  Instant at();

  /**
   * The cluster matches what it should run.
   *
   * @param ready Ready replicas that serve (none on a failed-over cluster)
   * @param settled whether the rollout has finished there
   */
  record Reconciled(int ready, boolean settled, Instant at) implements ReconcileOutcome {}

  /**
   * The cluster could not be reconciled; it is tried again at {@code retryAt}.
   *
   * @param ready Ready replicas as last seen (kept: the failure says nothing new of them)
   * @param failures failures in a row
   */
  record Failed(int ready, String error, int failures, Instant retryAt, Instant at)
      implements ReconcileOutcome {}

  static Reconciled reconciled(int ready, boolean settled, Instant at) {
    return new Reconciled(ready, settled, at);
  }

  /**
   * One more failure after {@code placed}'s: retried after {@code interval} doubled per failure in
   * a row, at most {@code maxBackoff}.
   */
  static Failed failed(
      Workload.Placed placed, String error, Instant at, Duration interval, Duration maxBackoff) {
    int failures = placed.failures() + 1;
    Duration wait = interval.multipliedBy(1L << Math.min(failures - 1, 16));
    Duration backoff = wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    return new Failed(placed.ready(), error, failures, at.plus(backoff), at);
  }
}
