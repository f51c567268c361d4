package io.containercloud.gateway.admin;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import io.containercloud.common.error.FieldViolation;
import io.containercloud.common.error.ProblemException;
import io.containercloud.common.security.Role;
import io.containercloud.gateway.identity.IdentityStore;
import io.containercloud.gateway.identity.RefreshTokens;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Tenants, users and role bindings. A platform admin manages everything; a tenant admin manages the
 * users of its own tenant and can grant every role but platform-admin.
 */
@RestController
class AdminResource {

  private static final String NAME = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";
  private static final String USER = "[a-z0-9][a-z0-9._-]{0,63}";

  private final IdentityStore identities;
  private final PasswordEncoder encoder;
  private final RefreshTokens refreshTokens;
  private final IdempotentWrites writes;

  AdminResource(
      IdentityStore identities,
      PasswordEncoder encoder,
      RefreshTokens refreshTokens,
      IdempotentWrites writes) {
    this.identities = identities;
    this.encoder = encoder;
    this.refreshTokens = refreshTokens;
    this.writes = writes;
  }

  record TenantRequest(
      @NotBlank @Pattern(regexp = NAME, message = "must be a DNS-1123 label") String name) {}

  record UserRequest(
      @NotBlank
          @Pattern(
              regexp = USER,
              message = "must be 1-64 lower-case letters, digits, '.', '_' or '-'")
          String username,
      @NotBlank @Size(min = 12, max = 256, message = "must have 12 to 256 characters")
          String password,
      @NotBlank @Pattern(regexp = NAME, message = "must be a tenant name") String tenant,
      @NotEmpty
          List<
                  @Pattern(
                      regexp = "platform-admin|tenant-admin|developer|viewer",
                      message = "must be a role")
                  String>
              roles) {}

  /**
   * The roles of one user in one tenant, replacing what it held there. {@code username} may repeat
   * the path's name (a client sending the user's own view back), but cannot change it; any other
   * field is refused rather than silently ignored.
   */
  record BindingRequest(
      String username,
      @NotBlank @Pattern(regexp = NAME, message = "must be a tenant name") String tenant,
      @NotEmpty
          List<
                  @Pattern(
                      regexp = "platform-admin|tenant-admin|developer|viewer",
                      message = "must be a role")
                  String>
              roles,
      @JsonAnySetter Map<String, Object> unknown) {}

  @GetMapping("/api/admin/tenants")
  Mono<List<String>> tenants(JwtAuthenticationToken caller) {
    requirePlatformAdmin(caller);
    return blocking(identities::tenants);
  }

  @PostMapping("/api/admin/tenants")
  @ResponseStatus(HttpStatus.CREATED)
  Mono<TenantRequest> createTenant(
      JwtAuthenticationToken caller,
      @Valid @RequestBody TenantRequest request,
      ServerWebExchange exchange) {
    requirePlatformAdmin(caller);
    return writes.once(
        exchange,
        tenantOf(caller),
        request,
        TenantRequest.class,
        () -> {
          if (!identities.createTenant(request.name())) {
            throw ProblemException.conflict(
                "tenant-exists", "Tenant '" + request.name() + "' exists already.");
          }
          return request;
        });
  }

  @GetMapping("/api/admin/users")
  Mono<List<IdentityStore.UserView>> users(
      JwtAuthenticationToken caller,
      @RequestParam(required = false) @Pattern(regexp = NAME) String tenant) {
    String visible =
        isPlatformAdmin(caller)
            ? tenant
            : requireTenantAdmin(caller, tenant == null ? tenantOf(caller) : tenant);
    return blocking(() -> identities.users(visible));
  }

  @PostMapping("/api/admin/users")
  @ResponseStatus(HttpStatus.CREATED)
  Mono<IdentityStore.UserView> createUser(
      JwtAuthenticationToken caller,
      @Valid @RequestBody UserRequest request,
      ServerWebExchange exchange) {
    Set<Role> roles = grantable(caller, request.tenant(), request.roles());
    String hash = encoder.encode(request.password());
    return writes.once(
        exchange,
        tenantOf(caller),
        request,
        IdentityStore.UserView.class,
        () -> {
          if (!identities.tenantExists(request.tenant())) {
            throw ProblemException.unprocessable(
                "unknown-tenant",
                "Tenant '" + request.tenant() + "' does not exist.",
                List.of(new FieldViolation("tenant", "does not exist")));
          }
          if (!identities.createUser(request.username(), hash, request.tenant(), roles)) {
            throw ProblemException.conflict(
                "user-exists", "User '" + request.username() + "' exists already.");
          }
          return identities.user(request.username()).orElseThrow();
        });
  }

  @PutMapping("/api/admin/users/{username}/bindings")
  Mono<IdentityStore.UserView> bind(
      JwtAuthenticationToken caller,
      @PathVariable @Pattern(regexp = USER) String username,
      @Valid @RequestBody BindingRequest request,
      ServerWebExchange exchange) {
    ProblemException.requireKnownFields(request.unknown());
    if (request.username() != null && !request.username().equals(username)) {
      throw ProblemException.immutable("username", username);
    }
    Set<Role> roles = grantable(caller, request.tenant(), request.roles());
    return writes.once(
        exchange,
        tenantOf(caller),
        request,
        IdentityStore.UserView.class,
        () -> {
          if (!identities.tenantExists(request.tenant())
              || !identities.replaceBindings(username, request.tenant(), roles)) {
            throw ProblemException.notFound("user", username);
          }
          return identities.user(username).orElseThrow();
        });
  }

  /** Ends every session of a user: refresh tokens stop working; access tokens expire soon. */
  @DeleteMapping("/api/admin/users/{username}/sessions")
  Mono<Map<String, Integer>> endSessions(
      JwtAuthenticationToken caller, @PathVariable @Pattern(regexp = USER) String username) {
    return blocking(
        () -> {
          IdentityStore.UserView user =
              identities
                  .user(username)
                  .orElseThrow(() -> ProblemException.notFound("user", username));
          if (!isPlatformAdmin(caller)) {
            String tenant = tenantOf(caller);
            if (user.bindings().stream().noneMatch(b -> b.startsWith(tenant + ":"))) {
              throw ProblemException.notFound("user", username);
            }
            requireTenantAdmin(caller, tenant);
          }
          return Map.of("revoked", refreshTokens.revokeAll(username));
        });
  }

  private Set<Role> grantable(JwtAuthenticationToken caller, String tenant, List<String> claims) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    claims.forEach(c -> roles.add(Role.fromClaim(c).orElseThrow()));
    if (!isPlatformAdmin(caller)) {
      requireTenantAdmin(caller, tenant);
      if (roles.contains(Role.PLATFORM_ADMIN)) {
        throw ProblemException.forbidden("Only a platform admin can grant platform-admin.");
      }
    }
    return roles;
  }

  private static boolean isPlatformAdmin(JwtAuthenticationToken caller) {
    List<String> roles = caller.getToken().getClaimAsStringList("roles");
    return roles != null && roles.contains(Role.PLATFORM_ADMIN.claim());
  }

  private static void requirePlatformAdmin(JwtAuthenticationToken caller) {
    if (!isPlatformAdmin(caller)) {
      throw ProblemException.forbidden("Managing tenants needs the platform-admin role.");
    }
  }

  private static String requireTenantAdmin(JwtAuthenticationToken caller, String tenant) {
    List<String> roles = caller.getToken().getClaimAsStringList("roles");
    if (roles == null
        || !roles.contains(Role.TENANT_ADMIN.claim())
        || !tenantOf(caller).equals(tenant)) {
      throw ProblemException.forbidden(
          "Managing users needs the tenant-admin role in that tenant.");
    }
    return tenant;
  }

  private static String tenantOf(JwtAuthenticationToken caller) {
    String tenant = caller.getToken().getClaimAsString("tenant");
    return tenant == null ? "" : tenant;
  }

  private static <T> Mono<T> blocking(java.util.concurrent.Callable<T> work) {
    return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
  }
}
