package io.containercloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.testing.LocalInfra;
import io.containercloud.common.testing.OciRegistry;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Each machine room pulls from its own registry by the name the platform keeps for it, and gets a
 * pushed image only once its registry holds it: build-service announces the registries and copies
 * the push (its real sync policy, three real registries), dns-service keeps the names in BIND,
 * cluster-service writes each room's pod spec and holds back the room whose copy failed.
 */
class RegistriesPerRoomIT {

  private static final Duration LIMIT = Duration.ofSeconds(90);

  private final E2ePlatform platform = E2ePlatform.get();

  @Test
  void eachRoomPullsFromItsOwnRegistryAndTakesAPushOnlyOnceItHoldsIt() {
    for (String room : E2ePlatform.ROOMS) {
      await()
          .atMost(LIMIT)
          .until(() -> Bind.addresses(pullName(room)).equals(List.of("127.0.0.1")));
    }
    String workload = "rooms-" + platform.run;
    String repository = "platform/e2e-" + platform.run + "-rooms";
    String followed = OciRegistry.ADDRESS + "/" + repository;
    FollowingWorkloads.deploy(platform.admin(), workload, followed, "v1", "v*");
    await()
        .atMost(LIMIT)
        .untilAsserted(
            () -> {
              for (int i = 0; i < E2ePlatform.ROOMS.size(); i++) {
                assertThat(image(i, workload)).isEqualTo(pullHost(i) + "/" + repository + ":v1");
              }
            });

    String digest;
    LocalInfra.stop("registry3", LocalInfra.REGISTRY3_PORT);
    try {
      digest = OciRegistry.push(repository, "v2", "a release while room-3's registry is down");
      await()
          .atMost(LIMIT)
          .untilAsserted(
              () -> {
                assertThat(image(0, workload))
                    .isEqualTo(pullHost(0) + "/" + repository + "@" + digest);
                assertThat(image(1, workload))
                    .isEqualTo(pullHost(1) + "/" + repository + "@" + digest);
                assertThat(waitingFor(workload, "room-3"))
                    .contains("room-3", "does not hold", digest, "the last sync failed");
              });
      assertThat(image(2, workload)).isEqualTo(pullHost(2) + "/" + repository + ":v1");
    } finally {
      LocalInfra.start("registry3");
    }
    // its registry back, room-3 is caught up and takes the image from there
    await()
        .atMost(LIMIT)
        .untilAsserted(
            () ->
                assertThat(image(2, workload))
                    .isEqualTo(pullHost(2) + "/" + repository + "@" + digest));
    assertThat(waitingFor(workload, "room-3")).isNull();
  }

  private static String pullName(String room) {
    return "registry." + room + "." + E2ePlatform.ZONE;
  }

  private static String pullHost(int room) {
    return pullName(E2ePlatform.ROOMS.get(room)) + ":" + E2ePlatform.REGISTRY_PORTS.get(room);
  }

  /** The image room {@code room}'s Deployment runs, as its kubelet would pull it. */
  private String image(int room, String workload) {
    try (KubernetesClient cluster = platform.cluster(E2ePlatform.ROOMS.get(room))) {
      Deployment deployment =
          cluster.apps().deployments().inNamespace("platform").withName(workload).get();
      return deployment == null
          ? null
          : deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }
  }

  /** Why {@code room} has not taken the workload's image yet, as the workload's status says. */
  private String waitingFor(String workload, String room) {
    String shown = platform.ok("GET", "/api/clusters/workloads/platform/" + workload, null);
    Matcher cluster =
        Pattern.compile("\\{\"cluster\":\"" + room + "\"[^}]*?\"waitingFor\":(null|\"([^\"]*)\")")
            .matcher(shown);
    assertThat(cluster.find()).as(shown).isTrue();
    return cluster.group(2);
  }
}
