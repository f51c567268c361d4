package io.containercloud.cluster.placement;

/**
 * What a cluster can still give one workload: its free allocatable CPU, memory and pod slots
 * (allocatable minus what is requested on its nodes, the workload's own replicas counted as free
 * when it is being re-split).
 *
 * @param cluster the cluster's name (ties are broken by it, so the split is deterministic)
 * @param freeCpuMillis free CPU in millicores
 * @param freeMemoryBytes free memory in bytes
 * @param freePods free pod slots
 */
public record Room(String cluster, long freeCpuMillis, long freeMemoryBytes, long freePods) {

  public Room {
    if (freeCpuMillis < 0 || freeMemoryBytes < 0 || freePods < 0) {
      throw new IllegalArgumentException("free resources cannot be negative: " + cluster);
    }
  }

  /** How many replicas with these requests fit. */
  public long replicasOf(Request request) {
    return Math.min(
        freePods,
        Math.min(freeCpuMillis / request.cpuMillis(), freeMemoryBytes / request.memoryBytes()));
  }
}
