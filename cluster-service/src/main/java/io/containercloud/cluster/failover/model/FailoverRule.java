package io.containercloud.cluster.failover.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a cluster fails and when it has recovered, from its probes alone.
 *
 * <p>A cluster fails after {@code failedAfterProbes} probes in a row went unanswered, or as many
 * answered probes in a row showed more than {@code maxNotReadyShare} of its nodes not Ready (an
 * unanswered probe in between neither breaks nor extends that streak). A failed-over cluster
 * recovers only after answering well for a whole {@code quietPeriod}; any bad probe restarts the
 * period. So one bad probe neither fails a cluster nor brings one back, and the split does not
 * flap.
 *
 * @param failedAfterProbes bad probes in a row that fail a cluster
 * @param maxNotReadyShare the share of nodes not Ready above which an answer counts as bad
 * @param quietPeriod how long a failed-over cluster must answer well before replicas return
 */
public record FailoverRule(int failedAfterProbes, double maxNotReadyShare, Duration quietPeriod) {

  /**
   * The history with one more answer. An answer to a probe that started no later than the newest
   * one is dropped: it is a late answer to an old question and must not undo newer news.
   */
  public ProbeHistory record(ProbeHistory history, Probe probe) {
    Optional<Probe> latest = history.latest();
    if (latest.isPresent() && !probe.startedAt().isAfter(latest.get().startedAt())) {
      return history;
    }
    if (probe instanceof Probe.Answered answered && !tooManyNotReady(answered)) {
      return new ProbeHistory(probe, 0, 0, history.lastBadAt().orElse(null));
    }
    return probe instanceof Probe.Unanswered
        ? new ProbeHistory(
            probe, history.unansweredInARow() + 1, history.notReadyInARow(), probe.answeredAt())
        : new ProbeHistory(probe, 0, history.notReadyInARow() + 1, probe.answeredAt());
  }

  /** A cluster in service: {@link Verdict.Failing} once the probes say so, else healthy. */
  public Verdict inService(ProbeHistory history) {
    return problem(history).<Verdict>map(Verdict.Failing::new).orElseGet(Verdict.Healthy::new);
  }

  /**
   * A failed-over cluster: still {@link Verdict.Failing} while the newest probe is bad or a bad one
   * arrived since {@code healthySince}; otherwise {@link Verdict.Quiet} (from {@code now} when no
   * quiet period runs) until the period is over, then {@link Verdict.Recovered}.
   *
   * @param healthySince when the running quiet period started, or null when none runs
   */
  public Verdict failedOver(ProbeHistory history, Instant healthySince, Instant now) {
    Optional<String> bad = problem(history).or(() -> newestBad(history));
    if (bad.isEmpty() && healthySince != null) {
      bad =
          history
              .lastBadAt()
              .filter(at -> at.isAfter(healthySince))
              .map(at -> "a bad probe answered at " + at);
    }
    if (bad.isPresent()) {
      return new Verdict.Failing(bad.get());
    }
    if (healthySince == null) {
      return new Verdict.Quiet(now, now.plus(quietPeriod)); // a period must start before it ends
    }
    Instant until = healthySince.plus(quietPeriod);
    return now.isBefore(until)
        ? new Verdict.Quiet(healthySince, until)
        : new Verdict.Recovered(healthySince);
  }

  /** Why the cluster counts as failed, when it does. */
  private Optional<String> problem(ProbeHistory history) {
    Probe latest = history.latest().orElse(null);
    if (latest instanceof Probe.Unanswered unanswered
        && history.unansweredInARow() >= failedAfterProbes) {
      return Optional.of(
          history.unansweredInARow() + " probes in a row failed: " + unanswered.error());
    }
    if (latest instanceof Probe.Answered answered
        && tooManyNotReady(answered)
        && history.notReadyInARow() >= failedAfterProbes) {
      return Optional.of(notReady(answered));
    }
    return Optional.empty();
  }

  /** Why the newest probe is bad, when it is (not probed at all counts as bad). */
  private Optional<String> newestBad(ProbeHistory history) {
    Probe latest = history.latest().orElse(null);
    if (latest == null) {
      return Optional.of("not probed yet");
    }
    if (latest instanceof Probe.Unanswered unanswered) {
      return Optional.of("the last probe failed: " + unanswered.error());
    }
    Probe.Answered answered = (Probe.Answered) latest;
    return tooManyNotReady(answered) ? Optional.of(notReady(answered)) : Optional.empty();
  }

  private boolean tooManyNotReady(Probe.Answered answered) {
    return answered.nodes() > 0
        && 1 - (double) answered.readyNodes() / answered.nodes() > maxNotReadyShare;
  }

  private static String notReady(Probe.Answered answered) {
    return (answered.nodes() - answered.readyNodes())
        + " of "
        + answered.nodes()
        + " nodes are not Ready";
  }
}
