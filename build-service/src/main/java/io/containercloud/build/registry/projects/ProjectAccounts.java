package io.containercloud.build.registry.projects;

import io.containercloud.build.executor.BuildProperties;
import io.containercloud.build.executor.ProjectCredentials;
import io.containercloud.build.registry.oci.OciClient;
import io.containercloud.build.registry.oci.OciException;
import io.containercloud.build.registry.rooms.ImageRegistry;
import io.containercloud.build.registry.rooms.ImageRegistryRepository;
import io.containercloud.build.registry.token.RegistryRobots;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The one way builds get their tenant's account at the build registry, whatever the registry: with
 * build-service as the local registries' token service, the tenant's robot there; when the build
 * registry is a registered Harbor, a robot account of the tenant's Harbor project; otherwise none
 * (the runner's own credential, if configured, serves).
 */
@Component
class ProjectAccounts implements ProjectCredentials {

  private final RegistryRobots local;
  private final HarborRobots harbor;
  private final ImageRegistryRepository registries;
  private final BuildProperties build;

  ProjectAccounts(
      RegistryRobots local,
      HarborRobots harbor,
      ImageRegistryRepository registries,
      BuildProperties build) {
    this.local = local;
    this.harbor = harbor;
    this.registries = registries;
    this.build = build;
  }

  @Override
  public Optional<Login> forTenant(String tenant) {
    Optional<Login> robot = local.login(tenant);
    if (robot.isPresent()) {
      return robot;
    }
    Optional<ImageRegistry> buildHarbor = registries.harborAt(build.registry());
    if (buildHarbor.isEmpty()) {
      return Optional.empty();
    }
    try {
      OciClient.Credentials made = harbor.credentials(buildHarbor.get(), tenant);
      return Optional.of(new Login(made.username(), made.password()));
    } catch (OciException e) {
      throw new IllegalStateException(
          "no account of tenant "
              + tenant
              + " in Harbor "
              + build.registry()
              + ": "
              + e.getMessage(),
          e);
    }
  }
}
