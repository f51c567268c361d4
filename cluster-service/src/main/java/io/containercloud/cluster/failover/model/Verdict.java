package io.containercloud.cluster.failover.model;

import java.time.Instant;

/**
 * What the probes say about a cluster, given whether it is failed over. A cluster in service is
 * {@link Healthy} or {@link Failing}; a failed-over one is {@link Failing}, {@link Quiet} or {@link
 * Recovered}.
 */
public sealed interface Verdict {

  /** In service, and nothing says otherwise (one bad probe does not). */
  record Healthy() implements Verdict {}

  /**
   * Fails over now, or stays failed over with its quiet period started afresh.
   *
   * @param reason what the probes showed, for the event and the API
   */
  record Failing(String reason) implements Verdict {}

  /**
   * Failed over and answering well since {@code since}; replicas return at {@code until} unless a
   * bad probe comes first.
   */
  record Quiet(Instant since, Instant until) implements Verdict {}

  /** Failed over and healthy for a whole quiet period since {@code since}: replicas return. */
  record Recovered(Instant since) implements Verdict {}
}
