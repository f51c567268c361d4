package io.containercloud.orchestrator.application;

import io.containercloud.common.error.ProblemException;
import io.containercloud.common.security.Caller;
import io.containercloud.common.security.Role;
import io.containercloud.orchestrator.application.model.AppService;
import io.containercloud.orchestrator.application.model.Application;
import io.containercloud.orchestrator.application.model.Definition;
import io.containercloud.orchestrator.application.model.Graph;
import io.containercloud.orchestrator.application.model.Names;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Applications of the caller's tenant: define, read, change (with the ETag read as {@code
 * If-Match}, optionally) and read earlier versions. Viewers read; developers and admins change.
 * Starting, stopping, upgrading and deleting are operations ({@code OperationResource}).
 */
@RestController
class ApplicationResource {

  private final ApplicationRepository repository;
  private final Applications applications;

  ApplicationResource(ApplicationRepository repository, Applications applications) {
    this.repository = repository;
    this.applications = applications;
  }

  record Create(
      @NotNull @Pattern(regexp = Names.LABEL, message = Names.LABEL_MESSAGE) String name,
      @Size(max = 500) String description,
      @NotNull @Size(min = 1, max = 50, message = "must hold 1 to 50 services")
          List<@NotNull @Valid AppService> services) {}

  record Change(
      @Size(max = 500) String description,
      @NotNull @Size(min = 1, max = 50, message = "must hold 1 to 50 services")
          List<@NotNull @Valid AppService> services) {}

  /** An application as the API shows it; {@code layers} is the order its services start in. */
  record ApplicationView(
      String tenant,
      String name,
      String description,
      long version,
      String state,
      List<AppService> services,
      List<List<String>> layers,
      Instant createdAt,
      Instant updatedAt,
      String updatedBy) {}

  record VersionView(
      long version,
      String changedBy,
      String cause,
      Instant changedAt,
      String description,
      List<AppService> services) {}

  @PostMapping("/applications")
  ResponseEntity<ApplicationView> create(
      @Valid @RequestBody Create create,
      @RequestHeader(HttpHeaders.AUTHORIZATION) String authorization) {
    Caller caller = requireWriter(Caller.current().tenant());
    Application created =
        applications.create(
            caller.tenant(),
            create.name(),
            new Definition(create.description(), create.services()),
            caller.user(),
            authorization);
    return ResponseEntity.created(
            URI.create("/applications/" + created.tenant() + "/" + created.name()))
        .eTag(etag(created.version()))
        .body(view(created));
  }

  @GetMapping("/applications")
  List<ApplicationView> list(@RequestParam(required = false) String tenant) {
    Caller caller = Caller.current();
    String scope = caller.has(Role.PLATFORM_ADMIN) ? tenant : caller.tenant();
    return repository.list(scope).stream().map(ApplicationResource::view).toList();
  }

  @GetMapping("/applications/{tenant}/{name}")
  ResponseEntity<ApplicationView> get(@PathVariable String tenant, @PathVariable String name) {
    Application application = find(tenant, name);
    return ResponseEntity.ok().eTag(etag(application.version())).body(view(application));
  }

  @PutMapping("/applications/{tenant}/{name}")
  ResponseEntity<ApplicationView> update(
      @PathVariable String tenant,
      @PathVariable String name,
      @RequestHeader(name = "If-Match", required = false) String ifMatch,
      @RequestHeader(HttpHeaders.AUTHORIZATION) String authorization,
      @Valid @RequestBody Change change) {
    Caller caller = requireWriter(tenant);
    Application current = find(tenant, name);
    long version = version(current, ifMatch);
    Application updated =
        applications.update(
            current,
            version,
            new Definition(change.description(), change.services()),
            caller.user(),
            authorization);
    return ResponseEntity.ok().eTag(etag(updated.version())).body(view(updated));
  }

  @GetMapping("/applications/{tenant}/{name}/versions")
  List<VersionView> versions(@PathVariable String tenant, @PathVariable String name) {
    return repository.versions(find(tenant, name).id()).stream()
        .map(ApplicationResource::view)
        .toList();
  }

  @GetMapping("/applications/{tenant}/{name}/versions/{version}")
  VersionView version(
      @PathVariable String tenant, @PathVariable String name, @PathVariable long version) {
    Application application = find(tenant, name);
    return repository
        .version(application.id(), version)
        .map(ApplicationResource::view)
        .orElseThrow(
            () -> ProblemException.notFound("version", tenant + "/" + name + "/" + version));
  }

  private Application find(String tenant, String name) {
    return applications.find(tenant, name);
  }

  private static Caller requireWriter(String tenant) {
    return Applications.requireWriter(tenant);
  }

  private static long version(Application application, String ifMatch) {
    if (ifMatch != null && !ifMatch.equals(etag(application.version()))) {
      throw Applications.stale(application.name());
    }
    return application.version();
  }

  static String etag(long version) {
    return "\"" + version + "\"";
  }

  private static ApplicationView view(Application application) {
    Graph.Order order = application.definition().order();
    return new ApplicationView(
        application.tenant(),
        application.name(),
        application.definition().description(),
        application.version(),
        application.deleting() ? "DELETING" : "ACTIVE",
        application.definition().services(),
        order instanceof Graph.Layers layers ? layers.layers() : List.of(),
        application.createdAt(),
        application.updatedAt(),
        application.updatedBy());
  }

  private static VersionView view(ApplicationRepository.Version version) {
    return new VersionView(
        version.version(),
        version.changedBy(),
        version.cause(),
        version.changedAt(),
        version.definition().description(),
        version.definition().services());
  }
}
