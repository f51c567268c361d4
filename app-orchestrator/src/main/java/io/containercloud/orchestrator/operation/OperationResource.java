package io.containercloud.orchestrator.operation;

import io.containercloud.common.error.ProblemException;
import io.containercloud.common.security.Caller;
import io.containercloud.orchestrator.application.Applications;
import io.containercloud.orchestrator.application.model.Application;
import io.containercloud.orchestrator.operation.model.Action;
import io.containercloud.orchestrator.operation.model.Operation;
import io.containercloud.orchestrator.operation.model.Step;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Operations on applications: start, stop, upgrade, restart and delete as one operation each, its
 * plan and state, a cancel, and its progress live as Server-Sent Events.
 */
@RestController
class OperationResource {

  private final Applications applications;
  private final Operations operations;
  private final OperationRepository repository;
  private final Progress progress;
  private final JsonMapper json;

  OperationResource(
      Applications applications,
      Operations operations,
      OperationRepository repository,
      Progress progress,
      JsonMapper json) {
    this.applications = applications;
    this.operations = operations;
    this.repository = repository;
    this.progress = progress;
    this.json = json;
  }

  /**
   * @param action {@code start}, {@code stop}, {@code upgrade} or {@code restart}
   * @param images for an upgrade: new images by service, stored as the application's next version
   */
  record OperationRequest(
      @NotNull
          @Pattern(
              regexp = "start|stop|upgrade|restart",
              message = "must be start, stop, upgrade or restart")
          String action,
      @Size(max = 50) Map<String, String> images) {}

  record StepView(
      int seq,
      int layer,
      String service,
      String workload,
      String action,
      String state,
      String reason,
      JsonNode clusters,
      Instant startedAt,
      Instant finishedAt,
      Instant deadline) {}

  record OperationView(
      long id,
      String tenant,
      String application,
      String action,
      long applicationVersion,
      String state,
      String requestedBy,
      String cause,
      boolean cancelRequested,
      String waitingFor,
      String error,
      Instant createdAt,
      Instant startedAt,
      Instant finishedAt,
      List<StepView> steps) {}

  @PostMapping("/applications/{tenant}/{name}/operations")
  ResponseEntity<OperationView> request(
      @PathVariable String tenant,
      @PathVariable String name,
      @Valid @RequestBody OperationRequest request) {
    Caller caller = Applications.requireWriter(tenant);
    Action action = Action.from(request.action()).orElseThrow();
    Map<String, String> images = request.images() == null ? Map.of() : request.images();
    if (!images.isEmpty() && action != Action.UPGRADE) {
      throw ProblemException.invalid("images", "only an upgrade takes images");
    }
    Application application = applications.find(tenant, name);
    return accepted(operations.request(application, action, images, caller));
  }

  /** Deletes the application: its workloads are removed in reverse order, then it is forgotten. */
  @DeleteMapping("/applications/{tenant}/{name}")
  ResponseEntity<OperationView> delete(@PathVariable String tenant, @PathVariable String name) {
    Caller caller = Applications.requireWriter(tenant);
    Application application = applications.find(tenant, name);
    return accepted(operations.request(application, Action.DELETE, Map.of(), caller));
  }

  @GetMapping("/applications/{tenant}/{name}/operations")
  List<OperationView> list(
      @PathVariable String tenant,
      @PathVariable String name,
      @RequestParam(defaultValue = "20") @Min(1) @Max(200) int limit) {
    Application application = applications.find(tenant, name);
    return repository.list(application.id(), limit).stream().map(this::view).toList();
  }

  @GetMapping("/operations/{id}")
  OperationView get(@PathVariable long id) {
    return view(find(id));
  }

  @PostMapping("/operations/{id}/cancel")
  ResponseEntity<OperationView> cancel(@PathVariable long id) {
    Operation operation = find(id);
    Caller caller = Applications.requireWriter(operation.tenant());
    if (!operations.cancel(operation, caller)) {
      throw ProblemException.conflict(
          "operation-finished", "Operation " + id + " has already ended.");
    }
    return ResponseEntity.accepted().body(view(find(id)));
  }

  /**
   * The operation's events as they happen, from its start or after {@code Last-Event-ID}: {@code
   * operation-created}, {@code operation-started}, {@code step-started}, {@code readiness} (per
   * cluster, when it changes), {@code step-finished}, {@code cancel-requested}, {@code
   * operation-finished} (then the stream ends).
   */
  @GetMapping(path = "/operations/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter events(
      @PathVariable long id,
      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
    Operation operation = find(id);
    int after = 0;
    if (lastEventId != null) {
      try {
        after = Math.max(0, Integer.parseInt(lastEventId.strip()));
      } catch (NumberFormatException e) {
        throw ProblemException.invalid("Last-Event-ID", "must be an event id of this stream");
      }
    }
    return progress.watch(operation.id(), after);
  }

  private Operation find(long id) {
    return repository
        .find(id)
        .filter(o -> Caller.current().canSee(o.tenant()))
        .orElseThrow(() -> ProblemException.notFound("operation", Long.toString(id)));
  }

  private ResponseEntity<OperationView> accepted(Operation operation) {
    return ResponseEntity.accepted()
        .location(URI.create("/operations/" + operation.id()))
        .body(view(operation));
  }

  private OperationView view(Operation operation) {
    return new OperationView(
        operation.id(),
        operation.tenant(),
        operation.application(),
        operation.action().value(),
        operation.applicationVersion(),
        operation.state().value(),
        operation.requestedBy(),
        operation.cause(),
        operation.cancelRequested(),
        operation.waitingFor(),
        operation.error(),
        operation.createdAt(),
        operation.startedAt(),
        operation.finishedAt(),
        operation.steps().stream().map(this::view).toList());
  }

  private StepView view(Step step) {
    return new StepView(
        step.seq(),
        step.layer(),
        step.service(),
        step.workload(),
        step.action().value(),
        step.state().value(),
        step.reason(),
        step.readiness() == null ? null : json.readTree(step.readiness()),
        step.startedAt(),
        step.finishedAt(),
        step.deadline());
  }
}
