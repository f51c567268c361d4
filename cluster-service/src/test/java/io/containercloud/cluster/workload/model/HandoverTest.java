package io.containercloud.cluster.workload.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A cluster gives up replicas only as far as Ready replicas elsewhere cover the total. */
class HandoverTest {

  @Test
  void aGrowingOrNewShareIsRunAtOnce() {
    assertThat(Handover.replicas("room-1", 3, 1, 6, Map.of("room-2", 0))).isEqualTo(3);
    assertThat(Handover.replicas("room-1", 2, 0, 6, Map.of())).isEqualTo(2);
  }

  @Test
  void aShrinkingShareKeepsWhatTheOtherClustersCannotYetServe() {
    Map<String, Integer> ready = Map.of("room-1", 2, "room-2", 2, "room-3", 2);

    assertThat(Handover.replicas("room-3", 0, 2, 6, ready)).isEqualTo(2);
    assertThat(Handover.replicas("room-3", 0, 2, 6, Map.of("room-1", 3, "room-2", 2))).isEqualTo(1);
    assertThat(Handover.replicas("room-3", 0, 2, 6, Map.of("room-1", 3, "room-2", 3))).isZero();
  }

  @Test
  void theClustersOwnReadyReplicasDoNotCountAsCoverage() {
    assertThat(Handover.replicas("room-3", 0, 2, 6, Map.of("room-2", 4, "room-3", 2))).isEqualTo(2);
  }

  @Test
  void neverKeepsMoreThanItRunsNorLessThanItsShare() {
    assertThat(Handover.replicas("room-3", 0, 2, 6, Map.of())).isEqualTo(2);
    assertThat(Handover.replicas("room-3", 1, 3, 6, Map.of("room-1", 9))).isEqualTo(1);
  }
}
