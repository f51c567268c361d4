package io.containercloud.cluster.failover.model;

import java.time.Instant;

/**
 * One probe of a cluster as the failover rule sees it. Probes overlap when a cluster is slow, so
 * answers arrive out of order: {@code startedAt} orders them, {@code answeredAt} is when the news
 * arrived.
 */
public sealed interface Probe {

  Instant startedAt();

  Instant answeredAt();

  /** The API server answered with its nodes. */
  record Answered(Instant startedAt, Instant answeredAt, int nodes, int readyNodes)
      implements Probe {}

  /** No answer within the timeout, or an error instead of one. */
  record Unanswered(Instant startedAt, Instant answeredAt, String error) implements Probe {}
}
