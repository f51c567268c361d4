package io.containercloud.orchestrator.operation;

import io.containercloud.common.event.contract.WorkloadStatus;
import io.containercloud.orchestrator.application.ApplicationRepository;
import io.containercloud.orchestrator.application.Applications;
import io.containercloud.orchestrator.application.model.AppService;
import io.containercloud.orchestrator.application.model.Definition;
import io.containercloud.orchestrator.operation.model.Change;
import io.containercloud.orchestrator.operation.model.Operation;
import io.containercloud.orchestrator.operation.model.ReadinessCheck;
import io.containercloud.orchestrator.operation.model.State;
import io.containercloud.orchestrator.operation.model.Step;
import io.containercloud.orchestrator.operation.model.StepAction;
import io.containercloud.orchestrator.workload.Answer;
import io.containercloud.orchestrator.workload.ClusterWorkloads;
import io.containercloud.orchestrator.workload.WorkloadResponse;
import io.containercloud.orchestrator.workload.WorkloadStatuses;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * One step at a time: first the changes its action needs, each decided from the workload as
 * cluster-service holds it then (so a change made before a crash is seen, not made again) and
 * naming the version it was decided on; then waiting until the workload holds at the version the
 * changes produced, by the {@code workload.status} events or, when none came for a while, by a
 * read. A step that does not hold by its deadline fails, with what its clusters showed last.
 */
@Component
class StepDriver {

  private static final int CHANGES_PER_TURN = 6;

  /** Bounds the definitions kept; when full it starts over, costing only reads. */
  private static final int MAX_DEFINITIONS = 1_000;

  private final OperationRepository repository;
  private final ApplicationRepository applications;
  private final ClusterWorkloads workloads;
  private final WorkloadStatuses statuses;
  private final Progress progress;
  private final TransactionTemplate tx;
  private final OperationProperties properties;
  private final JsonMapper json;
  private final Clock clock = Clock.systemUTC();
  private final Map<String, Instant> lastRead = new ConcurrentHashMap<>();
  private final Map<Planned, Definition> definitions = new ConcurrentHashMap<>();

  /** An operation as created. */
  private record Planned(long id, Instant createdAt) {}

  StepDriver(
      OperationRepository repository,
      ApplicationRepository applications,
      ClusterWorkloads workloads,
      WorkloadStatuses statuses,
      Progress progress,
      TransactionTemplate tx,
      OperationProperties properties,
      JsonMapper json) {
    this.repository = repository;
    this.applications = applications;
    this.workloads = workloads;
    this.statuses = statuses;
    this.progress = progress;
    this.tx = tx;
    this.properties = properties;
    this.json = json;
  }

  /** Starts a pending step: it runs, with a deadline, from now. */
  void start(Operation operation, Step step) {
    AppService target = target(operation, step);
    Duration timeout =
        target == null || step.action() == StepAction.STOP || step.action() == StepAction.DELETE
            ? properties.stopTimeout()
            : Duration.ofSeconds(target.readiness().timeoutSeconds());
    tx.executeWithoutResult(
        status -> {
          repository.startStep(operation.id(), step.seq(), timeout);
          progress.append(operation.id(), "step-started", stepData(step));
        });
  }

  /** Moves a running step on; the state it is in afterwards. */
  State drive(Operation operation, Step step) {
    AppService target = target(operation, step);
    if (step.resultVersion() == null) {
      Long result = change(operation, step, target);
      if (result == null) {
        return State.RUNNING;
      }
      if (result < 0) {
        return State.FAILED;
      }
      repository.recordResult(operation.id(), step.seq(), result);
      return await(operation, step, target, result);
    }
    return await(operation, step, target, step.resultVersion());
  }

  /**
   * Makes the changes the step needs: the version they produced, null when it has to wait (asked
   * again later), or -1 when the step failed.
   */
  private Long change(Operation operation, Step step, AppService target) {
    int calls = step.calls();
    // a start's first call, for a workload no status event named: most likely not there yet, so it
    // is deployed without a read first (one call less); if it is there, the deploy is refused and
    // the workload read
    Answer<WorkloadResponse> live =
        calls == 0
                && step.action() == StepAction.START
                && statuses.get(operation.tenant(), step.workload()).isEmpty()
            ? new Answer.Missing<>()
            : learnt(workloads.get(operation.tenant(), step.workload()));
    for (int turn = 0; turn < CHANGES_PER_TURN; turn++) {
      if (live instanceof Answer.Unavailable<WorkloadResponse> unavailable) {
        waiting(operation, unavailable.why());
        return null;
      }
      if (live instanceof Answer.Refused<WorkloadResponse> refused) {
        return fail(
            operation, step, "cluster-service refused to show the workload: " + refused.detail());
      }
      WorkloadResponse current = live instanceof Answer.Ok<WorkloadResponse> ok ? ok.value() : null;
      Change change = Change.next(step.action(), operation.application(), target, current);
      if (change instanceof Change.None) {
        waiting(operation, null);
        return current == null ? 0L : current.version();
      }
      if (change instanceof Change.Wait wait) {
        waiting(operation, wait.why());
        return null;
      }
      if (change instanceof Change.Refuse refuse) {
        return fail(operation, step, refuse.why());
      }
      calls++;
      Long expected = current == null ? null : current.version();
      repository.recordCall(operation.id(), step.seq(), calls, expected);
      String key = "op-" + operation.id() + "-" + step.seq() + "-" + calls;
      Answer<WorkloadResponse> answer =
          learnt(send(operation, step, target, change, key, expected));
      if (answer instanceof Answer.Refused<WorkloadResponse> refused
          && !refused.staleVersion()
          && !refused.exists()) {
        return fail(
            operation,
            step,
            "cluster-service refused " + describe(change) + ": " + detail(refused));
      }
      boolean answered =
          answer instanceof Answer.Unavailable<WorkloadResponse>
              || (answer instanceof Answer.Ok<WorkloadResponse> ok && ok.value() != null);
      // a change's answer is the workload after it; a delete's, a stale one's or a deploy's of a
      // workload that exists is read again
      live = answered ? answer : learnt(workloads.get(operation.tenant(), step.workload()));
    }
    return null; // more changes than a turn makes: the next round goes on
  }

  /**
   * Keeps the status a read or a change answered with: the wait that follows starts from it rather
   * than reading the workload again before its first status event.
   */
  private Answer<WorkloadResponse> learnt(Answer<WorkloadResponse> answer) {
    if (answer instanceof Answer.Ok<WorkloadResponse> ok
        && ok.value() != null
        && ok.value().status() != null) {
      statuses.learnt(ok.value().status());
    }
    return answer;
  }

  private Answer<WorkloadResponse> send(
      Operation operation, Step step, AppService target, Change change, String key, Long version) {
    String tenant = operation.tenant();
    String name = step.workload();
    if (change instanceof Change.Deploy) {
      return workloads.deploy(
          tenant, key, Applications.deployRequest(operation.application(), target));
    }
    if (change instanceof Change.SetImage image) {
      return workloads.image(tenant, name, key, version, image.image());
    }
    if (change instanceof Change.SetSpec spec) {
      return workloads.spec(tenant, name, key, version, spec.spec());
    }
    if (change instanceof Change.SetReplicas replicas) {
      return workloads.replicas(tenant, name, key, version, replicas.replicas());
    }
    if (change instanceof Change.SetAutoscale autoscale) {
      return workloads.autoscale(tenant, name, key, version, autoscale.autoscale());
    }
    if (change instanceof Change.StopAutoscale) {
      return workloads.stopAutoscale(tenant, name, key, version);
    }
    Answer<Void> deleted = workloads.delete(tenant, name, key, version);
    if (deleted instanceof Answer.Refused<Void> refused) {
      return new Answer.Refused<>(
          refused.status(), refused.code(), refused.detail(), refused.violations());
    }
    if (deleted instanceof Answer.Unavailable<Void> unavailable) {
      return new Answer.Unavailable<>(unavailable.why());
    }
    return new Answer.Ok<>(null);
  }

  /** Waits for the workload to hold at {@code version}; the step's state afterwards. */
  private State await(Operation operation, Step step, AppService target, long version) {
    WorkloadStatus status = status(operation, step);
    if (status == UNKNOWN) {
      return timedOut(operation, step, step.readiness()) ? State.FAILED : State.RUNNING;
    }
    ReadinessCheck.Verdict verdict = ReadinessCheck.check(step.action(), target, status, version);
    String readiness = readiness(status);
    if (!Objects.equals(readiness, step.readiness())) {
      tx.executeWithoutResult(
          s -> {
            repository.recordReadiness(operation.id(), step.seq(), readiness);
            progress.append(
                operation.id(),
                "readiness",
                stepData(step)
                    .put("summary", verdict.summary())
                    .set("clusters", json.readTree(readiness)));
          });
    }
    if (verdict.holds()) {
      tx.executeWithoutResult(
          s -> {
            repository.finishStep(operation.id(), step.seq(), State.DONE, null);
            progress.append(
                operation.id(),
                "step-finished",
                stepData(step).put("state", State.DONE.value()).put("summary", verdict.summary()));
          });
      return State.DONE;
    }
    return timedOut(operation, step, verdict.summary()) ? State.FAILED : State.RUNNING;
  }

  private static final WorkloadStatus UNKNOWN = new WorkloadStatus("", "", -1, "", 0, null);

  /**
   * What the step's workload runs: the last status event, or a read when none came within {@code
   * read-after} (nor was read within it); null when it is gone, {@link #UNKNOWN} when
   * cluster-service cannot say now.
   */
  private WorkloadStatus status(Operation operation, Step step) {
    String key = WorkloadStatuses.key(operation.tenant(), step.workload());
    Instant now = clock.instant();
    Instant recently = now.minus(properties.readAfter());
    WorkloadStatuses.Seen seen = statuses.get(operation.tenant(), step.workload()).orElse(null);
    long wanted = step.resultVersion() == null ? 0 : step.resultVersion();
    boolean fresh =
        seen != null
            && (seen.status() == null || seen.status().version() >= wanted)
            && seen.at().isAfter(recently);
    Instant read = lastRead.get(key);
    if (fresh || (seen != null && read != null && read.isAfter(recently))) {
      return seen.status();
    }
    lastRead.put(key, now);
    Answer<WorkloadResponse> answer = workloads.get(operation.tenant(), step.workload());
    if (answer instanceof Answer.Ok<WorkloadResponse> ok) {
      waiting(operation, null);
      statuses.learnt(ok.value().status());
      return ok.value().status();
    }
    if (answer instanceof Answer.Missing<WorkloadResponse>) {
      waiting(operation, null);
      statuses.gone(operation.tenant(), step.workload());
      return null;
    }
    if (answer instanceof Answer.Unavailable<WorkloadResponse> unavailable) {
      waiting(operation, unavailable.why());
    }
    return seen == null ? UNKNOWN : seen.status();
  }

  /**
   * Says what the operation waits for (null: nothing); a clear of what was clear already when it
   * was read is no write at all.
   */
  private void waiting(Operation operation, String why) {
    if (why != null || operation.waitingFor() != null) {
      repository.waitingFor(operation.id(), why);
    }
  }

  private boolean timedOut(Operation operation, Step step, String summary) {
    if (step.deadline() == null || clock.instant().isBefore(step.deadline())) {
      return false;
    }
    String what =
        step.action() == StepAction.STOP
            ? "not stopped"
            : step.action() == StepAction.DELETE ? "not deleted" : "not Ready";
    long seconds = Duration.between(step.startedAt(), step.deadline()).toSeconds();
    fail(
        operation,
        step,
        what + " within " + seconds + "s: " + (summary == null ? "no status" : summary));
    return true;
  }

  private Long fail(Operation operation, Step step, String reason) {
    tx.executeWithoutResult(
        s -> {
          repository.finishStep(operation.id(), step.seq(), State.FAILED, reason);
          progress.append(
              operation.id(),
              "step-finished",
              stepData(step).put("state", State.FAILED.value()).put("reason", reason));
        });
    return -1L;
  }

  /**
   * The service the step applies, from the operation's version of its application: read once per
   * operation (a version never changes, and every move of a step needed it), keyed by the operation
   * as created so that an id used again after the tables were emptied never hits.
   */
  private AppService target(Operation operation, Step step) {
    Planned key = new Planned(operation.id(), operation.createdAt());
    Definition definition = definitions.get(key);
    if (definition == null) {
      definition =
          applications
              .version(operation.applicationId(), operation.applicationVersion())
              .map(ApplicationRepository.Version::definition)
              .orElse(null);
      if (definition == null) {
        return null;
      }
      if (definitions.size() >= MAX_DEFINITIONS) {
        definitions.clear();
      }
      definitions.put(key, definition);
    }
    return definition.service(step.service()).orElse(null);
  }

  private String readiness(WorkloadStatus status) {
    return status == null ? "[]" : json.writeValueAsString(status.clusters());
  }

  private tools.jackson.databind.node.ObjectNode stepData(Step step) {
    return progress
        .data()
        .put("step", step.seq())
        .put("service", step.service())
        .put("workload", step.workload())
        .put("action", step.action().value());
  }

  private static String describe(Change change) {
    return change.getClass().getSimpleName();
  }

  private static String detail(Answer.Refused<?> refused) {
    String violations =
        refused.violations().stream()
            .map(v -> v.field() + " " + v.reason())
            .collect(Collectors.joining("; "));
    return (refused.detail() == null ? refused.status() + "" : refused.detail())
        + (violations.isEmpty() ? "" : " (" + violations + ")");
  }
}
