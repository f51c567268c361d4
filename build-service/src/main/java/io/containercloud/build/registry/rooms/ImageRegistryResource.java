package io.containercloud.build.registry.rooms;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import io.containercloud.common.error.ProblemException;
import io.containercloud.common.security.Caller;
import io.containercloud.common.security.Role;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The machine rooms' image registries: platform admins register and remove them and replace their
 * credentials; everyone signed in sees them. Credentials go in and never come out.
 */
@RestController
class ImageRegistryResource {

  private static final String LABEL = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";
  private static final String LABEL_MESSAGE = "must be a lowercase RFC 1123 label";

  private final ImageRegistryRepository registries;
  private final RegistryClients clients;
  private final RegistryAnnouncements announcements;
  private final TransactionTemplate tx;

  ImageRegistryResource(
      ImageRegistryRepository registries,
      RegistryClients clients,
      RegistryAnnouncements announcements,
      TransactionTemplate tx) {
    this.registries = registries;
    this.clients = clients;
    this.announcements = announcements;
    this.tx = tx;
  }

  /** A new registry; any member the API does not have is refused rather than ignored. */
  record Registration(
      @NotNull @Pattern(regexp = LABEL, message = LABEL_MESSAGE) String name,
      @NotNull @Pattern(regexp = LABEL, message = LABEL_MESSAGE) String room,
      @NotBlank @Size(max = 300) String url,
      @NotNull ImageRegistry.Kind kind,
      @Valid Credentials credentials,
      @JsonAnySetter @Schema(hidden = true) Map<String, Object> unknown) {}

  /** Who the platform is at the registry; for Harbor, a system robot account. */
  record Credentials(
      @NotBlank
          @Size(max = 255)
          @Pattern(
              regexp = "[A-Za-z0-9._@$+-]+",
              message = "must be letters, digits and . _ @ $ + - only")
          String username,
      @NotBlank @Size(max = 1024) String password) {

    @Override
    public String toString() {
      return "Credentials[" + username + "]";
    }
  }

  /**
   * A registry as the API shows it: never its password.
   *
   * @param dnsName the name the room's clusters pull from it by, kept in DNS by the platform
   */
  record RegistryView(
      String name,
      String room,
      String url,
      ImageRegistry.Kind kind,
      String dnsName,
      String username,
      boolean credentials,
      Instant registeredAt,
      Instant updatedAt) {}

  @PostMapping("/registries")
  ResponseEntity<RegistryView> register(@Valid @RequestBody Registration registration) {
    ProblemException.requireKnownFields(registration.unknown());
    requireAdmin();
    String problem = RegistryUrl.problem(registration.url());
    if (problem != null) {
      throw ProblemException.invalid("url", problem);
    }
    Credentials credentials = registration.credentials();
    byte[] sealed =
        credentials == null ? null : clients.seal(registration.name(), credentials.password());
    ImageRegistry created =
        tx.execute(
            status -> {
              if (!registries.insert(
                  registration.name(),
                  registration.room(),
                  RegistryUrl.parse(registration.url()),
                  registration.kind(),
                  credentials == null ? null : credentials.username(),
                  sealed)) {
                return null;
              }
              ImageRegistry registry = registries.find(registration.name()).orElseThrow();
              announcements.registered(registry);
              return registries.find(registration.name()).orElseThrow();
            });
    if (created == null) {
      throw ProblemException.conflict(
          "registry-exists",
          "A registry named '"
              + registration.name()
              + "' or one for room '"
              + registration.room()
              + "' is registered already.");
    }
    return ResponseEntity.created(URI.create("/registries/" + created.name())).body(view(created));
  }

  @GetMapping("/registries")
  List<RegistryView> list() {
    return registries.findAll().stream().map(ImageRegistryResource::view).toList();
  }

  @GetMapping("/registries/{name}")
  RegistryView get(@PathVariable String name) {
    return view(find(name));
  }

  @PutMapping("/registries/{name}/credentials")
  RegistryView replaceCredentials(
      @PathVariable String name, @Valid @RequestBody Credentials credentials) {
    requireAdmin();
    ImageRegistry registry = find(name);
    if (!registries.updateCredentials(
        registry.id(), credentials.username(), clients.seal(name, credentials.password()))) {
      throw ProblemException.notFound("image registry", name);
    }
    clients.forget(registry.id());
    return view(find(name));
  }

  @DeleteMapping("/registries/{name}")
  ResponseEntity<Void> remove(@PathVariable String name) {
    requireAdmin();
    ImageRegistry registry = find(name);
    tx.executeWithoutResult(
        status -> {
          if (registries.delete(registry.id())) {
            announcements.removed(registry);
          }
        });
    clients.forget(registry.id());
    return ResponseEntity.noContent().build();
  }

  private ImageRegistry find(String name) {
    return registries
        .find(name)
        .orElseThrow(() -> ProblemException.notFound("image registry", name));
  }

  private static RegistryView view(ImageRegistry registry) {
    return new RegistryView(
        registry.name(),
        registry.room(),
        registry.url().toString(),
        registry.kind(),
        registry.dnsName(),
        registry.username(),
        registry.sealedPassword() != null,
        registry.createdAt(),
        registry.updatedAt());
  }

  private static void requireAdmin() {
    if (!Caller.current().has(Role.PLATFORM_ADMIN)) {
      throw ProblemException.forbidden(
          "Registering image registries needs the platform-admin role.");
    }
  }
}
