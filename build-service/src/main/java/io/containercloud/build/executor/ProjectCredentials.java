package io.containercloud.build.executor;

import java.util.Optional;

/**
 * The account a tenant's builds push and pull with at the build registry, limited to the tenant's
 * project (and pulling the platform's base images): with the local registries, a robot of
 * build-service's own token service; with Harbor, a robot account of the tenant's project. Empty
 * when the registry has no accounts per project, and the build runner's own credential (if any)
 * serves.
 */
public interface ProjectCredentials {

  Optional<Login> forTenant(String tenant);

  /** A registry login, never shown or logged. */
  record Login(String username, String password) {

    @Override
    public String toString() {
      return "Login[" + username + "]";
    }
  }
}
