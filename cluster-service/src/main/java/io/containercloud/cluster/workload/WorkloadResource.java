package io.containercloud.cluster.workload;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import io.containercloud.cluster.image.ImageGate;
import io.containercloud.cluster.placement.NoRoomException;
import io.containercloud.cluster.placement.Placement;
import io.containercloud.cluster.workload.model.Autoscale;
import io.containercloud.cluster.workload.model.Names;
import io.containercloud.cluster.workload.model.Workload;
import io.containercloud.cluster.workload.model.WorkloadSpec;
import io.containercloud.common.error.FieldViolation;
import io.containercloud.common.error.ProblemException;
import io.containercloud.common.security.Caller;
import io.containercloud.common.security.Role;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Workloads of the caller's tenant: deploy, scale (by hand or by CPU), upgrade, delete, and per
 * cluster what runs there. Viewers read; developers and admins change. A refused request changes
 * nothing in any cluster. Changes take the version read (ETag) as {@code If-Match}, optionally.
 */
@RestController
class WorkloadResource {

  private final WorkloadRepository repository;
  private final Workloads workloads;

  private final ImageGate gate;

  WorkloadResource(WorkloadRepository repository, Workloads workloads, ImageGate gate) {
    this.repository = repository;
    this.workloads = workloads;
    this.gate = gate;
  }

  record Deploy(
      @NotNull @Pattern(regexp = Names.LABEL, message = Names.LABEL_MESSAGE) String name,
      @NotNull @Pattern(regexp = Names.IMAGE, message = Names.IMAGE_MESSAGE) String image,
      @Min(value = 0, message = "cannot be negative") @Max(1000) Integer replicas,
      @Valid Autoscale autoscale,
      @NotNull @Valid WorkloadSpec spec) {}

  /** The new total; any other member is refused rather than ignored. */
  record Replicas(
      @NotNull @Min(value = 0, message = "cannot be negative") @Max(1000) Integer replicas,
      @JsonAnySetter @Schema(hidden = true) Map<String, Object> unknown) {}

  /** The new image; any other member is refused rather than ignored. */
  record Image(
      @NotNull @Pattern(regexp = Names.IMAGE, message = Names.IMAGE_MESSAGE) String image,
      @JsonAnySetter @Schema(hidden = true) Map<String, Object> unknown) {}

  /** A workload as the API shows it. */
  record WorkloadView(
      String tenant,
      String name,
      String image,
      int replicas,
      int ready,
      Autoscale autoscale,
      String state,
      long version,
      Instant createdAt,
      WorkloadSpec spec,
      List<ClusterView> clusters) {}

  /** One cluster's share and what the reconciler last saw there. */
  record ClusterView(
      String cluster,
      int replicas,
      String image,
      int ready,
      boolean settled,
      String lastError,
      String waitingFor,
      Instant reconciledAt) {}

  /** What a deploy would do, from a dry run: nothing was created. */
  record Planned(
      String tenant, String name, String image, int replicas, Map<String, Integer> clusters) {}

  /**
   * Deploys, or with {@code dryRun=true} checks everything a deploy checks (fields, the image gate,
   * the clusters, the name, room for the replicas) and answers 200 with the split it would make,
   * changing nothing.
   */
  @PostMapping("/workloads")
  ResponseEntity<?> deploy(
      @Valid @RequestBody Deploy deploy,
      @RequestParam(name = "dryRun", defaultValue = "false") boolean dryRun) {
    Caller caller = requireWriter(Caller.current().tenant());
    List<FieldViolation> violations = new ArrayList<>();
    if (!caller.tenant().matches(Names.LABEL)) {
      // the tenant becomes the namespace: a token without a usable tenant cannot deploy
      violations.add(new FieldViolation("tenant", "the caller's tenant " + Names.LABEL_MESSAGE));
    }
    checkResources(deploy.spec(), violations);
    checkPorts(deploy.spec(), violations);
    checkFollow(deploy.spec(), caller.tenant(), violations);
    int replicas = replicas(deploy, violations);
    if (!violations.isEmpty()) {
      throw ProblemException.invalid(violations);
    }
    requirePassingScan(caller.tenant(), deploy.image());
    if (dryRun) {
      Map<String, Integer> split =
          noRoomAs422(
              () -> workloads.plan(caller.tenant(), deploy.name(), deploy.spec(), replicas));
      return ResponseEntity.ok(
          new Planned(caller.tenant(), deploy.name(), deploy.image(), replicas, split));
    }
    Workload created =
        noRoomAs422(
            () ->
                workloads.deploy(
                    caller.tenant(),
                    deploy.name(),
                    deploy.spec(),
                    deploy.image(),
                    replicas,
                    deploy.autoscale()));
    return ResponseEntity.created(
            URI.create("/workloads/" + created.tenant() + "/" + created.name()))
        .eTag(etag(created))
        .body(view(created));
  }

  @GetMapping("/workloads")
  List<WorkloadView> list(@RequestParam(required = false) String tenant) {
    Caller caller = Caller.current();
    String scope = caller.has(Role.PLATFORM_ADMIN) ? tenant : caller.tenant();
    return repository.list(scope).stream().map(WorkloadResource::view).toList();
  }

  @GetMapping("/workloads/{tenant}/{name}")
  ResponseEntity<WorkloadView> get(@PathVariable String tenant, @PathVariable String name) {
    Workload workload = find(tenant, name);
    return answer(workload);
  }

  @PutMapping("/workloads/{tenant}/{name}/replicas")
  ResponseEntity<WorkloadView> scale(
      @PathVariable String tenant,
      @PathVariable String name,
      @RequestHeader(name = "If-Match", required = false) String ifMatch,
      @Valid @RequestBody Replicas body) {
    ProblemException.requireKnownFields(body.unknown());
    requireWriter(tenant);
    Workload workload = find(tenant, name);
    if (workload.autoscale() != null) {
      throw ProblemException.conflict(
          "autoscaled", "Workload '" + name + "' is autoscaled; change or remove its autoscale.");
    }
    long version = version(workload, ifMatch);
    Workload scaled =
        noRoomAs422(() -> workloads.scale(workload, version, body.replicas(), null, "manual"));
    return answer(scaled);
  }

  @PutMapping("/workloads/{tenant}/{name}/autoscale")
  ResponseEntity<WorkloadView> autoscale(
      @PathVariable String tenant,
      @PathVariable String name,
      @RequestHeader(name = "If-Match", required = false) String ifMatch,
      @Valid @RequestBody Autoscale autoscale) {
    requireWriter(tenant);
    if (autoscale.min() > autoscale.max()) {
      throw ProblemException.invalid("min", "must not be above max");
    }
    Workload workload = find(tenant, name);
    long version = version(workload, ifMatch);
    int replicas = Math.max(autoscale.min(), Math.min(autoscale.max(), workload.replicas()));
    Workload scaled =
        noRoomAs422(() -> workloads.scale(workload, version, replicas, autoscale, "autoscale"));
    return answer(scaled);
  }

  @DeleteMapping("/workloads/{tenant}/{name}/autoscale")
  ResponseEntity<WorkloadView> stopAutoscaling(
      @PathVariable String tenant,
      @PathVariable String name,
      @RequestHeader(name = "If-Match", required = false) String ifMatch) {
    requireWriter(tenant);
    Workload workload = find(tenant, name);
    long version = version(workload, ifMatch);
    Workload manual =
        noRoomAs422(() -> workloads.scale(workload, version, workload.replicas(), null, "manual"));
    return answer(manual);
  }

  @PutMapping("/workloads/{tenant}/{name}/image")
  ResponseEntity<WorkloadView> upgrade(
      @PathVariable String tenant,
      @PathVariable String name,
      @RequestHeader(name = "If-Match", required = false) String ifMatch,
      @Valid @RequestBody Image body) {
    ProblemException.requireKnownFields(body.unknown());
    requireWriter(tenant);
    Workload workload = find(tenant, name);
    requirePassingScan(tenant, body.image());
    Workload upgraded = workloads.upgrade(workload, version(workload, ifMatch), body.image());
    return answer(upgraded);
  }

  /**
   * A new spec, checked as a deploy's; the application stays what it was (it labels everything the
   * workload made). Unlike an image, a spec reaches every cluster at once, each Deployment rolling
   * its replicas by its own rolling update.
   */
  @PutMapping("/workloads/{tenant}/{name}/spec")
  ResponseEntity<WorkloadView> respec(
      @PathVariable String tenant,
      @PathVariable String name,
      @RequestHeader(name = "If-Match", required = false) String ifMatch,
      @Valid @RequestBody WorkloadSpec spec) {
    requireWriter(tenant);
    Workload workload = find(tenant, name);
    if (!spec.application().equals(workload.spec().application())) {
      throw ProblemException.immutable("application", workload.spec().application());
    }
    List<FieldViolation> violations = new ArrayList<>();
    checkResources(spec, violations);
    checkPorts(spec, violations);
    checkFollow(spec, tenant, violations);
    if (!violations.isEmpty()) {
      throw ProblemException.invalid(violations);
    }
    long version = version(workload, ifMatch);
    return answer(noRoomAs422(() -> workloads.respec(workload, version, spec)));
  }

  @DeleteMapping("/workloads/{tenant}/{name}")
  ResponseEntity<Void> delete(
      @PathVariable String tenant,
      @PathVariable String name,
      @RequestHeader(name = "If-Match", required = false) String ifMatch) {
    requireWriter(tenant);
    Workload workload = find(tenant, name);
    workloads.delete(workload, version(workload, ifMatch));
    return ResponseEntity.accepted().build();
  }

  private static void checkResources(WorkloadSpec spec, List<FieldViolation> violations) {
    WorkloadSpec.Amounts requests = spec.resources().requests();
    WorkloadSpec.Amounts limits = spec.resources().limits();
    check("cpu", requests.cpu(), limits.cpu(), 1000, violations);
    check("memory", requests.memory(), limits.memory(), 1, violations);
  }

  // a tenant's workloads follow only its own project: another tenant's pushes never roll them
  private static void checkFollow(
      WorkloadSpec spec, String tenant, List<FieldViolation> violations) {
    if (spec.follow() != null && !spec.follow().project().equals(tenant)) {
      violations.add(
          new FieldViolation(
              "spec.follow.repository",
              "must be in the tenant's project: <registry>/" + tenant + "/<name>"));
    }
  }

  private static void checkPorts(WorkloadSpec spec, List<FieldViolation> violations) {
    Set<String> names = new HashSet<>();
    Set<String> numbers = new HashSet<>();
    for (int i = 0; i < spec.ports().size(); i++) {
      WorkloadSpec.Port port = spec.ports().get(i);
      if (!names.add(port.name())) {
        violations.add(new FieldViolation("spec.ports[" + i + "].name", "is used twice"));
      }
      if (!numbers.add(port.port() + "/" + port.protocol())) {
        violations.add(new FieldViolation("spec.ports[" + i + "].port", "is used twice"));
      }
    }
  }

  private static void check(
      String resource, String request, String limit, int scale, List<FieldViolation> violations) {
    if (Workloads.amount(request, scale) <= 0) {
      violations.add(
          new FieldViolation("spec.resources.requests." + resource, "must be above zero"));
    } else if (Workloads.amount(request, scale) > Workloads.amount(limit, scale)) {
      violations.add(
          new FieldViolation("spec.resources.limits." + resource, "must not be below the request"));
    }
  }

  private static int replicas(Deploy deploy, List<FieldViolation> violations) {
    Autoscale autoscale = deploy.autoscale();
    if (autoscale == null) {
      if (deploy.replicas() == null) {
        violations.add(new FieldViolation("replicas", "is required without autoscale"));
        return 0;
      }
      return deploy.replicas();
    }
    if (autoscale.min() > autoscale.max()) {
      violations.add(new FieldViolation("autoscale.min", "must not be above max"));
      return 0;
    }
    int replicas = deploy.replicas() == null ? autoscale.min() : deploy.replicas();
    if (replicas < autoscale.min() || replicas > autoscale.max()) {
      violations.add(new FieldViolation("replicas", "must be within autoscale min and max"));
    }
    return replicas;
  }

  /** No room for the replicas: 422 naming the binding resource and the roomiest cluster. */
  private static <T> T noRoomAs422(Supplier<T> change) {
    try {
      return change.get();
    } catch (NoRoomException e) {
      String field =
          switch (e.resource()) {
            case "cpu" -> "spec.resources.requests.cpu";
            case "memory" -> "spec.resources.requests.memory";
            default -> "replicas";
          };
      throw ProblemException.unprocessable(
          "no-room",
          e.getMessage(),
          List.of(
              new FieldViolation(
                  field,
                  "does not fit: the roomiest cluster, "
                      + e.bestCluster()
                      + ", has "
                      + Placement.amount(e.resource(), e.bestFree())
                      + " free; "
                      + e.fits()
                      + " replicas fit in all")));
    }
  }

  private Workload find(String tenant, String name) {
    if (!Caller.current().canSee(tenant)) {
      throw ProblemException.notFound("workload", tenant + "/" + name);
    }
    return repository
        .find(tenant, name)
        .orElseThrow(() -> ProblemException.notFound("workload", tenant + "/" + name));
  }

  private static long version(Workload workload, String ifMatch) {
    if (ifMatch == null) {
      return workload.version();
    }
    if (!ifMatch.equals(etag(workload))) {
      throw ProblemException.conflict(
          "stale-version",
          "Workload '" + workload.name() + "' changed since it was read; read it again.");
    }
    return workload.version();
  }

  private static Caller requireWriter(String tenant) {
    Caller caller = Caller.current();
    if (!caller.canChange(tenant)) {
      throw ProblemException.forbidden(
          "Changing workloads needs the developer role in the tenant.");
    }
    return caller;
  }

  private static ResponseEntity<WorkloadView> answer(Workload workload) {
    return ResponseEntity.ok().eTag(etag(workload)).body(view(workload));
  }

  private static String etag(Workload workload) {
    return "\"" + workload.version() + "\"";
  }

  /**
   * 422 naming the image, its most severe finding and the count when the tenant's gate stops it.
   */
  private void requirePassingScan(String tenant, String image) {
    gate.check(tenant, image)
        .ifPresent(
            blocked -> {
              Map<String, Object> members = new LinkedHashMap<>();
              members.put("image", blocked.image());
              members.put("blockAt", blocked.blockAt());
              members.put("highestSeverity", blocked.highest());
              members.put("count", blocked.count());
              throw ProblemException.unprocessable(
                  "image-gate-blocked",
                  "Image "
                      + blocked.image()
                      + " is refused by the image gate of tenant "
                      + tenant
                      + ": "
                      + blocked.reason()
                      + ".",
                  List.of(new FieldViolation("image", blocked.reason())),
                  members);
            });
  }

  private static WorkloadView view(Workload workload) {
    return new WorkloadView(
        workload.tenant(),
        workload.name(),
        workload.image(),
        workload.replicas(),
        workload.clusters().stream().mapToInt(Workload.Placed::ready).sum(),
        workload.autoscale(),
        workload.deleting() ? "DELETING" : "ACTIVE",
        workload.version(),
        workload.createdAt(),
        workload.spec(),
        workload.clusters().stream()
            .map(
                p ->
                    new ClusterView(
                        p.cluster(),
                        p.replicas(),
                        p.image(),
                        p.ready(),
                        p.settled(),
                        p.lastError(),
                        p.waitingFor(),
                        p.reconciledAt()))
            .toList());
  }
}
