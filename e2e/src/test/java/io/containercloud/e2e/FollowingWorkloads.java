package io.containercloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Workloads of tenant {@code platform} that follow an image, deployed and watched as a user. */
final class FollowingWorkloads {

  private FollowingWorkloads() {}

  /**
   * Deploys {@code name}, 3 replicas on {@code repository:tag}, following tags of {@code pattern}.
   */
  static void deploy(Session user, String name, String repository, String tag, String pattern) {
    user.ok(
        "POST",
        "/api/clusters/workloads",
        """
        {"name":"%s","image":"%s:%s","replicas":3,
         "spec":{"application":"shop","ports":[{"name":"http","port":8080}],
                 "resources":{"requests":{"cpu":"250m","memory":"256Mi"},
                              "limits":{"cpu":"500m","memory":"512Mi"}},
                 "follow":{"repository":"%s","tagPattern":"%s"}}}"""
            .formatted(name, repository, tag, repository, pattern));
  }

  /** Waits until {@code name} and its share in every room run {@code image}; what it shows then. */
  static String awaitRolled(Session user, String name, String image, Duration limit) {
    String path = "/api/clusters/workloads/platform/" + name;
    await()
        .atMost(limit)
        .untilAsserted(
            () -> {
              String shown = user.ok("GET", path, null);
              assertThat(shown).contains("\"image\":\"" + image + "\"");
              // every room's share runs it, one room after the other
              Matcher rooms = Pattern.compile("\"cluster\":\"room-\\d\"").matcher(shown);
              assertThat(rooms.results().count()).isEqualTo(E2ePlatform.ROOMS.size());
              assertThat(shown.split(Pattern.quote("\"image\":\"" + image + "\""), -1))
                  .hasSize(1 + 1 + E2ePlatform.ROOMS.size());
            });
    return user.ok("GET", path, null);
  }
}
