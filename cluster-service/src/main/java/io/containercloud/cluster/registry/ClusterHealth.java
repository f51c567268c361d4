package io.containercloud.cluster.registry;

import java.time.Instant;
import java.util.List;

/**
 * What the last probes found of a cluster.
 *
 * @param reachable whether the last probe got an answer
 * @param consecutiveFailures probes in a row that got none (0 when reachable)
 * @param nodes nodes the cluster has
 * @param readyNodes of which Ready
 * @param lastProbeAt when the probe shown here started (a later-started probe always wins)
 * @param lastError why the last probe failed, or null
 * @param capacity per node: allocatable minus what pods request (from the last good probe)
 */
public record ClusterHealth(
    boolean reachable,
    int consecutiveFailures,
    int nodes,
    int readyNodes,
    Instant lastProbeAt,
    String lastError,
    List<NodeCapacity> capacity) {

  /** Free resources of one node. */
  public record NodeCapacity(
      String node, boolean ready, long freeCpuMillis, long freeMemoryBytes, long freePods) {}

  static ClusterHealth unknown() {
    return new ClusterHealth(false, 0, 0, 0, null, "not probed yet", List.of());
  }

  /** The share of nodes that are Ready (0 without nodes). */
  public double readyShare() {
    return nodes == 0 ? 0 : (double) readyNodes / nodes;
  }
}
