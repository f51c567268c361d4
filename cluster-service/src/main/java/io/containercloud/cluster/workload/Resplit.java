package io.containercloud.cluster.workload;

import java.util.List;

/** What splitting every workload again around one cluster (failed or recovered) did. */
public sealed interface Resplit {

  /** Every workload that needed a new split got one; {@code changed} of them did. */
  record Complete(int changed) implements Resplit {}

  /**
   * Some workloads changed since they were read (a scale, a delete) and were left for the next
   * call, which decides on what they are now.
   *
   * @param changed workloads that got a new split
   * @param deferred the workloads left, as {@code tenant/name}
   */
  record Deferred(int changed, List<String> deferred) implements Resplit {}
}
