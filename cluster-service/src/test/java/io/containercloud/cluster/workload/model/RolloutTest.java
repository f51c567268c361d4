package io.containercloud.cluster.workload.model;

import static io.containercloud.cluster.workload.model.WorkloadFixtures.placed;
import static io.containercloud.cluster.workload.model.WorkloadFixtures.withImage;
import static io.containercloud.cluster.workload.model.WorkloadFixtures.workload;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** An upgrade moves one cluster at a time, and only past clusters that have rolled out. */
class RolloutTest {

  private static final String OLD = "registry.example.com/shop/api:1.0";
  private static final Rollout.Observed ROLLED_OUT = new Rollout.Observed(4L, 4L, 2, 2, 2);

  @Test
  void theFirstClusterByNameGoesFirst() {
    Workload workload =
        workload(
            6,
            withImage(placed("room-3", 2), OLD, true),
            withImage(placed("room-1", 2), OLD, true),
            withImage(placed("room-2", 2), OLD, true));

    assertThat(Rollout.next(workload, cluster -> true))
        .isEqualTo(new Rollout.Step.Next("room-1", 1, 3));
  }

  @Test
  void theNextClusterWaitsUntilEveryClusterOnTheNewImageHasRolledOut() {
    Workload rolling =
        workload(
            6,
            withImage(placed("room-1", 2), WorkloadFixtures.IMAGE, false),
            withImage(placed("room-2", 2), OLD, true),
            withImage(placed("room-3", 2), OLD, true));
    Workload rolledOut =
        workload(
            6,
            placed("room-1", 2),
            withImage(placed("room-2", 2), OLD, true),
            withImage(placed("room-3", 2), OLD, true));

    assertThat(Rollout.next(rolling, cluster -> true)).isEqualTo(new Rollout.Step.Wait());
    assertThat(Rollout.next(rolledOut, cluster -> true))
        .isEqualTo(new Rollout.Step.Next("room-2", 2, 3));
  }

  @Test
  void aClusterWithoutReplicasNeedsNoWaiting() {
    Workload workload =
        workload(
            4,
            withImage(placed("room-1", 0), WorkloadFixtures.IMAGE, false),
            withImage(placed("room-2", 2), OLD, true),
            withImage(placed("room-3", 2), OLD, true));

    assertThat(Rollout.next(workload, cluster -> true))
        .isEqualTo(new Rollout.Step.Next("room-2", 2, 3));
  }

  @Test
  void aClusterWhoseRoomLacksTheImageKeepsItsVersionWhileTheOthersMoveOn() {
    Workload workload =
        workload(
            6,
            withImage(placed("room-1", 2), WorkloadFixtures.IMAGE, true),
            withImage(placed("room-2", 2), OLD, true),
            withImage(placed("room-3", 2), OLD, true));

    assertThat(Rollout.next(workload, cluster -> !cluster.equals("room-2")))
        .isEqualTo(new Rollout.Step.Next("room-3", 2, 3));
    assertThat(Rollout.next(workload, cluster -> false)).isEqualTo(new Rollout.Step.Wait());
  }

  @Test
  void anUpgradeIsDoneWhenEveryClusterHasTheImage() {
    assertThat(Rollout.next(workload(4, placed("room-1", 2), placed("room-2", 2)), cluster -> true))
        .isEqualTo(new Rollout.Step.Done());
  }

  @Test
  void aClusterHasSettledWhenItsControllerReportsEveryReplicaUpdatedAndReady() {
    assertThat(Rollout.settled(2, 2, false, ROLLED_OUT)).isTrue();
  }

  @Test
  void aClusterHasNotSettledWhileAnythingIsStillMoving() {
    assertThat(Rollout.settled(2, 2, true, ROLLED_OUT)).as("written this round").isFalse();
    assertThat(Rollout.settled(0, 2, false, ROLLED_OUT)).as("held back for a hand-over").isFalse();
    assertThat(Rollout.settled(2, 2, false, null)).as("no status yet").isFalse();
    assertThat(Rollout.settled(2, 2, false, new Rollout.Observed(5L, 4L, 2, 2, 2)))
        .as("new generation not yet seen")
        .isFalse();
    assertThat(Rollout.settled(2, 2, false, new Rollout.Observed(4L, 4L, 3, 2, 2)))
        .as("an old replica still runs")
        .isFalse();
    assertThat(Rollout.settled(2, 2, false, new Rollout.Observed(4L, 4L, 2, 1, 2)))
        .as("a replica not updated")
        .isFalse();
    assertThat(Rollout.settled(2, 2, false, new Rollout.Observed(4L, 4L, 2, 2, 1)))
        .as("a replica not Ready")
        .isFalse();
  }
}
