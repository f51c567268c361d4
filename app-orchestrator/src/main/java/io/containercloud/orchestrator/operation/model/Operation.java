package io.containercloud.orchestrator.operation.model;

import java.time.Instant;
import java.util.List;

/**
 * One operation on an application, as stored: the plan of steps it runs and where it stands.
 *
 * @param applicationVersion the version of the application it applies
 * @param requestedBy who asked (a user, or {@code service:app-orchestrator} for an image push)
 * @param cause why: {@code api}, or the push that started it
 * @param cancelRequested no further step starts; running ones finish
 * @param waitingFor why it cannot move on now (cluster-service unavailable), or null
 */
public record Operation(
    long id,
    long applicationId,
    String tenant,
    String application,
    Action action,
    long applicationVersion,
    State state,
    String requestedBy,
    String cause,
    boolean cancelRequested,
    String waitingFor,
    String error,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    List<Step> steps) {

  public Operation {
    steps = steps == null ? List.of() : List.copyOf(steps);
  }

  /** The steps that may start now: the pending ones of the first layer not yet done. */
  public List<Step> startable() {
    int layer =
        steps.stream()
            .filter(s -> s.state() != State.DONE)
            .mapToInt(Step::layer)
            .min()
            .orElse(Integer.MAX_VALUE);
    return steps.stream().filter(s -> s.layer() == layer && s.state() == State.PENDING).toList();
  }

  /** How many layers have a step not ended yet: its longest way to go. */
  public int layersLeft() {
    return (int)
        steps.stream().filter(s -> !s.state().finished()).mapToInt(Step::layer).distinct().count();
  }

  public List<Step> running() {
    return steps.stream().filter(s -> s.state() == State.RUNNING).toList();
  }

  /** How it ends once nothing runs: failed if a step failed, else cancelled or done. */
  public State outcome() {
    if (steps.stream().anyMatch(s -> s.state() == State.FAILED)) {
      return State.FAILED;
    }
    if (cancelRequested || steps.stream().anyMatch(s -> s.state() == State.CANCELLED)) {
      return State.CANCELLED;
    }
    return State.DONE;
  }

  /** Whether no further step may start: a step failed, or a cancel was asked for. */
  public boolean draining() {
    return cancelRequested || steps.stream().anyMatch(s -> s.state() == State.FAILED);
  }
}
