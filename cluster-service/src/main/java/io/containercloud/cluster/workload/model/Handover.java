package io.containercloud.cluster.workload.model;

import java.util.Map;

/**
 * How replicas move between clusters without the service losing capacity: a cluster whose share
 * shrinks gives up replicas only as far as Ready replicas elsewhere cover the total. New replicas
 * start elsewhere first (their share grows at once); old ones go as those become Ready.
 */
public final class Handover {

  private Handover() {}

  /**
   * The replicas {@code cluster} should run now.
   *
   * @param share the cluster's share by the split
   * @param running what its Deployment asks for now (0 when it has none)
   * @param total the workload's total
   * @param ready Ready replicas per cluster as last seen (this one's is not counted)
   */
  public static int replicas(
      String cluster, int share, int running, int total, Map<String, Integer> ready) {
    if (running <= share) {
      return share;
    }
    int elsewhere =
        ready.entrySet().stream()
            .filter(e -> !e.getKey().equals(cluster))
            .mapToInt(Map.Entry::getValue)
            .sum();
    return Math.min(running, Math.max(share, total - elsewhere));
  }
}
