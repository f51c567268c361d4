package io.containercloud.cluster.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** The placement rule's promises, over generated clusters, requests and totals. */
class PlacementPropertiesTest {

  private static final Request REQUEST = new Request(500, 1L << 30);

  @Property
  void sumsExactlyToTheTotal(
      @ForAll("rooms") List<Room> rooms, @ForAll @IntRange(max = 400) int total) {
    long fits = capacityOf(rooms);
    if (total > fits) {
      assertThatThrownBy(() -> Placement.split(total, REQUEST, rooms))
          .isInstanceOfSatisfying(NoRoomException.class, e -> assertThat(e.fits()).isEqualTo(fits));
      return;
    }
    Map<String, Integer> split = Placement.split(total, REQUEST, rooms);
    assertThat(split.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(total);
  }

  @Property
  void everyClusterWithRoomGetsOneWhenThereAreEnoughReplicas(
      @ForAll("rooms") List<Room> rooms, @ForAll @IntRange(max = 400) int total) {
    List<Room> holding = rooms.stream().filter(r -> r.replicasOf(REQUEST) > 0).toList();
    if (total > capacityOf(rooms) || total < holding.size()) {
      return;
    }
    Map<String, Integer> split = Placement.split(total, REQUEST, rooms);
    for (Room room : holding) {
      assertThat(split.get(room.cluster()))
          .as(room.cluster())
          .isNotNull()
          .isGreaterThanOrEqualTo(1);
    }
  }

  @Property
  void neverExceedsWhatAClusterCanHold(
      @ForAll("rooms") List<Room> rooms, @ForAll @IntRange(max = 400) int total) {
    if (total > capacityOf(rooms)) {
      return;
    }
    Map<String, Integer> split = Placement.split(total, REQUEST, rooms);
    for (Room room : rooms) {
      assertThat((long) split.getOrDefault(room.cluster(), 0))
          .isLessThanOrEqualTo(room.replicasOf(REQUEST));
    }
  }

  @Property
  void theRestIsProportionalToFreeCapacityWithinOneReplica(
      @ForAll("rooms") List<Room> rooms, @ForAll @IntRange(max = 400) int total) {
    List<Room> holding = rooms.stream().filter(r -> r.replicasOf(REQUEST) > 0).toList();
    long fits = capacityOf(rooms);
    if (total > fits || total < holding.size()) {
      return;
    }
    Map<String, Integer> split = Placement.split(total, REQUEST, rooms);
    double rest = total - holding.size();
    double more = fits - holding.size();
    for (Room room : holding) {
      double ideal = 1 + (more == 0 ? 0 : rest * (room.replicasOf(REQUEST) - 1) / more);
      assertThat(Math.abs(split.get(room.cluster()) - ideal)).as(room.cluster()).isLessThan(1.0);
    }
  }

  @Property
  void dependsOnlyOnItsInputsNotOnTheirOrder(
      @ForAll("rooms") List<Room> rooms, @ForAll @IntRange(max = 400) int total) {
    if (total > capacityOf(rooms)) {
      return;
    }
    List<Room> shuffled = new ArrayList<>(rooms);
    Collections.reverse(shuffled);

    assertThat(Placement.split(total, REQUEST, shuffled))
        .isEqualTo(Placement.split(total, REQUEST, rooms))
        .isEqualTo(Placement.split(total, REQUEST, List.copyOf(rooms)));
  }

  @Provide
  Arbitrary<List<Room>> rooms() {
    Arbitrary<Room> room =
        Combinators.combine(
                Arbitraries.longs().between(0, 64_000),
                Arbitraries.longs().between(0, 256L << 30),
                Arbitraries.longs().between(0, 1_100))
            .as((cpu, memory, pods) -> new Room("x", cpu, memory, pods));
    return room.list()
        .ofMinSize(0)
        .ofMaxSize(12)
        .map(
            list -> {
              List<Room> named = new ArrayList<>();
              for (int i = 0; i < list.size(); i++) {
                Room r = list.get(i);
                named.add(
                    new Room("room-" + i, r.freeCpuMillis(), r.freeMemoryBytes(), r.freePods()));
              }
              return named;
            });
  }

  private static long capacityOf(List<Room> rooms) {
    return rooms.stream().mapToLong(r -> r.replicasOf(REQUEST)).sum();
  }
}
