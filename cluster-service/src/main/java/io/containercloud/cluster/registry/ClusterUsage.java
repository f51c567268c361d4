package io.containercloud.cluster.registry;

/** Tells whether anything still runs on a cluster (implemented where workloads live). */
public interface ClusterUsage {

  /** How many workloads have objects in the cluster. */
  int workloadsOn(String cluster);
}
