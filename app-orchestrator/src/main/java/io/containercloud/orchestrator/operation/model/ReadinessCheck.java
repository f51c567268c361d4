package io.containercloud.orchestrator.operation.model;

import io.containercloud.common.event.contract.WorkloadStatus;
import io.containercloud.orchestrator.application.model.AppService;
import java.util.stream.Collectors;

/**
 * Whether a step's workload holds what the step made: Ready by the service's rule (start, upgrade),
 * at zero (stop), or gone (delete), judged from a {@code workload.status} or a read at the step's
 * result version or a later one.
 */
public final class ReadinessCheck {

  /** The verdict, with a one-line summary of the clusters for the status and the log. */
  public record Verdict(boolean holds, String summary) {}

  private ReadinessCheck() {}

  /**
   * @param status what the workload's clusters run, or null when it does not exist
   * @param resultVersion the version the step's changes produced
   */
  public static Verdict check(
      StepAction action, AppService target, WorkloadStatus status, long resultVersion) {
    if (status == null) {
      return new Verdict(action == StepAction.DELETE || action == StepAction.STOP, "no workload");
    }
    String summary = summary(status);
    if (status.version() < resultVersion || action == StepAction.DELETE) {
      return new Verdict(false, summary);
    }
    boolean settled = status.clusters().stream().allMatch(WorkloadStatus.Cluster::settled);
    if (action == StepAction.STOP) {
      return new Verdict(status.replicas() == 0 && status.ready() == 0 && settled, summary);
    }
    boolean onImage =
        status.clusters().stream().allMatch(c -> c.image().equals(status.image()))
            && status.image().equals(target.image());
    Integer minReady = target.readiness().minReady();
    int needed = minReady == null ? status.replicas() : Math.min(minReady, status.replicas());
    boolean placed = status.replicas() == 0 || !status.clusters().isEmpty();
    return new Verdict(onImage && settled && placed && status.ready() >= needed, summary);
  }

  /** {@code 2/3 Ready: room-1 1/1, room-2 1/1, room-3 0/1 (why)}. */
  static String summary(WorkloadStatus status) {
    return status.ready()
        + "/"
        + status.replicas()
        + " Ready"
        + status.clusters().stream()
            .map(
                c ->
                    c.cluster()
                        + " "
                        + c.ready()
                        + "/"
                        + c.replicas()
                        + (c.settled() ? "" : " rolling")
                        + (c.waitingFor() == null ? "" : " (" + c.waitingFor() + ")")
                        + (c.lastError() == null ? "" : " (" + c.lastError() + ")"))
            .collect(Collectors.joining(", ", status.clusters().isEmpty() ? "" : ": ", ""));
  }
}
