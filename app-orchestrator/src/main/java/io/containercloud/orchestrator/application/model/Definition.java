package io.containercloud.orchestrator.application.model;

import io.containercloud.common.error.FieldViolation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What an application is made of, as a version of it stores it: a description and its services.
 * {@link #violations} holds the rules that need no other service; cluster-service checks each
 * service's workload (through a dry run) once these hold.
 */
public record Definition(
    @Size(max = 500) String description,
    @NotNull @Size(min = 1, max = 50, message = "must hold 1 to 50 services")
        List<@NotNull @Valid AppService> services) {

  public Definition {
    description = description == null ? "" : description;
    services = services == null ? List.of() : List.copyOf(services);
  }

  /** The service named {@code name}. */
  public Optional<AppService> service(String name) {
    return services.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** Services to the services they depend on, in the order given. */
  public Map<String, List<String>> dependsOn() {
    Map<String, List<String>> graph = new LinkedHashMap<>();
    services.forEach(s -> graph.put(s.name(), s.dependsOn().stream().distinct().toList()));
    return graph;
  }

  /** The start order, or the cycle that prevents one; only once {@link #violations} is empty. */
  public Graph.Order order() {
    return Graph.order(dependsOn());
  }

  /** What is wrong with it for application {@code name} of {@code tenant}, field by field. */
  public List<FieldViolation> violations(String tenant, String name) {
    List<FieldViolation> violations = new ArrayList<>();
    Set<String> names = new HashSet<>();
    services.forEach(s -> names.add(s.name()));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < services.size(); i++) {
      AppService service = services.get(i);
      String at = "services[" + i + "].";
      if (!seen.add(service.name())) {
        violations.add(new FieldViolation(at + "name", "is used twice"));
      }
      if (Names.workload(name, service.name()).length() > Names.MAX_WORKLOAD_NAME) {
        violations.add(
            new FieldViolation(
                at + "name",
                "makes the workload name '<application>-<service>' longer than "
                    + Names.MAX_WORKLOAD_NAME));
      }
      for (int j = 0; j < service.dependsOn().size(); j++) {
        if (!names.contains(service.dependsOn().get(j))) {
          violations.add(
              new FieldViolation(
                  at + "dependsOn[" + j + "]", "names no service of the application"));
        }
      }
      checkWorkload(service, at, violations);
      if (service.follow() != null && !service.follow().project().equals(tenant)) {
        violations.add(
            new FieldViolation(
                at + "follow.repository",
                "must be in the tenant's project: <registry>/" + tenant + "/<name>"));
      }
    }
    return violations;
  }

  private static void checkWorkload(
      AppService service, String at, List<FieldViolation> violations) {
    if (service.spec().has("application")) {
      violations.add(
          new FieldViolation(at + "spec.application", "is set by the application, not here"));
    }
    if (service.spec().has("follow")) {
      violations.add(
          new FieldViolation(
              at + "spec.follow", "is the service's own follow, not its workload's: move it up"));
    }
    if (service.replicas() == null && service.autoscale() == null) {
      violations.add(new FieldViolation(at + "replicas", "is required without autoscale"));
    }
    Integer minReady = service.readiness().minReady();
    if (minReady != null && service.autoscale() == null && minReady > service.startReplicas()) {
      violations.add(new FieldViolation(at + "readiness.minReady", "must not be above replicas"));
    }
  }
}
