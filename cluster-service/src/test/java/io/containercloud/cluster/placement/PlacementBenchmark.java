package io.containercloud.cluster.placement;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * bench/placement (not a test: run by bench/placement/run.sh). Places 10,000 workloads one after
 * another over 100 clusters, each placement taking the room the previous ones used, as a full
 * re-plan after a restart would; prints the time of the whole pass (best of five, after warm-up).
 */
class PlacementBenchmark {

  private static final int WORKLOADS = Integer.getInteger("bench.workloads", 10_000);
  private static final int CLUSTERS = Integer.getInteger("bench.clusters", 100);

  @Test
  void placement() throws Exception {
    Random random = new Random(42);
    long[][] free = new long[CLUSTERS][3];
    for (long[] cluster : free) {
      cluster[0] = 2_000_000 + random.nextInt(2_000_000); // millicores: 2,000-4,000 cores
      cluster[1] = (8L << 40) + random.nextInt(1 << 30) * 4L; // ~8 TiB
      cluster[2] = 30_000;
    }
    int[] totals = new int[WORKLOADS];
    Request[] requests = new Request[WORKLOADS];
    for (int i = 0; i < WORKLOADS; i++) {
      totals[i] = 1 + random.nextInt(20);
      requests[i] = new Request(100 + random.nextInt(900), (128L + random.nextInt(900)) << 20);
    }
    for (int round = 0; round < 3; round++) {
      pass(free, totals, requests); // warm-up: JIT
    }
    long best = Long.MAX_VALUE;
    int placed = 0;
    for (int round = 0; round < 5; round++) {
      long start = System.nanoTime();
      placed = pass(free, totals, requests);
      best = Math.min(best, System.nanoTime() - start);
    }
    List<String> lines =
        List.of(
            String.format(
                "placed %d of %d workloads (%d replicas) over %d clusters, best of 5 passes",
                placed, WORKLOADS, Arrays.stream(totals).sum(), CLUSTERS),
            String.format(
                "placement workloads=%d clusters=%d total_ms=%.1f",
                WORKLOADS, CLUSTERS, best / 1e6));
    lines.forEach(System.out::println);
    Files.write(Path.of("target/placement.txt"), lines);
  }

  /** One full pass: each workload placed with what the ones before it left. */
  private static int pass(long[][] initial, int[] totals, Request[] requests) {
    long[][] free = new long[initial.length][];
    for (int c = 0; c < initial.length; c++) {
      free[c] = initial[c].clone();
    }
    String[] names = new String[free.length];
    for (int c = 0; c < names.length; c++) {
      names[c] = "room-" + c;
    }
    int placed = 0;
    for (int w = 0; w < totals.length; w++) {
      List<Room> rooms = new ArrayList<>(free.length);
      for (int c = 0; c < free.length; c++) {
        rooms.add(new Room(names[c], free[c][0], free[c][1], free[c][2]));
      }
      Map<String, Integer> split = Placement.split(totals[w], requests[w], rooms);
      for (int c = 0; c < free.length; c++) {
        Integer n = split.get(names[c]);
        if (n != null) {
          free[c][0] -= n * requests[w].cpuMillis();
          free[c][1] -= n * requests[w].memoryBytes();
          free[c][2] -= n;
        }
      }
      placed++;
    }
    return placed;
  }
}
