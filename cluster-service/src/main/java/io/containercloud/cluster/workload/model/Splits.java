package io.containercloud.cluster.workload.model;

import io.containercloud.cluster.placement.NoRoomException;
import io.containercloud.cluster.placement.Placement;
import io.containercloud.cluster.placement.Request;
import io.containercloud.cluster.placement.Room;
import io.containercloud.cluster.registry.ClusterHealth;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A workload's replicas split over the clusters it may use, by the placement rule. */
public final class Splits {

  private Splits() {}

  /** The outcome of a split. */
  public sealed interface Split {

    /** Replicas per cluster; clusters that get none are absent. */
    record Over(Map<String, Integer> replicas) implements Split {}

    /** There are replicas to place but none of the clusters the workload may use is healthy. */
    record NoHealthyCluster() implements Split {}
  }

  /**
   * What a cluster can give the workload: the free capacity of its Ready nodes plus what the
   * workload already holds there (its Ready replicas within its share, as far as the probe can have
   * counted them), so splitting the same workload twice gives the same answer.
   *
   * @param own the workload's share there, or null when it has none (or is new)
   */
  public static Room room(
      String cluster,
      List<ClusterHealth.NodeCapacity> nodes,
      Workload.Placed own,
      Request request) {
    long cpu = 0;
    long memory = 0;
    long pods = 0;
    for (ClusterHealth.NodeCapacity node : nodes) {
      if (node.ready()) {
        cpu += node.freeCpuMillis();
        memory += node.freeMemoryBytes();
        pods += node.freePods();
      }
    }
    int held = own == null ? 0 : Math.min(own.replicas(), own.ready());
    return new Room(
        cluster,
        cpu + held * request.cpuMillis(),
        memory + held * request.memoryBytes(),
        pods + held);
  }

  /**
   * Splits {@code total} replicas over {@code rooms}, the usable clusters.
   *
   * @throws NoRoomException when the replicas do not fit
   */
  public static Split split(int total, Request request, List<Room> rooms) {
    if (rooms.isEmpty() && total > 0) {
      return new Split.NoHealthyCluster();
    }
    return new Split.Over(Placement.split(total, request, rooms));
  }

  /**
   * The split of a workload whose usable clusters changed under it (one failed or came back): by
   * the rule over {@code rooms} as far as its replicas fit there; the rest stay where they are
   * (nothing moves when no cluster is usable at all).
   */
  public static Map<String, Integer> bestEffort(
      Workload workload, Request request, List<Room> rooms) {
    int total = workload.replicas();
    Split split;
    try {
      split = split(total, request, rooms);
    } catch (NoRoomException e) {
      split = split((int) e.fits(), request, rooms);
    }
    Map<String, Integer> result =
        new TreeMap<>(split instanceof Split.Over over ? over.replicas() : Map.of());
    int left = total - result.values().stream().mapToInt(Integer::intValue).sum();
    for (Workload.Placed placed : workload.clusters()) {
      if (left > 0 && !result.containsKey(placed.cluster()) && placed.replicas() > 0) {
        int keep = Math.min(left, placed.replicas());
        result.put(placed.cluster(), keep);
        left -= keep;
      }
    }
    return result;
  }
}
