package io.containercloud.cluster.workload.model;

import static io.containercloud.cluster.workload.model.WorkloadFixtures.placed;
import static io.containercloud.cluster.workload.model.WorkloadFixtures.withFailures;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A cluster that fails to reconcile is tried again after a capped exponential backoff. */
class ReconcileOutcomeTest {

  private static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");
  private static final Duration INTERVAL = Duration.ofSeconds(5);
  private static final Duration MAX = Duration.ofMinutes(1);

  private static ReconcileOutcome.Failed after(int failures) {
    return ReconcileOutcome.failed(
        withFailures(placed("room-1", 2), failures), "boom", NOW, INTERVAL, MAX);
  }

  @Test
  void theWaitDoublesWithEachFailureInARowUpToTheCap() {
    assertThat(after(0).retryAt()).isEqualTo(NOW.plusSeconds(5));
    assertThat(after(1).retryAt()).isEqualTo(NOW.plusSeconds(10));
    assertThat(after(3).retryAt()).isEqualTo(NOW.plusSeconds(40));
    assertThat(after(4).retryAt()).isEqualTo(NOW.plus(MAX));
    assertThat(after(200).retryAt()).isEqualTo(NOW.plus(MAX));
  }

  @Test
  void aFailureCountsOneMoreAndKeepsTheReadyReplicasLastSeen() {
    assertThat(after(2))
        .isEqualTo(new ReconcileOutcome.Failed(2, "boom", 3, NOW.plusSeconds(20), NOW));
  }
}
