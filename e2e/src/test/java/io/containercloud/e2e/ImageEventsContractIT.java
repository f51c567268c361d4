package io.containercloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.testing.OciRegistry;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    platform.ok(
        "POST",
        "/api/clusters/workloads",
        """
        {"name":"%s","image":"%s:v1","replicas":3,
         "spec":{"application":"shop","ports":[{"name":"http","port":8080}],
                 "resources":{"requests":{"cpu":"250m","memory":"256Mi"},
                              "limits":{"cpu":"500m","memory":"512Mi"}},
                 "follow":{"repository":"%s","tagPattern":"v*"}}}"""
            .formatted(workload, followed, followed));

    String other = OciRegistry.push(repository, "main-1", "a branch build");
    String digest = OciRegistry.push(repository, "v2", "a release build");
    String image = followed + "@" + digest;
    await()
        .atMost(LIMIT)
        .untilAsserted(
            () -> {
              String shown =
                  platform.ok("GET", "/api/clusters/workloads/platform/" + workload, null);
              assertThat(shown).contains("\"image\":\"" + image + "\"");
              // every room's share runs it, one room after the other
              Matcher rooms = Pattern.compile("\"cluster\":\"room-\\d\"").matcher(shown);
              assertThat(rooms.results().count()).isEqualTo(3);
              assertThat(shown.split(Pattern.quote("\"image\":\"" + image + "\""), -1))
                  .hasSize(1 + 1 + 3);
            });
    assertThat(platform.ok("GET", "/api/clusters/workloads/platform/" + workload, null))
        .doesNotContain(other);
  }
}
