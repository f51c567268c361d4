package io.containercloud.cluster.workload;

/** A change to a workload guarded by the version its writer read. */
sealed interface VersionedWrite {

  record Written() implements VersionedWrite {}

  /** The workload moved on since it was read (a change, a delete): nothing was written. */
  record Stale() implements VersionedWrite {}
}
