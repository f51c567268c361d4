package io.containercloud.common.security;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Who is calling: taken only from the verified access token, never from a header.
 *
 * @param user the token's subject
 * @param tenant the tenant the caller acts in
 * @param roles the caller's roles in that tenant
 */
public record Caller(String user, String tenant, Set<Role> roles) {

  /** Token claim holding the tenant. */
  public static final String TENANT_CLAIM = "tenant";

  /** Token claim holding the role names. */
  public static final String ROLES_CLAIM = "roles";

  public Caller {
    roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
  }

  /** The caller of the current request; fails if the request was not authenticated by a token. */
  public static Caller current() {
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    if (auth instanceof JwtAuthenticationToken token) {
      return fromJwt(token.getToken());
    }
    throw new IllegalStateException("no authenticated caller on this thread");
  }

  static Caller fromJwt(Jwt jwt) {
    List<String> claimed = jwt.getClaimAsStringList(ROLES_CLAIM);
    Set<Role> roles = EnumSet.noneOf(Role.class);
    if (claimed != null) {
      claimed.forEach(c -> Role.fromClaim(c).ifPresent(roles::add));
    }
    String tenant = jwt.getClaimAsString(TENANT_CLAIM);
    return new Caller(jwt.getSubject(), tenant == null ? "" : tenant, roles);
  }

  public boolean has(Role role) {
    return roles.contains(role);
  }

  /**
   * Whether the caller may change objects of {@code objectTenant}: as a developer or tenant admin
   * of it, or as platform admin.
   */
  public boolean canChange(String objectTenant) {
    return has(Role.PLATFORM_ADMIN)
        || (tenant.equals(objectTenant) && (has(Role.TENANT_ADMIN) || has(Role.DEVELOPER)));
  }

  /**
   * Whether the caller may see objects of {@code objectTenant}: its own, or any as platform admin.
   */
  public boolean canSee(String objectTenant) {
    return has(Role.PLATFORM_ADMIN) || tenant.equals(objectTenant);
  }
}
