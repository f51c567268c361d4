package io.containercloud.cluster.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PlacementTest {

  private static final Request TWO_CPU = new Request(2_000, 4L << 30);

  @Test
  void aSmallClusterStillGetsOneAndTheRestFollowsCapacity() {
    List<Room> rooms =
        List.of(
            new Room("room-1", 40_000, 400L << 30, 110), // 20 replicas fit
            new Room("room-2", 20_000, 400L << 30, 110), // 10
            new Room("room-3", 2_000, 400L << 30, 110)); //  1

    assertThat(Placement.split(10, TWO_CPU, rooms))
        .containsExactly(
            java.util.Map.entry("room-1", 6),
            java.util.Map.entry("room-2", 3),
            java.util.Map.entry("room-3", 1));
  }

  @Test
  void fewerReplicasThanClustersGoToTheRoomiest() {
    List<Room> rooms =
        List.of(
            new Room("room-1", 4_000, 400L << 30, 110),
            new Room("room-2", 40_000, 400L << 30, 110),
            new Room("room-3", 40_000, 400L << 30, 110));

    assertThat(Placement.split(2, TWO_CPU, rooms)).containsOnlyKeys("room-2", "room-3");
  }

  @Test
  void tooBigAReplicaNamesTheBindingResourceAndTheRoomiestCluster() {
    List<Room> rooms =
        List.of(
            new Room("room-1", 1_500, 400L << 30, 110), new Room("room-2", 1_000, 400L << 30, 110));

    assertThatThrownBy(() -> Placement.split(1, TWO_CPU, rooms))
        .isInstanceOfSatisfying(
            NoRoomException.class,
            e -> {
              assertThat(e.resource()).isEqualTo("cpu");
              assertThat(e.bestCluster()).isEqualTo("room-1");
              assertThat(e.bestFree()).isEqualTo(1_500);
            })
        .hasMessageContaining("room-1, has 1.5 CPU cores free");
  }

  @Test
  void noRoomNamesEachQuantityWithItsUnit() {
    assertThat(Placement.amount("cpu", 38_750)).isEqualTo("38.75 CPU cores");
    assertThat(Placement.amount("cpu", 1_000)).isEqualTo("1 CPU core");
    assertThat(Placement.amount("cpu", 250)).isEqualTo("0.25 CPU cores");
    assertThat(Placement.amount("cpu", 0)).isEqualTo("0 CPU cores");
    assertThat(Placement.amount("memory", 12L * (1L << 30) + (1L << 29)))
        .isEqualTo("12.5 GiB of memory");
    assertThat(Placement.amount("memory", (1L << 30) - 1)).isEqualTo("1023.99 MiB of memory");
    assertThat(Placement.amount("memory", 512)).isEqualTo("512 B of memory");
    assertThat(Placement.amount("memory", 3L << 40)).isEqualTo("3 TiB of memory");
    assertThat(Placement.amount("memory", Long.MAX_VALUE)).isEqualTo("7.99 EiB of memory");
    assertThat(Placement.amount("pods", 3)).isEqualTo("3 pod slots");
    assertThat(Placement.amount("pods", 1)).isEqualTo("1 pod slot");
  }

  @Test
  void tooLittleMemoryIsSaidInBinaryUnits() {
    List<Room> rooms = List.of(new Room("room-1", 400_000, 6L << 30, 110));

    assertThatThrownBy(() -> Placement.split(2, TWO_CPU, rooms))
        .isInstanceOf(NoRoomException.class)
        .hasMessageContaining("room-1, has 6 GiB of memory free");
  }
}
