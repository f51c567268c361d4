package io.containercloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code endpoints.changed}: cluster-service produces it from the pods Kubernetes reports ready;
 * dns-service (workload names in BIND) and nginx-mgr (container members) consume it. Driven through
 * the gateway as a user would, with nothing written by hand.
 */
class EndpointEventsContractIT {

  private static final Duration LIMIT = Duration.ofSeconds(90);

  private final E2ePlatform platform = E2ePlatform.get();

  @Test
  void aDeployNamesTheWorkloadInBindAndScaleFailoverAndUndeployKeepTheNameTrue() {
    String workload = "web-" + UUID.randomUUID().toString().substring(0, 6);
    String name = workload + ".shop.platform." + E2ePlatform.ZONE;
    platform.ok("POST", "/api/clusters/workloads", deployment(workload, 3));

    await().atMost(LIMIT).until(() -> Bind.addresses(name).size() == 3);
    assertThat(rooms(Bind.addresses(name))).as("one replica per room").hasSize(3);

    platform.ok(
        "PUT", "/api/clusters/workloads/platform/" + workload + "/replicas", "{\"replicas\":6}");
    await().atMost(LIMIT).until(() -> Bind.addresses(name).size() == 6);

    platform.kubeSim("room-3", "fail");
    try {
      await()
          .atMost(LIMIT)
          .until(
              () -> {
                List<String> addresses = Bind.addresses(name);
                return addresses.size() == 6 && rooms(addresses).size() == 2;
              });
    } finally {
      platform.kubeSim("room-3", "heal");
    }

    platform.ok("DELETE", "/api/clusters/workloads/platform/" + workload, null);
    await().atMost(LIMIT).until(() -> Bind.addresses(name).isEmpty());
  }

  @Test
  void aContainerGroupGetsTheReadyAddressesOfItsServiceInItsCluster() {
    String workload = "api-" + UUID.randomUUID().toString().substring(0, 6);
    String cluster = "e2e-" + platform.run;
    platform.send(
        "POST",
        "/api/nginx/clusters",
        """
        {"name":"%s","flavour":"nginx","version":"1.22.1","templateSet":"standard",
         "defaults":{"httpPort":80,"httpsPort":443}}"""
            .formatted(cluster));
    platform.ok(
        "POST",
        "/api/nginx/clusters/" + cluster + "/upstreams",
        """
        {"name":"%s","balance":"round-robin","active":"container",
         "container":{"cluster":"room-1","namespace":"platform","service":"%s","port":8080},
         "healthCheck":{"interval":"5s","rise":2,"fall":3,"timeout":"1s","path":"/",
                        "expectedStatuses":[200]}}"""
            .formatted(workload, workload));
    platform.ok("POST", "/api/clusters/workloads", deployment(workload, 3));
    String name = workload + ".shop.platform." + E2ePlatform.ZONE;

    await().atMost(LIMIT).until(() -> Bind.addresses(name).size() == 3);
    await()
        .atMost(LIMIT)
        .until(
            () -> {
              String upstream =
                  platform.ok(
                      "GET", "/api/nginx/clusters/" + cluster + "/upstreams/" + workload, null);
              List<String> inRoom1 =
                  Bind.addresses(name).stream()
                      .filter(a -> upstream.contains("\"" + a + "\""))
                      .toList();
              return inRoom1.size() == 1;
            });

    platform.ok("DELETE", "/api/clusters/workloads/platform/" + workload, null);
    await()
        .atMost(LIMIT)
        .until(
            () ->
                platform
                    .ok("GET", "/api/nginx/clusters/" + cluster + "/upstreams/" + workload, null)
                    .contains("\"members\":[]"));

    String upstream = "/api/nginx/clusters/" + cluster + "/upstreams/" + workload;
    platform.ok("DELETE", upstream, null, etag(upstream));
    platform.ok(
        "DELETE", "/api/nginx/clusters/" + cluster, null, etag("/api/nginx/clusters/" + cluster));
  }

  private String etag(String path) {
    return platform.send("GET", path, null).headers().firstValue("ETag").orElseThrow();
  }

  /** The rooms addresses are in: kube-sim numbers each room's pod network apart. */
  private static Set<String> rooms(List<String> addresses) {
    return addresses.stream().map(a -> a.split("\\.")[1]).collect(Collectors.toSet());
  }

  private static String deployment(String name, int replicas) {
    return """
        {"name":"%s","image":"registry.example.com/shop/api:1.0","replicas":%d,
         "spec":{"application":"shop","ports":[{"name":"http","port":8080}],
                 "resources":{"requests":{"cpu":"250m","memory":"256Mi"},
                              "limits":{"cpu":"500m","memory":"512Mi"}}}}"""
        .formatted(name, replicas);
  }
}
