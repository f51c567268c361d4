package io.containercloud.orchestrator.operation.model;

/** What a step does to its service's workload. */
public enum StepAction {
  /** Runs the service as its definition says: deployed, or scaled back up, on its image. */
  START,
  /** Scales the workload to zero (autoscaling stopped first); it stays defined. */
  STOP,
  /** Brings a running workload to the definition: image, replicas, autoscale. */
  UPGRADE,
  /** Removes the workload from every cluster. */
  DELETE;

  public String value() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
