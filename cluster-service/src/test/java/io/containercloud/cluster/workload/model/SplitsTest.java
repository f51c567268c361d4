package io.containercloud.cluster.workload.model;

import static io.containercloud.cluster.workload.model.WorkloadFixtures.placed;
import static io.containercloud.cluster.workload.model.WorkloadFixtures.withReady;
import static io.containercloud.cluster.workload.model.WorkloadFixtures.workload;
import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.cluster.placement.Request;
import io.containercloud.cluster.placement.Room;
import io.containercloud.cluster.registry.ClusterHealth.NodeCapacity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rooms, splits and the best-effort split used when clusters fail and come back. */
class SplitsTest {

  private static final Request REQUEST = new Request(500, 512L << 20);
  private static final long GIB = 1L << 30;

  /** Room for {@code replicas} replicas, bound by pods. */
  private static Room room(String cluster, int replicas) {
    return new Room(cluster, 64_000, 256 * GIB, replicas);
  }

  @Test
  void aRoomIsTheFreeCapacityOfReadyNodesOnly() {
    List<NodeCapacity> nodes =
        List.of(
            new NodeCapacity("n1", true, 1_000, 2 * GIB, 10),
            new NodeCapacity("n2", false, 4_000, 8 * GIB, 10),
            new NodeCapacity("n3", true, 500, GIB, 5));

    assertThat(Splits.room("room-1", nodes, null, REQUEST))
        .isEqualTo(new Room("room-1", 1_500, 3 * GIB, 15));
  }

  @Test
  void whatTheWorkloadHoldsThereCountsAsFreeAsFarAsItIsReady() {
    List<NodeCapacity> nodes = List.of(new NodeCapacity("n1", true, 0, 0, 0));

    assertThat(Splits.room("room-1", nodes, withReady(placed("room-1", 3), 2), REQUEST))
        .isEqualTo(new Room("room-1", 1_000, GIB, 2));
    assertThat(Splits.room("room-1", nodes, withReady(placed("room-1", 1), 2), REQUEST))
        .as("Ready replicas beyond its share are leaving")
        .isEqualTo(new Room("room-1", 500, 512L << 20, 1));
  }

  @Test
  void replicasWithoutAnyUsableClusterHaveNoHealthyCluster() {
    assertThat(Splits.split(3, REQUEST, List.of())).isEqualTo(new Splits.Split.NoHealthyCluster());
    assertThat(Splits.split(0, REQUEST, List.of())).isEqualTo(new Splits.Split.Over(Map.of()));
  }

  @Test
  void aSplitFollowsThePlacementRule() {
    assertThat(Splits.split(6, REQUEST, List.of(room("room-1", 10), room("room-2", 10))))
        .isEqualTo(new Splits.Split.Over(Map.of("room-1", 3, "room-2", 3)));
  }

  @Test
  void aFailedClustersReplicasMoveToTheOthers() {
    Workload workload = workload(6, placed("room-1", 2), placed("room-2", 2), placed("room-3", 2));

    assertThat(
            Splits.bestEffort(workload, REQUEST, List.of(room("room-1", 10), room("room-2", 10))))
        .isEqualTo(Map.of("room-1", 3, "room-2", 3));
  }

  @Test
  void whatFitsNowhereElseStaysWhereItIs() {
    Workload workload = workload(6, placed("room-1", 2), placed("room-2", 2), placed("room-3", 2));

    assertThat(Splits.bestEffort(workload, REQUEST, List.of(room("room-1", 3), room("room-2", 2))))
        .isEqualTo(Map.of("room-1", 3, "room-2", 2, "room-3", 1));
  }

  @Test
  void withNoUsableClusterNothingMoves() {
    Workload workload = workload(6, placed("room-1", 3), placed("room-2", 3), placed("room-3", 0));

    assertThat(Splits.bestEffort(workload, REQUEST, List.of()))
        .isEqualTo(Map.of("room-1", 3, "room-2", 3));
  }
}
