package io.containercloud.build.registry.sync;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import io.containercloud.build.registry.rooms.ImageRegistryRepository;
import io.containercloud.common.error.FieldViolation;
import io.containercloud.common.error.ProblemException;
import io.containercloud.common.security.Caller;
import io.containercloud.common.security.Role;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.ResponseEntity;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.transaction.annotation.Transactional;
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
 * Sync policies of the caller's tenant: create, read, replace (with {@code If-Match}), delete, run
 * now, and their executions with each image's outcome. A policy copies its tenant's project only.
 */
@RestController
class SyncPolicyResource {

  private static final String LABEL = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";

  private final SyncPolicyRepository policies;
  private final SyncExecutions executions;
  private final ImageRegistryRepository registries;
  private final ApplicationEventPublisher events;
  private final SyncProperties properties;

  SyncPolicyResource(
      SyncPolicyRepository policies,
      SyncExecutions executions,
      ImageRegistryRepository registries,
      ApplicationEventPublisher events,
      SyncProperties properties) {
    this.policies = policies;
    this.executions = executions;
    this.registries = registries;
    this.events = events;
    this.properties = properties;
  }

  /** A new policy; any member the API does not have is refused rather than ignored. */
  record Create(
      @NotNull
          @Pattern(regexp = LABEL, message = "must be a lowercase RFC 1123 label (a-z, 0-9, '-')")
          String name,
      @NotNull @Valid SyncPolicySpec spec,
      @JsonAnySetter @Schema(hidden = true) Map<String, Object> unknown) {}

  record PolicyView(
      String tenant,
      String name,
      SyncPolicySpec spec,
      long version,
      Instant lastRunAt,
      Instant createdAt,
      Instant updatedAt) {}

  record ExecutionView(
      long id,
      String trigger,
      String status,
      Instant createdAt,
      Instant plannedAt,
      String error,
      int pending,
      int running,
      int copied,
      int skipped,
      int deleted,
      int failed,
      long bytes,
      List<ItemView> items) {}

  record ItemView(
      String destination,
      String repository,
      String tag,
      String action,
      String status,
      String digest,
      String reason,
      long bytes,
      long durationMs,
      int attempts,
      Instant nextAttemptAt) {}

  @PostMapping("/sync-policies")
  ResponseEntity<PolicyView> create(@Valid @RequestBody Create create) {
    ProblemException.requireKnownFields(create.unknown());
    Caller caller = Caller.current();
    requireWriter(caller, caller.tenant());
    check(create.spec());
    if (!policies.insert(caller.tenant(), create.name(), create.spec())) {
      throw ProblemException.conflict(
          "sync-policy-exists",
          "Sync policy '" + create.name() + "' exists in tenant '" + caller.tenant() + "'.");
    }
    SyncPolicy created = policies.find(caller.tenant(), create.name()).orElseThrow();
    return ResponseEntity.created(
            URI.create("/sync-policies/" + created.tenant() + "/" + created.name()))
        .eTag(etag(created))
        .body(view(created));
  }

  @GetMapping("/sync-policies")
  List<PolicyView> list(@RequestParam(required = false) String tenant) {
    Caller caller = Caller.current();
    String scope = caller.has(Role.PLATFORM_ADMIN) ? tenant : caller.tenant();
    return policies.list(scope).stream().map(SyncPolicyResource::view).toList();
  }

  @GetMapping("/sync-policies/{tenant}/{name}")
  ResponseEntity<PolicyView> get(@PathVariable String tenant, @PathVariable String name) {
    SyncPolicy policy = find(tenant, name);
    return ResponseEntity.ok().eTag(etag(policy)).body(view(policy));
  }

  @PutMapping("/sync-policies/{tenant}/{name}")
  ResponseEntity<PolicyView> replace(
      @PathVariable String tenant,
      @PathVariable String name,
      @RequestHeader(name = "If-Match", required = false) String ifMatch,
      @Valid @RequestBody SyncPolicySpec spec) {
    SyncPolicy policy = find(tenant, name); // another tenant's policy is not found, whoever asks
    requireWriter(Caller.current(), tenant);
    check(spec);
    if (!policies.update(policy.id(), version(policy, ifMatch), spec)) {
      throw stale(policy);
    }
    SyncPolicy replaced = policies.find(tenant, name).orElseThrow();
    return ResponseEntity.ok().eTag(etag(replaced)).body(view(replaced));
  }

  @DeleteMapping("/sync-policies/{tenant}/{name}")
  ResponseEntity<Void> delete(
      @PathVariable String tenant,
      @PathVariable String name,
      @RequestHeader(name = "If-Match", required = false) String ifMatch) {
    SyncPolicy policy = find(tenant, name); // another tenant's policy is not found, whoever asks
    requireWriter(Caller.current(), tenant);
    if (!policies.delete(policy.id(), version(policy, ifMatch))) {
      throw stale(policy);
    }
    return ResponseEntity.noContent().build();
  }

  /** A full sync now, whatever the policy's trigger: 202 with the execution, planned next. */
  @PostMapping("/sync-policies/{tenant}/{name}/executions")
  @Transactional
  ResponseEntity<ExecutionView> run(@PathVariable String tenant, @PathVariable String name) {
    SyncPolicy policy = find(tenant, name); // another tenant's policy is not found, whoever asks
    requireWriter(Caller.current(), tenant);
    if (!policy.spec().enabled()) {
      throw ProblemException.conflict(
          "sync-policy-disabled", "Sync policy '" + name + "' is disabled; enable it first.");
    }
    long id = executions.create(policy, SyncPolicySpec.Trigger.MANUAL, null);
    events.publishEvent(new SyncQueued());
    return ResponseEntity.accepted()
        .location(URI.create("/sync-policies/" + tenant + "/" + name + "/executions/" + id))
        .body(execution(policy, id));
  }

  @GetMapping("/sync-policies/{tenant}/{name}/executions")
  List<ExecutionView> executions(
      @PathVariable String tenant,
      @PathVariable String name,
      @RequestParam(defaultValue = "20") int limit) {
    SyncPolicy policy = find(tenant, name);
    return executions.executions(policy.id(), Math.max(1, Math.min(limit, 100))).stream()
        .map(e -> view(e, null))
        .toList();
  }

  @GetMapping("/sync-policies/{tenant}/{name}/executions/{id}")
  ExecutionView execution(
      @PathVariable String tenant, @PathVariable String name, @PathVariable long id) {
    return execution(find(tenant, name), id);
  }

  private ExecutionView execution(SyncPolicy policy, long id) {
    return executions
        .execution(policy.id(), id)
        .map(e -> view(e, executions.items(policy.id(), id)))
        .orElseThrow(() -> ProblemException.notFound("sync execution", Long.toString(id)));
  }

  /** The rules no annotation can state: registered registries, a schedule when scheduled. */
  private void check(SyncPolicySpec spec) {
    List<FieldViolation> violations = new ArrayList<>();
    if (registries.find(spec.source()).isEmpty()) {
      violations.add(new FieldViolation("spec.source", "is no registered registry"));
    }
    List<String> destinations = spec.destinations();
    for (int i = 0; i < destinations.size(); i++) {
      String destination = destinations.get(i);
      String field = "spec.destinations[" + i + "]";
      if (destination.equals(spec.source())) {
        violations.add(new FieldViolation(field, "is the source"));
      } else if (registries.find(destination).isEmpty()) {
        violations.add(new FieldViolation(field, "is no registered registry"));
      }
    }
    if (new HashSet<>(destinations).size() != destinations.size()) {
      violations.add(new FieldViolation("spec.destinations", "must not name a registry twice"));
    }
    if (spec.trigger() == SyncPolicySpec.Trigger.SCHEDULED) {
      if (spec.schedule() == null || !CronExpression.isValidExpression(spec.schedule())) {
        violations.add(
            new FieldViolation(
                "spec.schedule", "must be a cron expression of six fields, such as 0 0 * * * *"));
      } else if (tooOften(CronExpression.parse(spec.schedule()))) {
        violations.add(
            new FieldViolation(
                "spec.schedule",
                "must not run more often than every " + properties.minScheduleInterval()));
      }
    } else if (spec.schedule() != null) {
      violations.add(new FieldViolation("spec.schedule", "is only for scheduled policies"));
    }
    if (!violations.isEmpty()) {
      throw ProblemException.invalid(violations);
    }
  }

  /** Whether two runs within the next day come closer than the shortest interval allowed. */
  private boolean tooOften(CronExpression cron) {
    ZonedDateTime at = ZonedDateTime.now(ZoneOffset.UTC);
    ZonedDateTime end = at.plusDays(1);
    ZonedDateTime next = cron.next(at);
    for (int runs = 0; next != null && next.isBefore(end) && runs < 10_000; runs++) {
      ZonedDateTime after = cron.next(next);
      if (after != null
          && Duration.between(next, after).compareTo(properties.minScheduleInterval()) < 0) {
        return true;
      }
      next = after;
    }
    return false;
  }

  private SyncPolicy find(String tenant, String name) {
    if (!Caller.current().canSee(tenant)) {
      throw ProblemException.notFound("sync policy", tenant + "/" + name);
    }
    return policies
        .find(tenant, name)
        .orElseThrow(() -> ProblemException.notFound("sync policy", tenant + "/" + name));
  }

  private static void requireWriter(Caller caller, String tenant) {
    if (!caller.canChange(tenant)) {
      throw ProblemException.forbidden("Changing sync policies needs the developer role.");
    }
  }

  private static long version(SyncPolicy policy, String ifMatch) {
    if (ifMatch != null && !ifMatch.equals(etag(policy))) {
      throw stale(policy);
    }
    return policy.version();
  }

  private static ProblemException stale(SyncPolicy policy) {
    return ProblemException.conflict(
        "stale-version",
        "Sync policy '" + policy.name() + "' changed since it was read; read it again.");
  }

  private static String etag(SyncPolicy policy) {
    return "\"" + policy.version() + "\"";
  }

  private static PolicyView view(SyncPolicy policy) {
    return new PolicyView(
        policy.tenant(),
        policy.name(),
        policy.spec(),
        policy.version(),
        policy.lastRunAt(),
        policy.createdAt(),
        policy.updatedAt());
  }

  private static ExecutionView view(SyncExecutions.Execution execution, List<SyncItem> items) {
    return new ExecutionView(
        execution.id(),
        execution.trigger().value(),
        execution.status(),
        execution.createdAt(),
        execution.plannedAt(),
        execution.error(),
        execution.pending(),
        execution.running(),
        execution.copied(),
        execution.skipped(),
        execution.deleted(),
        execution.failed(),
        execution.bytes(),
        items == null
            ? null
            : items.stream()
                .map(
                    i ->
                        new ItemView(
                            i.destination(),
                            i.repository(),
                            i.tag(),
                            i.action().name().toLowerCase(Locale.ROOT),
                            i.status().name().toLowerCase(Locale.ROOT),
                            i.digest(),
                            i.reason(),
                            i.bytes(),
                            i.durationMs(),
                            i.attempts(),
                            i.status() == SyncItem.Status.FAILED ? i.nextAttemptAt() : null))
                .toList());
  }
}
