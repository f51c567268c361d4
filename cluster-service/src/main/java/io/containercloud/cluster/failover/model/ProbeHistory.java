package io.containercloud.cluster.failover.model;

import java.time.Instant;
import java.util.Optional;

/**
 * What the failover rule keeps of one cluster's probes: the newest by start time, how many probes
 * in a row went unanswered or showed too many nodes not Ready, and when bad news last arrived. Only
 * {@link FailoverRule#record} makes a longer one.
 */
public final class ProbeHistory {

  /** A cluster not probed yet. */
  public static final ProbeHistory NONE = new ProbeHistory(null, 0, 0, null);

  private final Probe latest;
  private final int unansweredInARow;
  private final int notReadyInARow;
  private final Instant lastBadAt;

  ProbeHistory(Probe latest, int unansweredInARow, int notReadyInARow, Instant lastBadAt) {
    this.latest = latest;
    this.unansweredInARow = unansweredInARow;
    this.notReadyInARow = notReadyInARow;
    this.lastBadAt = lastBadAt;
  }

  /** The probe that started last among those answered so far. */
  public Optional<Probe> latest() {
    return Optional.ofNullable(latest);
  }

  int unansweredInARow() {
    return unansweredInARow;
  }

  int notReadyInARow() {
    return notReadyInARow;
  }

  Optional<Instant> lastBadAt() {
    return Optional.ofNullable(lastBadAt);
  }
}
