package io.containercloud.cluster.workload.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A workload's desired state and its split over clusters, as stored.
 *
 * @param autoscale null when the replica count is set by hand
 * @param deleting whether it is being removed from its clusters
 * @param version bumped by every change (the API's ETag)
 */
public record Workload(
    long id,
    String tenant,
    String name,
    WorkloadSpec spec,
    String image,
    int replicas,
    Autoscale autoscale,
    boolean deleting,
    long version,
    Instant createdAt,
    List<Placed> clusters) {

  /**
   * One cluster's share and what the reconciler last saw there.
   *
   * @param replicas what the cluster should run
   * @param image the image it should run (an upgrade moves one cluster at a time)
   * @param ready Ready replicas seen
   * @param settled whether the Deployment had fully rolled out what was last written
   * @param waitingFor why the cluster has not taken the workload's image yet, or null
   */
  public record Placed(
      String cluster,
      int replicas,
      String image,
      int ready,
      boolean settled,
      String lastError,
      int failures,
      Instant nextAttemptAt,
      Instant reconciledAt,
      List<String> endpoints,
      String waitingFor) {}

  /** The cluster's share, or null when the workload has none there. */
  public Placed in(String cluster) {
    return clusters.stream().filter(p -> p.cluster().equals(cluster)).findFirst().orElse(null);
  }

  /** Replicas per cluster as stored. */
  public Map<String, Integer> split() {
    Map<String, Integer> split = new TreeMap<>();
    clusters.forEach(p -> split.put(p.cluster(), p.replicas()));
    return split;
  }
}
