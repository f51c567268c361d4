package io.containercloud.build.configuration;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import io.containercloud.build.configuration.model.ConfigurationSpec;
import io.containercloud.build.configuration.model.GitSource;
import io.containercloud.build.configuration.model.TagTemplate;
import io.containercloud.build.configuration.model.Toolchain;
import io.containercloud.common.error.FieldViolation;
import io.containercloud.common.error.ProblemException;
import io.containercloud.common.security.Caller;
import io.containercloud.common.security.Role;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * Build configurations of the caller's tenant: create, read, replace (with {@code If-Match}),
 * delete. A configuration names what to build and how; builds run from it.
 */
@RestController
class ConfigurationResource {

  private static final String LABEL = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";

  private final ConfigurationRepository repository;
  private final SourceProperties sources;

  ConfigurationResource(ConfigurationRepository repository, SourceProperties sources) {
    this.repository = repository;
    this.sources = sources;
  }

  /** A new configuration; any member the API does not have is refused rather than ignored. */
  record Create(
      @NotNull
          @Pattern(regexp = LABEL, message = "must be a lowercase RFC 1123 label (a-z, 0-9, '-')")
          String name,
      @NotNull @Valid ConfigurationSpec spec,
      @JsonAnySetter @Schema(hidden = true) Map<String, Object> unknown) {}

  /** A configuration as the API shows it. */
  record ConfigurationView(
      String tenant,
      String name,
      ConfigurationSpec spec,
      long version,
      Instant createdAt,
      Instant updatedAt) {}

  @PostMapping("/configurations")
  ResponseEntity<ConfigurationView> create(@Valid @RequestBody Create create) {
    ProblemException.requireKnownFields(create.unknown());
    Caller caller = Caller.current();
    requireWriter(caller, caller.tenant());
    check(create.spec(), caller.tenant());
    if (!repository.insert(caller.tenant(), create.name(), create.spec())) {
      throw ProblemException.conflict(
          "configuration-exists",
          "Build configuration '"
              + create.name()
              + "' exists in tenant '"
              + caller.tenant()
              + "'.");
    }
    Configuration created = repository.find(caller.tenant(), create.name()).orElseThrow();
    return ResponseEntity.created(
            URI.create("/configurations/" + created.tenant() + "/" + created.name()))
        .eTag(etag(created))
        .body(view(created));
  }

  @GetMapping("/configurations")
  List<ConfigurationView> list(@RequestParam(required = false) String tenant) {
    Caller caller = Caller.current();
    String scope = caller.has(Role.PLATFORM_ADMIN) ? tenant : caller.tenant();
    return repository.list(scope).stream().map(ConfigurationResource::view).toList();
  }

  @GetMapping("/configurations/{tenant}/{name}")
  ResponseEntity<ConfigurationView> get(@PathVariable String tenant, @PathVariable String name) {
    Configuration configuration = find(tenant, name);
    return ResponseEntity.ok().eTag(etag(configuration)).body(view(configuration));
  }

  @PutMapping("/configurations/{tenant}/{name}")
  ResponseEntity<ConfigurationView> replace(
      @PathVariable String tenant,
      @PathVariable String name,
      @RequestHeader(name = "If-Match", required = false) String ifMatch,
      @Valid @RequestBody ConfigurationSpec spec) {
    requireWriter(Caller.current(), tenant);
    Configuration configuration = find(tenant, name);
    check(spec, tenant);
    if (!repository.update(configuration.id(), version(configuration, ifMatch), spec)) {
      throw stale(configuration);
    }
    Configuration replaced = repository.find(tenant, name).orElseThrow();
    return ResponseEntity.ok().eTag(etag(replaced)).body(view(replaced));
  }

  @DeleteMapping("/configurations/{tenant}/{name}")
  ResponseEntity<Void> delete(
      @PathVariable String tenant,
      @PathVariable String name,
      @RequestHeader(name = "If-Match", required = false) String ifMatch) {
    requireWriter(Caller.current(), tenant);
    Configuration configuration = find(tenant, name);
    if (!repository.delete(configuration.id(), version(configuration, ifMatch))) {
      throw stale(configuration);
    }
    return ResponseEntity.noContent().build();
  }

  /** The rules no annotation can state: the URL's host, the tag's placeholders, the Dockerfile. */
  private void check(ConfigurationSpec spec, String tenant) {
    List<FieldViolation> violations = new ArrayList<>();
    if (!tenant.matches(LABEL)) {
      // the tenant names the image's project and the build's namespace
      violations.add(new FieldViolation("tenant", "the caller's tenant must be an RFC 1123 label"));
    }
    String url = GitSource.problem(spec.repositoryUrl(), sources.allowedHosts());
    if (url != null) {
      violations.add(new FieldViolation("spec.repositoryUrl", url));
    }
    String tag = TagTemplate.problem(spec.tagTemplate());
    if (tag != null) {
      violations.add(new FieldViolation("spec.tagTemplate", tag));
    }
    if (spec.toolchain() == Toolchain.DOCKERFILE && spec.dockerfile() == null) {
      violations.add(
          new FieldViolation("spec.dockerfile", "is required for the dockerfile toolchain"));
    }
    if (spec.apm() && !spec.toolchain().java()) {
      violations.add(new FieldViolation("spec.apm", "is only for the Java toolchains"));
    }
    if (!violations.isEmpty()) {
      throw ProblemException.invalid(violations);
    }
  }

  private Configuration find(String tenant, String name) {
    if (!Caller.current().canSee(tenant)) {
      throw ProblemException.notFound("build configuration", tenant + "/" + name);
    }
    return repository
        .find(tenant, name)
        .orElseThrow(() -> ProblemException.notFound("build configuration", tenant + "/" + name));
  }

  private static void requireWriter(Caller caller, String tenant) {
    if (!caller.canChange(tenant)) {
      throw ProblemException.forbidden(
          "Changing build configurations needs the developer role in the tenant.");
    }
  }

  private static long version(Configuration configuration, String ifMatch) {
    if (ifMatch != null && !ifMatch.equals(etag(configuration))) {
      throw stale(configuration);
    }
    return configuration.version();
  }

  private static ProblemException stale(Configuration configuration) {
    return ProblemException.conflict(
        "stale-version",
        "Build configuration '"
            + configuration.name()
            + "' changed since it was read; read it again.");
  }

  private static String etag(Configuration configuration) {
    return "\"" + configuration.version() + "\"";
  }

  private static ConfigurationView view(Configuration configuration) {
    return new ConfigurationView(
        configuration.tenant(),
        configuration.name(),
        configuration.spec(),
        configuration.version(),
        configuration.createdAt(),
        configuration.updatedAt());
  }
}
