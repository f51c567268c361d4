package io.containercloud.cluster.placement;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The placement rule (ARCHITECTURE.md): every eligible cluster gets at least one replica when there
 * are at least as many replicas as clusters; the rest are split in proportion to how many more
 * replicas each cluster can hold, by the largest-remainder method. The result sums exactly to the
 * total, never exceeds what a cluster can hold, and depends only on its inputs (ties go to the
 * cluster whose name sorts first).
 *
 * <p>Unlike a split by capacity alone (Karmada's), a small cluster is never left without a replica,
 * so losing any one room never takes the whole service down.
 */
public final class Placement {

  private Placement() {}

  /**
   * Splits {@code total} replicas over the healthy, eligible clusters described by {@code rooms}.
   *
   * @return replicas per cluster, in the order of cluster names; clusters that get none are absent
   * @throws NoRoomException when the replicas do not fit
   */
  public static Map<String, Integer> split(int total, Request request, List<Room> rooms) {
    if (total < 0) {
      throw new IllegalArgumentException("replicas cannot be negative");
    }
    List<Room> byName = sortedByName(rooms); // ties then go to the lower index
    int n = byName.size();
    long[] capacity = new long[n];
    long sum = 0;
    int holding = 0; // clusters that can hold at least one
    for (int i = 0; i < n; i++) {
      capacity[i] = byName.get(i).replicasOf(request);
      sum += capacity[i];
      holding += capacity[i] > 0 ? 1 : 0;
    }
    if (total > sum) {
      throw noRoom(total, request, byName, sum);
    }
    int[] replicas = new int[n];
    if (total < holding) {
      // fewer replicas than clusters: one each to the roomiest
      for (int index : order(capacity, sum)) {
        if (total-- == 0) {
          break;
        }
        replicas[index] = 1;
      }
      return result(byName, replicas);
    }
    long rest = total - holding;
    long more = sum - holding; // replicas the clusters can hold beyond their first
    long given = 0;
    long[] remainder = new long[n];
    for (int i = 0; i < n; i++) {
      if (capacity[i] == 0) {
        remainder[i] = -1; // never picked below
        continue;
      }
      long extra = more == 0 ? 0 : Math.multiplyExact(rest, capacity[i] - 1);
      replicas[i] = (int) (1 + (more == 0 ? 0 : extra / more));
      remainder[i] = more == 0 ? 0 : extra % more;
      given += replicas[i] - 1;
    }
    if (given < rest) {
      for (int index : order(remainder, more)) {
        if (given++ == rest) {
          break;
        }
        replicas[index]++;
      }
    }
    return result(byName, replicas);
  }

  /** Indices by value, largest first, ties by index; values are below {@code bound}. */
  private static int[] order(long[] values, long bound) {
    int n = values.length;
    int[] order = new int[n];
    if (bound < (1L << 42) && n < (1 << 20)) {
      long[] keys = new long[n]; // (bound - value) above, index below: one primitive sort
      for (int i = 0; i < n; i++) {
        keys[i] = ((bound - values[i]) << 20) | i;
      }
      Arrays.sort(keys);
      for (int i = 0; i < n; i++) {
        order[i] = (int) (keys[i] & ((1 << 20) - 1));
      }
      return order;
    }
    Integer[] boxed = new Integer[n];
    for (int i = 0; i < n; i++) {
      boxed[i] = i;
    }
    Arrays.sort(boxed, Comparator.<Integer>comparingLong(i -> -values[i]).thenComparingInt(i -> i));
    for (int i = 0; i < n; i++) {
      order[i] = boxed[i];
    }
    return order;
  }

  private static List<Room> sortedByName(List<Room> rooms) {
    for (int i = 1; i < rooms.size(); i++) {
      if (rooms.get(i - 1).cluster().compareTo(rooms.get(i).cluster()) > 0) {
        List<Room> sorted = new ArrayList<>(rooms);
        sorted.sort(Comparator.comparing(Room::cluster));
        return sorted;
      }
    }
    return rooms;
  }

  private static Map<String, Integer> result(List<Room> rooms, int[] replicas) {
    Map<String, Integer> split = new LinkedHashMap<>();
    for (int i = 0; i < replicas.length; i++) {
      if (replicas[i] > 0) {
        split.put(rooms.get(i).cluster(), replicas[i]);
      }
    }
    return split;
  }

  /**
   * A free amount as a person reads it, with its unit: CPU in cores ({@code 38.75 CPU cores}),
   * memory in binary units ({@code 12.5 GiB of memory}, rounded down so it never promises more than
   * is free), pods as slots.
   */
  public static String amount(String resource, long amount) {
    return switch (resource) {
      case "cpu" -> cores(amount);
      case "memory" -> bytes(amount) + " of memory";
      default -> amount + (amount == 1 ? " pod slot" : " pod slots");
    };
  }

  private static String cores(long millis) {
    BigDecimal cores = BigDecimal.valueOf(millis, 3).stripTrailingZeros();
    return cores.toPlainString()
        + (cores.compareTo(BigDecimal.ONE) == 0 ? " CPU core" : " CPU cores");
  }

  private static final String[] BINARY_UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

  private static String bytes(long bytes) {
    int unit = 0;
    while (unit < BINARY_UNITS.length - 1 && bytes >= 1L << (10 * (unit + 1))) {
      unit++;
    }
    BigDecimal value =
        BigDecimal.valueOf(bytes)
            .divide(BigDecimal.valueOf(1L << (10 * unit)), 2, RoundingMode.DOWN)
            .stripTrailingZeros();
    return value.toPlainString() + " " + BINARY_UNITS[unit];
  }

  private static NoRoomException noRoom(int total, Request request, List<Room> rooms, long fits) {
    if (rooms.isEmpty()) {
      return new NoRoomException("No eligible cluster is healthy.", "clusters", "", 0, 0);
    }
    Room best =
        rooms.stream()
            .max(
                Comparator.comparingLong((Room r) -> r.replicasOf(request))
                    .thenComparing(Room::cluster, Comparator.reverseOrder()))
            .orElseThrow();
    long byCpu = best.freeCpuMillis() / request.cpuMillis();
    long byMemory = best.freeMemoryBytes() / request.memoryBytes();
    String resource;
    long free;
    if (best.freePods() <= Math.min(byCpu, byMemory)) {
      resource = "pods";
      free = best.freePods();
    } else if (byCpu <= byMemory) {
      resource = "cpu";
      free = best.freeCpuMillis();
    } else {
      resource = "memory";
      free = best.freeMemoryBytes();
    }
    return new NoRoomException(
        total
            + " replicas do not fit: "
            + fits
            + " fit in the eligible clusters; the roomiest, "
            + best.cluster()
            + ", has "
            + amount(resource, free)
            + " free",
        resource,
        best.cluster(),
        free,
        fits);
  }
}
