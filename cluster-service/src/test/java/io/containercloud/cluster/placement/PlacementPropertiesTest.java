package io.containercloud.cluster.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** The placement rule's promises, over generated clusters, requests and totals. */
class PlacementPropertiesTest {

  private static final Request REQUEST = new Request(500, 1L << 30);

  @Property
  void sumsExactlyToTheTotal(@ForAll("fitting") Fitting fitting) {
    Map<String, Integer> split = Placement.split(fitting.total(), REQUEST, fitting.rooms());

    assertThat(split.values().stream().mapToInt(Integer::intValue).sum())
        .isEqualTo(fitting.total());
  }

  @Property
  void tooManyReplicasAreRefusedSayingHowManyFit(
      @ForAll("rooms") List<Room> rooms, @ForAll @IntRange(max = 400) int total) {
    long fits = capacityOf(rooms);
    Assume.that(total > fits);

    assertThatThrownBy(() -> Placement.split(total, REQUEST, rooms))
        .isInstanceOfSatisfying(NoRoomException.class, e -> assertThat(e.fits()).isEqualTo(fits));
  }

  @Property
  void everyClusterWithRoomGetsOneWhenThereAreEnoughReplicas(
      @ForAll("atLeastOneEach") Fitting fitting) {
    Map<String, Integer> split = Placement.split(fitting.total(), REQUEST, fitting.rooms());
    for (Room room : holding(fitting.rooms())) {
      assertThat(split.get(room.cluster()))
          .as(room.cluster())
          .isNotNull()
          .isGreaterThanOrEqualTo(1);
    }
  }

  @Property
  void neverExceedsWhatAClusterCanHold(@ForAll("fitting") Fitting fitting) {
    Map<String, Integer> split = Placement.split(fitting.total(), REQUEST, fitting.rooms());
    for (Room room : fitting.rooms()) {
      assertThat((long) split.getOrDefault(room.cluster(), 0))
          .isLessThanOrEqualTo(room.replicasOf(REQUEST));
    }
  }

  @Property
  void theRestIsProportionalToFreeCapacityWithinOneReplica(
      @ForAll("atLeastOneEach") Fitting fitting) {
    List<Room> holding = holding(fitting.rooms());
    Map<String, Integer> split = Placement.split(fitting.total(), REQUEST, fitting.rooms());
    double rest = fitting.total() - holding.size();
    double more = capacityOf(fitting.rooms()) - holding.size();
    for (Room room : holding) {
      double ideal = 1 + (more == 0 ? 0 : rest * (room.replicasOf(REQUEST) - 1) / more);
      assertThat(Math.abs(split.get(room.cluster()) - ideal)).as(room.cluster()).isLessThan(1.0);
    }
  }

  @Property
  void dependsOnlyOnItsInputsNotOnTheirOrder(@ForAll("fitting") Fitting fitting) {
    List<Room> rooms = fitting.rooms();
    List<Room> shuffled = new ArrayList<>(rooms);
    Collections.reverse(shuffled);

    assertThat(Placement.split(fitting.total(), REQUEST, shuffled))
        .isEqualTo(Placement.split(fitting.total(), REQUEST, rooms))
        .isEqualTo(Placement.split(fitting.total(), REQUEST, List.copyOf(rooms)));
  }

  /** Rooms and a total that fits in them. */
  record Fitting(List<Room> rooms, int total) {}

  /** Totals that fit, generated as such rather than filtered (most random totals would not fit). */
  @Provide
  Arbitrary<Fitting> fitting() {
    return rooms()
        .flatMap(
            rooms ->
                Arbitraries.integers()
                    .between(0, maxTotal(rooms))
                    .map(total -> new Fitting(rooms, total)));
  }

  /** Totals that fit and give every cluster with room at least one replica. */
  @Provide
  Arbitrary<Fitting> atLeastOneEach() {
    return rooms()
        .flatMap(
            rooms ->
                Arbitraries.integers()
                    .between(holding(rooms).size(), maxTotal(rooms))
                    .map(total -> new Fitting(rooms, total)));
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

  private static int maxTotal(List<Room> rooms) {
    return (int) Math.min(capacityOf(rooms), 400);
  }

  private static List<Room> holding(List<Room> rooms) {
    return rooms.stream().filter(r -> r.replicasOf(REQUEST) > 0).toList();
  }

  private static long capacityOf(List<Room> rooms) {
    return rooms.stream().mapToLong(r -> r.replicasOf(REQUEST)).sum();
  }
}
