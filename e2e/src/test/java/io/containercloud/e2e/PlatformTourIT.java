package io.containercloud.e2e;

import static io.containercloud.e2e.AppOperations.JSON;
import static io.containercloud.e2e.AppOperations.application;
import static io.containercloud.e2e.AppOperations.assertState;
import static io.containercloud.e2e.AppOperations.awaitEnded;
import static io.containercloud.e2e.AppOperations.request;
import static io.containercloud.e2e.AppOperations.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import com.sun.net.httpserver.HttpServer;
import io.containercloud.common.testing.FreePorts;
import io.containercloud.common.testing.GitServer;
import io.containercloud.common.testing.OciRegistry;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * One day on the platform, every step through the gateway with a real login, each step on what the
 * steps before it made: the rooms are there; a developer starts an application of three services
 * whose front follows an image; builds the sample service, whose push upgrades the front through
 * the application; gives it a DNS name BIND answers; puts it behind an nginx host and switches
 * between VMs and its pods while requests flow; makes it chatty and finds its logs; a machine room
 * fails and heals with replicas, DNS and nginx following and no request lost; and the audit trail
 * holds each change with who made it.
 */
class PlatformTourIT {

  private static final Duration LIMIT = Duration.ofSeconds(90);
  private static final String TENANT = "platform";
  private static final String NAME_LABEL = "app.kubernetes.io/name";

  private final E2ePlatform platform = E2ePlatform.get();
  private final Map<String, KubernetesClient> rooms = new HashMap<>();
  private final List<HttpServer> backends = new ArrayList<>();

  @AfterEach
  void closeClustersAndBackends() {
    rooms.values().forEach(KubernetesClient::close);
    backends.forEach(b -> b.stop(0));
  }

  @Test
  void aDayOnThePlatformThroughTheGateway() throws Exception {
    String run = platform.run;
    String app = "tour-" + run;
    String front = app + "-web";
    String repository = TENANT + "/" + app;
    String followed = OciRegistry.ADDRESS + "/" + repository;
    Instant started = Instant.now();

    // 1. an operator and a developer, made by the admin; the three rooms the platform registered
    Session ops = platform.newUser("ops-" + run, TENANT, "platform-admin");
    Session dev = platform.newUser("dev-" + run, TENANT, "developer");
    await()
        .atMost(LIMIT)
        .untilAsserted(
            () ->
                assertThat(
                        JsonPath.<List<String>>read(
                            dev.ok("GET", "/api/clusters/clusters", null),
                            "$[?(@.health.reachable == true && @.failedOver == null)].name"))
                    .as("step: three rooms, reachable and in service")
                    .containsExactlyInAnyOrderElementsOf(E2ePlatform.ROOMS));

    // 2. an application of three services; the front listens where this test answers for pods
    int podPort = FreePorts.pick();
    backends.add(
        NginxHost.backend(
            new InetSocketAddress(podPort), local -> "pod-" + local.getAddress().getHostAddress()));
    dev.ok(
        "POST",
        "/api/apps/applications",
        application(
            app,
            service("db", "registry.example.com/platform/db:1", null),
            service("api", "registry.example.com/platform/api:1", null, "db"),
            """
            {"name":"web","image":"%s:v0","replicas":3,
             "spec":{"ports":[{"name":"http","port":%d}],
                     "resources":{"requests":{"cpu":"100m","memory":"64Mi"},
                                  "limits":{"cpu":"100m","memory":"64Mi"}}},
             "dependsOn":["api"],"follow":{"repository":"%s","tagPattern":"main-*"}}"""
                .formatted(followed, podPort, followed)));
    JsonNode start = awaitEnded(dev, request(dev, TENANT, app, "{\"action\":\"start\"}"), LIMIT);
    assertThat(start.get("state").asString())
        .as("step: application started, %s", start)
        .isEqualTo("done");

    // 3. the sample built from git and pushed; the push upgrades the front through the application
    String tag;
    String digest;
    try (GitServer git = new GitServer()) {
      String commit = git.sample(app);
      Builds.Build build = Builds.first(dev, app, git.url(app));
      assertThat(build.json())
          .as("step: the sample built, %s", build.log())
          .contains("\"status\":\"SUCCEEDED\"", "\"commit\":\"" + commit);
      tag = "main-" + commit.substring(0, 7);
      digest = OciRegistry.manifestDigest(repository, tag);
    }
    String cause = "image.pushed " + repository + ":" + tag;
    await()
        .atMost(LIMIT)
        .untilAsserted(
            () -> {
              JsonNode last = AppOperations.latest(dev, TENANT, app);
              assertThat(last.get("cause").asString()).as("step: push upgrades").isEqualTo(cause);
              assertState(last, "done");
            });
    FollowingWorkloads.awaitRolled(dev, front, followed + "@" + digest, LIMIT);

    // 4. BIND answers the front's workload name with its ready pods, and a name a developer gave it
    String workloadName = front + "." + app + "." + TENANT + "." + E2ePlatform.ZONE;
    await()
        .atMost(LIMIT)
        .untilAsserted(
            () ->
                assertThat(Bind.addresses(workloadName))
                    .as("step: the workload's name in BIND")
                    .hasSize(3)
                    .containsExactlyElementsOf(ready(front, E2ePlatform.ROOMS)));
    String alias = "www-" + run + "." + E2ePlatform.ZONE;
    dev.ok(
        "POST",
        "/api/dns/records",
        """
        {"name":"%s","type":"CNAME","ttl":60,"values":["%s"]}"""
            .formatted(alias, workloadName));
    await()
        .atMost(LIMIT)
        .untilAsserted(
            () ->
                assertThat(Bind.addresses(alias))
                    .as("step: a CNAME to it")
                    .hasSize(3)
                    .isEqualTo(Bind.addresses(workloadName)));

    // 5. behind nginx: VMs first, then the front's pods in room-2 (from endpoint events), and back
    String cluster = "tour-" + run;
    ops.ok("POST", "/api/nginx/clusters", NginxHost.clusterJson(cluster));
    Path prefix =
        Files.createDirectories(Path.of("target", "nginx-" + run, "tour").toAbsolutePath());
    NginxHost nginx = new NginxHost(prefix, "127.0.0.65");
    String upstream = "/api/nginx/clusters/" + cluster + "/upstreams/web";
    int port = FreePorts.pick();
    int vmA = backend("vm-A");
    int vmB = backend("vm-B");
    Set<String> vms = Set.of("vm-A", "vm-B");
    int replicas;
    try (ServiceProcess agent =
        platform.nginxAgent(cluster, "tour-host", nginx.address, prefix).awaitReady()) {
      dev.ok(
          "POST",
          "/api/nginx/clusters/" + cluster + "/upstreams",
          """
          {"name":"web","balance":"round-robin","active":"vm",
           "vm":{"members":[{"host":"127.0.0.1","port":%d},{"host":"127.0.0.1","port":%d}]},
           "container":{"cluster":"room-2","namespace":"%s","service":"%s","port":%d},
           "healthCheck":{"interval":"1s","rise":1,"fall":3,"timeout":"1s","path":"/",
                          "expectedStatuses":[200]}}"""
              .formatted(vmA, vmB, TENANT, front, podPort));
      dev.ok(
          "POST",
          "/api/nginx/clusters/" + cluster + "/servers",
          """
          {"name":"web","serverNames":["%s"],"listen":[{"port":%d}],
           "locations":[{"path":"/","match":"prefix","upstream":"web"}]}"""
              .formatted(alias, port));
      await()
          .atMost(LIMIT)
          .ignoreExceptions()
          .until(() -> nginx.answered(port, "/", 6).keySet().equals(vms));
      // from here on, every request is counted: none may fail
      try (NginxHost.Client client = nginx.client(port)) {
        Set<String> pods = awaitContainerMembers(dev, upstream, front);
        dev.ok("POST", upstream + "/switch", "{\"active\":\"container\"}");
        client.awaitAnswers(pods);
        dev.ok("POST", upstream + "/switch", "{\"active\":\"vm\"}");
        client.awaitAnswers(vms);
        dev.ok("POST", upstream + "/switch", "{\"active\":\"container\"}");
        client.awaitAnswers(pods);

        // 6. chatty front: its room-1 records found through log-center (one node ships its logs)
        replicas = placeOnLoggedNode(dev, front);
        platform.containerLogs("room-1", chatter(front, 20));
        String window = "from=" + started + "&to=" + Instant.now().plus(Duration.ofHours(1));
        try {
          await()
              .atMost(Duration.ofMinutes(2))
              .untilAsserted(
                  () ->
                      assertThat(logRecords(dev, window + "&service=" + front + "&size=50"))
                          .as("step: its logs in log-center")
                          .hasSize(50)
                          .allSatisfy(
                              r -> {
                                assertThat(r.get("cluster").asString()).isEqualTo("room-1");
                                assertThat(r.get("node").asString())
                                    .isEqualTo(E2ePlatform.LOGGED_NODE);
                                assertThat(r.get("pod").asString()).startsWith(front + "-");
                              }));
        } finally {
          platform.containerLogs("room-1", chatter(front, 0));
        }

        // 7. room-3 fails: its replicas move to the others, BIND and nginx follow; then it heals
        List<String> healthy = List.of("room-1", "room-2");
        platform.kubeSim("room-3", "fail");
        try {
          await()
              .atMost(LIMIT)
              .untilAsserted(
                  () -> {
                    Set<String> ready = ready(front, healthy);
                    assertThat(ready).as("step: replicas moved off room-3").hasSize(replicas);
                    assertThat(Bind.addresses(workloadName)).containsExactlyElementsOf(ready);
                    assertThat(containerMembers(dev, upstream)).isEqualTo(ready(front, "room-2"));
                  });
          client.awaitAnswers(answers(ready(front, "room-2")));
        } finally {
          platform.kubeSim("room-3", "heal");
        }
        await()
            .atMost(LIMIT)
            .untilAsserted(
                () -> {
                  Set<String> ready = ready(front, E2ePlatform.ROOMS);
                  assertThat(ready).as("step: room-3 healed, replicas back").hasSize(replicas);
                  assertThat(ready(front, "room-3")).isNotEmpty();
                  assertThat(Bind.addresses(workloadName)).containsExactlyElementsOf(ready);
                  assertThat(containerMembers(dev, upstream)).isEqualTo(ready(front, "room-2"));
                });
        client.awaitAnswers(answers(ready(front, "room-2")));
        assertThat(client.failed.get())
            .as("step: requests through nginx that failed, of %d", client.sent.get())
            .isZero();
      }
    }

    // 8. the audit trail holds each change with its user, and its chain is intact
    String nginxCluster = "/api/nginx/clusters/" + cluster;
    Map<String, List<String>> changes =
        new HashMap<>(
            Map.of(
                "user=admin&service=clusters&method=POST",
                List.of("POST /api/clusters/clusters"),
                "user=admin&service=gateway&method=POST&q=" + dev.user(),
                List.of("POST /api/admin/users"),
                "user=admin&service=gateway&method=POST&q=" + ops.user(),
                List.of("POST /api/admin/users"),
                "user=" + ops.user(),
                List.of("POST /api/nginx/clusters"),
                "user=" + dev.user(),
                List.of(
                    "POST /api/apps/applications",
                    "POST /api/apps/applications/" + TENANT + "/" + app + "/operations",
                    "POST /api/builds/configurations",
                    "POST /api/builds/configurations/" + TENANT + "/" + app + "/builds",
                    "POST /api/dns/records",
                    "POST " + nginxCluster + "/upstreams",
                    "POST " + nginxCluster + "/servers",
                    "POST " + nginxCluster + "/upstreams/web/switch")));
    if (replicas > 3) {
      changes.put(
          "user=" + dev.user() + "&method=PUT",
          List.of("PUT /api/clusters/workloads/" + TENANT + "/" + front + "/replicas"));
    }
    await()
        .atMost(LIMIT)
        .untilAsserted(
            () ->
                changes.forEach(
                    (query, expected) ->
                        assertThat(audited(query))
                            .as("step: the trail of %s", query)
                            .containsAll(expected)));
    // the push's upgrade, which no user asked for, is the orchestrator's own entry
    assertThat(
            JsonPath.<List<String>>read(
                platform.ok(
                    "GET", "/api/audit/records?user=service:app-orchestrator&limit=200", null),
                "$.items[?(@.action == 'app.operation')].targetId"))
        .as("step: the push's upgrade, by the orchestrator")
        .contains(TENANT + "/" + app);
    assertThat(platform.ok("GET", "/api/audit/chains/" + TENANT + "/verify", null))
        .as("step: the chain verifies")
        .contains("\"intact\":true");
  }

  /** The successful changes of the trail's records the query finds, as {@code <method> <path>}. */
  private Set<String> audited(String query) {
    Set<String> changes = new TreeSet<>();
    String cursor = null;
    do {
      JsonNode page =
          JSON.readTree(
              platform.ok(
                  "GET",
                  "/api/audit/records?"
                      + query
                      + "&limit=200"
                      + (cursor == null ? "" : "&cursor=" + cursor),
                  null));
      for (JsonNode item : page.get("items")) {
        JsonNode payload = JSON.readTree(item.get("payload").asString());
        if (item.path("status").asInt() / 100 == 2 && payload.has("path")) {
          changes.add(item.get("method").asString() + " " + payload.get("path").asString());
        }
      }
      cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asString() : null;
    } while (cursor != null);
    return changes;
  }

  /**
   * Scales {@code workload} by three until one of its room-1 replicas runs on the node whose logs
   * are shipped (the pods of a workload prefer different nodes); the replicas then.
   */
  private int placeOnLoggedNode(Session dev, String workload) {
    int replicas = 3;
    while (pods(workload, "room-1").stream()
        .noneMatch(p -> E2ePlatform.LOGGED_NODE.equals(p.getSpec().getNodeName()))) {
      assertThat(replicas).as("replicas before room-1's pods reach every node").isLessThan(12);
      replicas += 3;
      dev.ok(
          "PUT",
          "/api/clusters/workloads/" + TENANT + "/" + workload + "/replicas",
          "{\"replicas\":" + replicas + "}");
      int expected = replicas;
      await().atMost(LIMIT).until(() -> ready(workload, E2ePlatform.ROOMS).size() == expected);
    }
    return replicas;
  }

  /** Waits until the upstream's container group holds the workload's ready pods in room-2. */
  private Set<String> awaitContainerMembers(Session dev, String upstream, String workload) {
    await()
        .atMost(LIMIT)
        .untilAsserted(
            () ->
                assertThat(containerMembers(dev, upstream))
                    .isNotEmpty()
                    .isEqualTo(ready(workload, "room-2")));
    return answers(containerMembers(dev, upstream));
  }

  private static Set<String> containerMembers(Session dev, String upstream) {
    return new TreeSet<>(
        JsonPath.<List<String>>read(dev.ok("GET", upstream, null), "$.container.members"));
  }

  /** What the pods' server answers from each address. */
  private static Set<String> answers(Set<String> addresses) {
    return addresses.stream().map(a -> "pod-" + a).collect(Collectors.toCollection(TreeSet::new));
  }

  /** The addresses of the workload's Ready pods in {@code rooms}, as kube-sim holds them. */
  private Set<String> ready(String workload, List<String> inRooms) {
    Set<String> addresses = new TreeSet<>();
    inRooms.forEach(room -> addresses.addAll(ready(workload, room)));
    return addresses;
  }

  private Set<String> ready(String workload, String room) {
    return pods(workload, room).stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(
            p ->
                p.getStatus().getConditions().stream()
                    .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
        .map(p -> p.getStatus().getPodIP())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private List<Pod> pods(String workload, String room) {
    return rooms
        .computeIfAbsent(room, platform::cluster)
        .pods()
        .inNamespace(TENANT)
        .withLabel(NAME_LABEL, workload)
        .list()
        .getItems();
  }

  private static List<JsonNode> logRecords(Session user, String query) {
    List<JsonNode> records = new ArrayList<>();
    JSON.readTree(user.ok("GET", "/api/logs/records?" + query, null))
        .get("records")
        .forEach(records::add);
    return records;
  }

  private static String chatter(String deployment, int linesPerSecond) {
    return """
        {"namespace":"%s","deployment":"%s","linesPerSecond":%d,"lineLength":120,\
        "stderrShare":0.1,"stackTraceShare":0.05,"longLineShare":0}"""
        .formatted(TENANT, deployment, linesPerSecond);
  }

  private int backend(String answer) throws Exception {
    HttpServer server = NginxHost.backend(answer);
    backends.add(server);
    return server.getAddress().getPort();
  }
}
