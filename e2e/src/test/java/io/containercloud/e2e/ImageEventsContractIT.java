package io.containercloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.common.testing.OciRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code image.pushed}: build-service produces it from the local registry's real notifications;
 * cluster-service consumes it and rolls the workloads that follow the repository. A push to the
 * registry, nothing written by hand, and the workload deployed and watched through the gateway.
 */
class ImageEventsContractIT {

  private static final Duration LIMIT = Duration.ofSeconds(90);

  private final E2ePlatform platform = E2ePlatform.get();

  @Test
  void aPushToTheRegistryRollsTheWorkloadsThatFollowItInEveryRoom() {
    String workload = "orders-" + platform.run;
    String repository = "platform/e2e-" + platform.run + "-orders";
    String followed = OciRegistry.ADDRESS + "/" + repository;
    FollowingWorkloads.deploy(platform.admin(), workload, followed, "v1", "v*");

    String other = OciRegistry.push(repository, "main-1", "a branch build");
    String digest = OciRegistry.push(repository, "v2", "a release build");
    String image = followed + "@" + digest;
    assertThat(FollowingWorkloads.awaitRolled(platform.admin(), workload, image, LIMIT))
        .doesNotContain(other);
  }
}
