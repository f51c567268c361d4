package io.containercloud.common.security;

import java.util.Arrays;
import java.util.Optional;

/** The platform's roles, as carried in the {@code roles} claim of an access token. */
public enum Role {
  PLATFORM_ADMIN("platform-admin"),
  TENANT_ADMIN("tenant-admin"),
  DEVELOPER("developer"),
  VIEWER("viewer");

  private final String claim;

  Role(String claim) {
    this.claim = claim;
  }

  /** The role's name in tokens and APIs, for example {@code tenant-admin}. */
  public String claim() {
    return claim;
  }

  /** The Spring Security authority, for {@code hasRole} checks. */
  public String authority() {
    return "ROLE_" + name();
  }

  public static Optional<Role> fromClaim(String claim) {
    return Arrays.stream(values()).filter(r -> r.claim.equals(claim)).findFirst();
  }
}
