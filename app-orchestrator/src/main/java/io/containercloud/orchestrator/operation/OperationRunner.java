package io.containercloud.orchestrator.operation;

import io.containercloud.common.leader.Leadership;
import io.containercloud.common.loop.BackgroundLoop;
import io.containercloud.common.loop.KeyQueue;
import io.containercloud.orchestrator.application.ApplicationRepository;
import io.containercloud.orchestrator.operation.model.Action;
import io.containercloud.orchestrator.operation.model.Operation;
import io.containercloud.orchestrator.operation.model.State;
import io.containercloud.orchestrator.operation.model.Step;
import io.containercloud.orchestrator.workload.WorkloadStatuses;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs the operations, on the leader only. Everything it knows is in the database, so a new leader,
 * or this one after a crash, goes on from the step each operation was in.
 *
 * <p>An operation starts once no other operation of its application runs; its steps start layer by
 * layer, each layer once every earlier one is done; after a failed step or a cancel no step starts,
 * the running ones finish, and the operation ends failed or cancelled with the steps that never
 * started cancelled. Every {@code interval} each operation is looked at; in between, the one whose
 * workload's status changed (a {@code workload.status} event) is looked at at once, so nothing
 * polls while it waits.
 */
@Component
class OperationRunner extends BackgroundLoop {

  private final OperationRepository repository;
  private final ApplicationRepository applications;
  private final StepDriver steps;
  private final Progress progress;
  private final AppEvents events;
  private final Leadership leadership;
  private final TransactionTemplate tx;
  private final WorkloadStatuses statuses;

  /** Workload ({@code tenant/name}) to the operation one of whose running steps waits on it. */
  private final Map<String, Long> awaited = new ConcurrentHashMap<>();

  /**
   * Operation to its layers left, as last seen by this leader: the one with the longest way to go
   * is looked at first, so that when many compete the deepest applications, whose layers wait on
   * each other, are not held up behind shallow ones that have time to spare.
   */
  private final Map<Long, Integer> layersLeft = new ConcurrentHashMap<>();

  private final KeyQueue<Long> queue;

  OperationRunner(
      OperationRepository repository,
      ApplicationRepository applications,
      StepDriver steps,
      Progress progress,
      AppEvents events,
      Leadership leadership,
      TransactionTemplate tx,
      WorkloadStatuses statuses,
      OperationProperties properties) {
    super("operation-runner", properties.interval(), properties.interval(), properties.interval());
    this.repository = repository;
    this.applications = applications;
    this.steps = steps;
    this.progress = progress;
    this.events = events;
    this.leadership = leadership;
    this.tx = tx;
    this.statuses = statuses;
    this.queue =
        new KeyQueue<>(
            "operation-step",
            properties.parallelism(),
            this::advance,
            id -> layersLeft.getOrDefault(id, 0),
            properties.interval(),
            properties.interval());
    statuses.onChange(
        workload -> {
          Long operation = awaited.get(workload);
          if (operation != null) {
            queue.add(operation);
          }
        });
  }

  /**
   * Looks at these operations now (a new one, a cancel, one whose turn came) rather than at the
   * next sweep: with fifty applications starting at once, a round over every operation each time
   * one of them was asked for or ended was most of the orchestrator's work.
   */
  void wake(Collection<Long> operations) {
    queue.add(operations);
  }

  /** A new operation, looked at now, in its turn by the layers it has to go. */
  void wake(Operation operation) {
    if (leadership.isLeader()) {
      layersLeft.put(operation.id(), operation.layersLeft());
    }
    queue.add(operation.id());
  }

  @Override
  public void start() {
    queue.start();
    super.start();
  }

  @Override
  public void stop() {
    super.stop();
    queue.stop();
  }

  /** A sweep: every active operation, after those asked for. */
  @Override
  protected boolean round() {
    if (leadership.isLeader()) {
      statuses.prune();
      List<Long> active = repository.activeIds();
      layersLeft.keySet().retainAll(active);
      queue.sweep(active);
    }
    return false;
  }

  /** Moves one operation on as far as it can go now. */
  private void advance(long id) {
    for (int pass = 0; pass < 100 && leadership.isLeader(); pass++) {
      Operation operation = repository.find(id).orElse(null);
      if (operation == null || operation.state().finished()) {
        layersLeft.remove(id);
        return;
      }
      layersLeft.put(id, operation.layersLeft());
      if (operation.state() == State.PENDING && !begin(operation)) {
        return; // queued behind another operation of its application
      }
      boolean moved = false;
      for (Step step : operation.running()) {
        moved |= drive(operation, step);
      }
      if (moved) {
        operation = repository.find(id).orElseThrow();
      }
      if (!operation.draining()) {
        for (Step step : operation.startable()) {
          steps.start(operation, step);
          moved = true;
        }
      }
      if (!moved && operation.running().isEmpty()) {
        end(operation);
        layersLeft.remove(id);
        return;
      }
      if (!moved) {
        return;
      }
    }
  }

  private boolean begin(Operation operation) {
    if (repository.anotherRuns(operation.applicationId(), operation.id())) {
      return false;
    }
    tx.executeWithoutResult(
        status -> {
          repository.start(operation.id());
          events.started(operation);
          progress.append(
              operation.id(),
              "operation-started",
              progress
                  .data()
                  .put("operation", operation.id())
                  .put("action", operation.action().value()));
        });
    return true;
  }

  /** Drives a running step; whether it finished (so the next layer may start). */
  private boolean drive(Operation operation, Step step) {
    String workload = WorkloadStatuses.key(operation.tenant(), step.workload());
    awaited.put(workload, operation.id());
    State after = steps.drive(operation, step);
    if (after.finished()) {
      awaited.remove(workload, operation.id());
      return true;
    }
    return false;
  }

  private void end(Operation operation) {
    State outcome = operation.outcome();
    String error =
        operation.steps().stream()
            .filter(s -> s.state() == State.FAILED)
            .findFirst()
            .map(s -> s.service() + ": " + s.reason())
            .orElse(null);
    tx.executeWithoutResult(
        status -> {
          if (outcome != State.DONE) {
            repository.cancelPending(
                operation.id(),
                outcome == State.FAILED ? "the operation failed at " + error : "cancelled");
          }
          repository.finish(operation.id(), outcome, error);
          if (operation.action() == Action.DELETE && outcome == State.DONE) {
            applications.delete(operation.applicationId());
          }
          events.finished(operation, outcome.value(), error);
          progress.append(
              operation.id(),
              Progress.FINISHED,
              progress
                  .data()
                  .put("operation", operation.id())
                  .put("state", outcome.value())
                  .put("error", error));
        });
    wake(repository.pendingIds(operation.applicationId())); // queued behind this one
  }
}
