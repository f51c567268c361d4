package io.containercloud.cluster.failover.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When the probes fail a cluster and when they bring it back. */
class FailoverRuleTest {

  private static final FailoverRule RULE = new FailoverRule(3, 0.5, Duration.ofMinutes(2));
  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

  /** Probes that start {@code second} seconds after T0 and are answered at once. */
  private static Probe answered(long second, int nodes, int ready) {
    return new Probe.Answered(at(second), at(second), nodes, ready);
  }

  private static Probe good(long second) {
    return answered(second, 3, 3);
  }

  private static Probe notReady(long second) {
    return answered(second, 3, 1);
  }

  private static Probe unanswered(long second) {
    return new Probe.Unanswered(at(second), at(second), "SocketTimeoutException: timeout");
  }

  private static Instant at(long second) {
    return T0.plusSeconds(second);
  }

  private static ProbeHistory history(Probe... probes) {
    ProbeHistory history = ProbeHistory.NONE;
    for (Probe probe : probes) {
      history = RULE.record(history, probe);
    }
    return history;
  }

  @Test
  void aClusterFailsOnlyAfterAsManyUnansweredProbesInARowAsConfigured() {
    assertThat(RULE.inService(history(good(0), unanswered(5), unanswered(10))))
        .isEqualTo(new Verdict.Healthy());

    assertThat(RULE.inService(history(good(0), unanswered(5), unanswered(10), unanswered(15))))
        .isEqualTo(
            new Verdict.Failing("3 probes in a row failed: SocketTimeoutException: timeout"));
  }

  @Test
  void anAnsweredProbeInBetweenStartsTheCountAgain() {
    ProbeHistory history =
        history(unanswered(0), unanswered(5), good(10), unanswered(15), unanswered(20));

    assertThat(RULE.inService(history)).isEqualTo(new Verdict.Healthy());
    assertThat(RULE.inService(RULE.record(history, unanswered(25))))
        .isInstanceOf(Verdict.Failing.class);
  }

  @Test
  void tooManyNodesNotReadyFailAClusterOnlyWhenSeenAsOftenAsAnUnansweredApi() {
    assertThat(RULE.inService(history(notReady(0), notReady(5)))).isEqualTo(new Verdict.Healthy());
    assertThat(RULE.inService(history(notReady(0), notReady(5), notReady(10))))
        .isEqualTo(new Verdict.Failing("2 of 3 nodes are not Ready"));
  }

  @Test
  void halfTheNodesNotReadyIsNotTooMany() {
    assertThat(RULE.inService(history(answered(0, 4, 2), answered(5, 4, 2), answered(10, 4, 2))))
        .isEqualTo(new Verdict.Healthy());
  }

  @Test
  void anUnansweredProbeNeitherBreaksNorExtendsANotReadyStreak() {
    assertThat(RULE.inService(history(notReady(0), notReady(5), unanswered(10))))
        .isEqualTo(new Verdict.Healthy());
    assertThat(RULE.inService(history(notReady(0), notReady(5), unanswered(10), notReady(15))))
        .isEqualTo(new Verdict.Failing("2 of 3 nodes are not Ready"));
  }

  @Test
  void aLateAnswerToAnOlderProbeChangesNothing() {
    ProbeHistory history = history(unanswered(0), unanswered(5), good(15));
    // the probe started at 10 s answers after the one started at 15 s
    ProbeHistory late =
        RULE.record(history, new Probe.Unanswered(at(10), at(16), "SocketTimeoutException"));

    assertThat(late).isSameAs(history);
    assertThat(RULE.inService(late)).isEqualTo(new Verdict.Healthy());
    assertThat(RULE.failedOver(late, at(14), at(17)))
        .as("a late bad answer does not restart the quiet period")
        .isInstanceOf(Verdict.Quiet.class);
  }

  @Test
  void answersAreOrderedByWhenTheirProbeStartedNotByWhenTheyArrived() {
    ProbeHistory history = history(good(0), unanswered(5), unanswered(10));
    // a slow probe started at 12 s and a quick one at 13 s: the quick one answers first
    history = RULE.record(history, new Probe.Unanswered(at(13), at(14), "refused"));
    history = RULE.record(history, new Probe.Answered(at(12), at(15), 3, 3));

    assertThat(history.latest()).map(Probe::startedAt).contains(at(13));
    assertThat(RULE.inService(history))
        .isEqualTo(new Verdict.Failing("3 probes in a row failed: refused"));
  }

  @Test
  void aFailedClusterStartsItsQuietPeriodWhenItAnswersWellAgain() {
    ProbeHistory history = history(unanswered(0), unanswered(5), unanswered(10), good(15));

    assertThat(RULE.failedOver(history, null, at(16)))
        .isEqualTo(new Verdict.Quiet(at(16), at(16).plus(RULE.quietPeriod())));
  }

  @Test
  void aFailedClusterThatStillFailsStaysFailing() {
    assertThat(RULE.failedOver(history(unanswered(0)), null, at(1)))
        .isEqualTo(new Verdict.Failing("the last probe failed: SocketTimeoutException: timeout"));
    assertThat(RULE.failedOver(history(good(0), notReady(5)), at(1), at(6)))
        .isEqualTo(new Verdict.Failing("2 of 3 nodes are not Ready"));
    assertThat(RULE.failedOver(ProbeHistory.NONE, null, at(1)))
        .isEqualTo(new Verdict.Failing("not probed yet"));
  }

  @Test
  void recoveryComesOnlyAfterTheWholeQuietPeriod() {
    ProbeHistory history = history(unanswered(0), good(10), good(15));
    Instant since = at(11);
    Instant until = since.plus(RULE.quietPeriod());

    assertThat(RULE.failedOver(history, since, until.minusMillis(1)))
        .isEqualTo(new Verdict.Quiet(since, until));
    assertThat(RULE.failedOver(history, since, until)).isEqualTo(new Verdict.Recovered(since));
  }

  @Test
  void anyBadProbeRestartsTheQuietPeriodEvenWhenAGoodOneFollowedIt() {
    Instant since = at(11);
    ProbeHistory history = history(unanswered(0), good(10), good(60), unanswered(65), good(70));

    assertThat(RULE.failedOver(history, since, at(200)))
        .isEqualTo(new Verdict.Failing("a bad probe answered at " + at(65)));
    // once the period has been started again after it, that probe no longer counts
    assertThat(RULE.failedOver(history, at(71), at(72)))
        .isEqualTo(new Verdict.Quiet(at(71), at(71).plus(RULE.quietPeriod())));
  }

  @Test
  void aSingleNotReadyAnswerAlsoRestartsTheQuietPeriod() {
    ProbeHistory history = history(unanswered(0), good(10), notReady(60), good(65));

    assertThat(RULE.failedOver(history, at(11), at(200))).isInstanceOf(Verdict.Failing.class);
  }

  @Test
  void aFlappingClusterNeitherFailsNorComesBack() {
    ProbeHistory inService = ProbeHistory.NONE;
    ProbeHistory failedOver = history(unanswered(0), unanswered(1), unanswered(2));
    Instant healthySince = null;
    for (int second = 10; second < 1_000; second += 5) {
      Probe probe = second % 10 == 0 ? unanswered(second) : good(second);
      inService = RULE.record(inService, probe);
      failedOver = RULE.record(failedOver, probe);
      Instant now = at(second);

      assertThat(RULE.inService(inService)).as("at %s s", second).isEqualTo(new Verdict.Healthy());
      Verdict verdict = RULE.failedOver(failedOver, healthySince, now);
      assertThat(verdict).as("at %s s", second).isNotInstanceOf(Verdict.Recovered.class);
      healthySince = verdict instanceof Verdict.Quiet quiet ? quiet.since() : null;
    }
  }
}
