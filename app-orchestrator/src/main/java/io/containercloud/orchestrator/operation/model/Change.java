package io.containercloud.orchestrator.operation.model;

import io.containercloud.orchestrator.application.model.AppService;
import io.containercloud.orchestrator.workload.Autoscale;
import io.containercloud.orchestrator.workload.WorkloadResponse;
import java.util.Objects;
import tools.jackson.databind.node.ObjectNode;

/**
 * The next change a step makes to its workload, decided from what cluster-service holds now. A step
 * asks again after each change, so a change made before a crash is seen as made and never sent
 * twice; each change names the version it was decided on.
 */
public sealed interface Change {

  /** Create the workload. */
  record Deploy() implements Change {}

  record SetImage(String image) implements Change {}

  /** The workload's spec as the service defines it (the application's name in it). */
  record SetSpec(ObjectNode spec) implements Change {}

  record SetReplicas(int replicas) implements Change {}

  record SetAutoscale(Autoscale autoscale) implements Change {}

  record StopAutoscale() implements Change {}

  record Delete() implements Change {}

  /** Nothing (more) to change: the step waits for the workload to hold. */
  record None() implements Change {}

  /** Not now: asked again later. */
  record Wait(String why) implements Change {}

  /** Never: the step fails. */
  record Refuse(String why) implements Change {}

  /**
   * @param live the workload as cluster-service holds it, or null when it does not exist
   * @param target the service's definition (unused for stop and delete)
   */
  static Change next(
      StepAction action, String application, AppService target, WorkloadResponse live) {
    if (live != null && live.deleting()) {
      return action == StepAction.DELETE
          ? new None()
          : new Wait("workload " + live.name() + " is still being deleted");
    }
    if (live != null && !application.equals(live.application())) {
      return new Refuse(
          "workload "
              + live.name()
              + " exists and belongs to application '"
              + live.application()
              + "'");
    }
    return switch (action) {
      case START, UPGRADE -> live == null ? new Deploy() : towards(application, target, live);
      case STOP -> stop(live);
      case DELETE -> live == null ? new None() : new Delete();
    };
  }

  private static Change towards(String application, AppService target, WorkloadResponse live) {
    if (!target.image().equals(live.image())) {
      return new SetImage(target.image());
    }
    ObjectNode spec = target.spec().deepCopy().put("application", application);
    if (!Specs.same(spec, live.spec())) {
      return new SetSpec(spec);
    }
    if (target.autoscale() != null) {
      return target.autoscale().equals(live.autoscale())
          ? new None()
          : new SetAutoscale(target.autoscale());
    }
    if (live.autoscale() != null) {
      return new StopAutoscale();
    }
    return Objects.equals(target.replicas(), live.replicas())
        ? new None()
        : new SetReplicas(target.replicas());
  }

  private static Change stop(WorkloadResponse live) {
    if (live == null) {
      return new None();
    }
    if (live.autoscale() != null) {
      return new StopAutoscale();
    }
    return live.replicas() == 0 ? new None() : new SetReplicas(0);
  }
}
