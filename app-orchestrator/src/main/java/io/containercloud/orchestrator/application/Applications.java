package io.containercloud.orchestrator.application;

import io.containercloud.common.error.FieldViolation;
import io.containercloud.common.error.ProblemException;
import io.containercloud.common.security.Caller;
import io.containercloud.orchestrator.application.model.AppService;
import io.containercloud.orchestrator.application.model.Application;
import io.containercloud.orchestrator.application.model.Definition;
import io.containercloud.orchestrator.application.model.Graph;
import io.containercloud.orchestrator.application.model.Names;
import io.containercloud.orchestrator.workload.Answer;
import io.containercloud.orchestrator.workload.ClusterWorkloads;
import io.containercloud.orchestrator.workload.DeployRequest;
import io.containercloud.orchestrator.workload.WorkloadResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

/**
 * Creates and changes applications. A definition is checked whole before anything is stored: its
 * own rules (names, dependencies, the graph without cycles), then each service's workload by a dry
 * run in cluster-service, as the caller, so what cluster-service would refuse is refused here,
 * before any operation starts.
 */
@Service
public class Applications {

  private final ApplicationRepository repository;
  private final ClusterWorkloads workloads;

  Applications(ApplicationRepository repository, ClusterWorkloads workloads) {
    this.repository = repository;
    this.workloads = workloads;
  }

  Application create(
      String tenant, String name, Definition definition, String user, String authorization) {
    check(tenant, name, definition, authorization);
    long id =
        repository
            .insert(tenant, name, definition, user)
            .orElseThrow(
                () ->
                    ProblemException.conflict(
                        "application-exists",
                        "Application '" + name + "' exists in tenant '" + tenant + "'."));
    return repository.find(id).orElseThrow();
  }

  Application update(
      Application current, long version, Definition definition, String user, String authorization) {
    if (current.deleting()) {
      throw ProblemException.conflict(
          "application-deleting", "Application '" + current.name() + "' is being deleted.");
    }
    check(current.tenant(), current.name(), definition, authorization);
    repository
        .update(current.id(), version, definition, user, "updated")
        .orElseThrow(() -> stale(current.name()));
    return repository.find(current.id()).orElseThrow();
  }

  /** The application, if the caller may see it; 404 alike when it does not exist. */
  public Application find(String tenant, String name) {
    if (!Caller.current().canSee(tenant)) {
      throw ProblemException.notFound("application", tenant + "/" + name);
    }
    return repository
        .find(tenant, name)
        .orElseThrow(() -> ProblemException.notFound("application", tenant + "/" + name));
  }

  /** The caller, if it may change the tenant's applications (and start their operations). */
  public static Caller requireWriter(String tenant) {
    Caller caller = Caller.current();
    if (!caller.canChange(tenant)) {
      throw ProblemException.forbidden(
          "Changing applications needs the developer role in the tenant.");
    }
    return caller;
  }

  static ProblemException stale(String name) {
    return ProblemException.conflict(
        "stale-version", "Application '" + name + "' changed since it was read; read it again.");
  }

  /** The layers of a definition that {@link #check} accepted. */
  public static Graph.Layers layers(Definition definition) {
    return (Graph.Layers) definition.order();
  }

  private void check(String tenant, String name, Definition definition, String authorization) {
    List<FieldViolation> violations = definition.violations(tenant, name);
    if (!violations.isEmpty()) {
      throw ProblemException.unprocessable(
          "invalid-application", "The application's services do not fit together.", violations);
    }
    if (definition.order() instanceof Graph.Cycle cycle) {
      throw cycle(definition, cycle);
    }
    List<FieldViolation> refused = new ArrayList<>();
    for (int i = 0; i < definition.services().size(); i++) {
      refused.addAll(dryRun(tenant, name, definition.services().get(i), i, authorization));
    }
    if (!refused.isEmpty()) {
      throw ProblemException.unprocessable(
          "workload-refused",
          "cluster-service would refuse the workloads of some services; nothing was stored.",
          refused);
    }
  }

  private static ProblemException cycle(Definition definition, Graph.Cycle cycle) {
    String path = String.join(" -> ", cycle.path());
    List<FieldViolation> violations = new ArrayList<>();
    for (int i = 0; i < definition.services().size(); i++) {
      if (cycle.path().contains(definition.services().get(i).name())) {
        violations.add(
            new FieldViolation("services[" + i + "].dependsOn", "is part of the cycle " + path));
      }
    }
    Map<String, Object> members = new LinkedHashMap<>();
    members.put("cycle", cycle.path());
    return ProblemException.unprocessable(
        "dependency-cycle",
        "The services depend on each other in a cycle: " + path + ".",
        violations,
        members);
  }

  /** What cluster-service says of the service's workload, as violations of the service's fields. */
  private List<FieldViolation> dryRun(
      String tenant, String application, AppService service, int index, String authorization) {
    String at = "services[" + index + "]";
    String workload = Names.workload(application, service.name());
    Answer<JsonNode> answer = workloads.plan(authorization, deployRequest(application, service));
    if (answer instanceof Answer.Unavailable<JsonNode> unavailable) {
      throw ProblemException.unavailable(
          "cluster-service-unavailable",
          "The services cannot be checked now: " + unavailable.why(),
          null);
    }
    if (!(answer instanceof Answer.Refused<JsonNode> refused)) {
      return List.of();
    }
    if (refused.status() == 409 && "workload-exists".equals(refused.code())) {
      return owned(tenant, application, workload, at);
    }
    if (refused.status() == 401 || refused.status() == 403) {
      throw ProblemException.forbidden(
          refused.detail() == null ? "cluster-service refused the caller." : refused.detail());
    }
    if (refused.violations().isEmpty()) {
      return List.of(new FieldViolation(at, refused.detail()));
    }
    return refused.violations().stream()
        .map(v -> new FieldViolation(at + "." + v.field(), v.reason()))
        .toList();
  }

  /** A workload of that name is fine when it is this application's (a service deployed before). */
  private List<FieldViolation> owned(
      String tenant, String application, String workload, String at) {
    Answer<WorkloadResponse> existing = workloads.get(tenant, workload);
    if (existing instanceof Answer.Ok<WorkloadResponse> ok
        && application.equals(ok.value().application())) {
      return List.of();
    }
    return List.of(
        new FieldViolation(
            at + ".name",
            "its workload " + workload + " exists and belongs to another application"));
  }

  /** The deploy of {@code service}'s workload, the spec naming the application. */
  public static DeployRequest deployRequest(String application, AppService service) {
    tools.jackson.databind.node.ObjectNode spec = service.spec().deepCopy();
    spec.put("application", application);
    return new DeployRequest(
        Names.workload(application, service.name()),
        service.image(),
        service.replicas(),
        service.autoscale(),
        spec);
  }
}
