package io.containercloud.cluster.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.cluster.testing.Rooms;
import io.containercloud.common.security.Role;
import io.containercloud.common.testing.KubeSimProcess;
import io.containercloud.common.testing.LocalInfra;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestTokens;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/** Workloads on three kube-sim clusters: deploy, scale, upgrade, fail over, autoscale, delete. */
@ServiceIntegrationTest
class WorkloadIT {

  private static final String ADMIN = TestTokens.token("root", "platform", Role.PLATFORM_ADMIN);
  private static final String DEV = TestTokens.token("dana", "tenant-a", Role.DEVELOPER);
  private static final String VIEWER = TestTokens.token("vic", "tenant-a", Role.VIEWER);
  private static final String OTHER = TestTokens.token("olga", "tenant-b", Role.DEVELOPER);
  private static final List<String> ROOMS = List.of("room-1", "room-2", "room-3");

  private static KubeSimProcess sim;
  private static Rooms rooms;

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;

  @BeforeAll
  static void clusters() throws Exception {
    sim = new KubeSimProcess(3, 3, "4", "16Gi");
    rooms = new Rooms(sim, ROOMS);
  }

  @AfterAll
  static void stopClusters() {
    rooms.close();
    sim.close();
  }

  @BeforeEach
  void registered() throws Exception {
    rooms.reset(port, jdbc);
  }

  @Test
  void deploysToEveryClusterHardenedAndReconcilingAgainChangesNothing() throws Exception {
    HttpResponse<String> created = rooms.deploy(DEV, "api", 6, "{}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.headers().firstValue("ETag")).isPresent();
    awaitReady("api", 6);
    assertThat(rooms.split("tenant-a", "api"))
        .isEqualTo(Map.of("room-1", 2, "room-2", 2, "room-3", 2));

    Map<String, String> versions = new java.util.HashMap<>();
    for (String room : ROOMS) {
      Deployment deployment = rooms.deployment(room, "tenant-a", "api");
      assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
      PodSpec pod = deployment.getSpec().getTemplate().getSpec();
      assertThat(pod.getAutomountServiceAccountToken()).isFalse();
      assertThat(pod.getDnsPolicy()).isEqualTo("Default");
      assertThat(pod.getHostNetwork()).isFalse();
      assertThat(pod.getHostPID()).isFalse();
      assertThat(pod.getHostIPC()).isFalse();
      assertThat(
              pod.getAffinity()
                  .getPodAntiAffinity()
                  .getPreferredDuringSchedulingIgnoredDuringExecution()
                  .get(0)
                  .getPodAffinityTerm()
                  .getTopologyKey())
          .isEqualTo("kubernetes.io/hostname");
      Container container = pod.getContainers().get(0);
      assertThat(container.getImage()).isEqualTo("registry.example.com/shop/api:1.0");
      assertThat(container.getSecurityContext().getPrivileged()).isFalse();
      assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
      assertThat(container.getResources().getLimits())
          .containsKeys("cpu", "memory", "ephemeral-storage");
      assertThat(container.getResources().getLimits().get("ephemeral-storage").toString())
          .isEqualTo("10Gi");
      assertThat(container.getEnv())
          .anySatisfy(
              env -> {
                assertThat(env.getName()).isEqualTo("JAVA_TOOL_OPTIONS");
                assertThat(env.getValue()).contains("-Xmx768m", "-XX:ActiveProcessorCount=1");
              });
      assertThat(rooms.service(room, "tenant-a", "api")).isNotNull();
      versions.put(room, deployment.getMetadata().getResourceVersion());
    }
    assertThat(rooms.events("workload.placed", "tenant-a/api")).hasSize(1);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              for (String room : ROOMS) {
                assertThat(rooms.endpointEvents(room + "/tenant-a/api"))
                    .last()
                    .satisfies(e -> assertThat(e).containsPattern("\"addresses\":\\[\"[0-9.]+\","));
              }
            });

    // more rounds: nothing is written again
    Instant before = Instant.now();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> rooms.reconciledSince("tenant-a", "api", before));
    for (String room : ROOMS) {
      assertThat(rooms.deployment(room, "tenant-a", "api").getMetadata().getResourceVersion())
          .isEqualTo(versions.get(room));
    }
  }

  @Test
  void aDryRunAnswersWhatADeployWouldDoAndCreatesNothing() throws Exception {
    String body = rooms.body("planned", "registry.example.com/shop/api:1.0", 5, "{}");
    HttpResponse<String> planned = rooms.deployRaw(DEV, body, true);
    assertThat(planned.statusCode()).as(planned.body()).isEqualTo(200);
    assertThat(planned.body())
        .contains("\"tenant\":\"tenant-a\"", "\"replicas\":5", "\"room-1\":", "\"room-3\":");
    assertThat(rooms.get(DEV, "/workloads/tenant-a/planned").statusCode()).isEqualTo(404);
    assertThat(rooms.split("tenant-a", "planned")).isEmpty();

    assertBad(
        rooms.deployRaw(
            DEV,
            rooms.body(
                "planned",
                "registry.example.com/shop/api:1.0",
                500,
                "{\"resources\":{\"requests\":{\"cpu\":\"4\",\"memory\":\"1Gi\"},"
                    + "\"limits\":{\"cpu\":\"4\",\"memory\":\"1Gi\"}}}"),
            true),
        422,
        "no-room");
    assertBad(rooms.deployRaw(DEV, body.replace("planned", "Bad_Name"), true), 400, "name");
    assertThat(rooms.deployRaw(DEV, body, false).statusCode()).isEqualTo(201);
    assertBad(rooms.deployRaw(DEV, body, true), 409, "workload-exists");
  }

  @Test
  void aNewSpecReachesEveryClustersDeploymentAndItsApplicationStays() throws Exception {
    HttpResponse<String> created = rooms.deploy(DEV, "respec", 3, "{}");
    assertThat(created.statusCode()).isEqualTo(201);
    String etag = created.headers().firstValue("ETag").orElseThrow();
    String spec =
        "{\"application\":\"shop\",\"resources\":{\"requests\":{\"cpu\":\"250m\","
            + "\"memory\":\"256Mi\"},\"limits\":{\"cpu\":\"1\",\"memory\":\"1Gi\"}},"
            + "\"ports\":[{\"name\":\"http\",\"port\":8080}],\"env\":{\"MODE\":\"blue\"}}";

    HttpResponse<String> changed = rooms.put(DEV, "/workloads/tenant-a/respec/spec", spec, etag);
    assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
    assertThat(changed.body()).contains("\"MODE\":\"blue\"", "\"version\":2");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              for (String room : ROOMS) {
                Container container =
                    rooms
                        .deployment(room, "tenant-a", "respec")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0);
                assertThat(container.getEnv())
                    .anySatisfy(
                        e -> assertThat(e.getName() + "=" + e.getValue()).isEqualTo("MODE=blue"));
                assertThat(container.getResources().getRequests().get("cpu").toString())
                    .isEqualTo("250m");
              }
            });
    assertThat(rooms.events("workload.spec-changed", "tenant-a/respec")).hasSize(1);

    assertBad(
        rooms.put(DEV, "/workloads/tenant-a/respec/spec", spec.replace("shop", "other")),
        422,
        "immutable-field");
    assertBad(rooms.put(DEV, "/workloads/tenant-a/respec/spec", spec, etag), 409, "stale-version");
    assertThat(rooms.put(VIEWER, "/workloads/tenant-a/respec/spec", spec).statusCode())
        .isEqualTo(403);
  }

  @Test
  void whatTheClustersRunIsAnnouncedAsWorkloadStatus() throws Exception {
    assertThat(rooms.deploy(DEV, "announced", 3, "{}").statusCode()).isEqualTo(201);
    awaitReady("announced", 3);

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(rooms.events("workload.status", "tenant-a/announced"))
                    .last()
                    .satisfies(
                        e ->
                            assertThat(e)
                                .contains("\"replicas\":3")
                                .doesNotContain("\"settled\":false")
                                .containsPattern(
                                    "\"cluster\":\"room-1\",\"replicas\":1,"
                                        + "\"image\":\"[^\"]+\",\"ready\":1")));
    // nothing changes any more: no further status
    int seen = rooms.events("workload.status", "tenant-a/announced").size();
    Instant before = Instant.now();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> rooms.reconciledSince("tenant-a", "announced", before));
    assertThat(rooms.events("workload.status", "tenant-a/announced")).hasSize(seen);
  }

  @Test
  void badInputIsRefusedAndCreatesNothing() throws Exception {
    assertBad(rooms.deploy(DEV, "Bad_Name", 3, "{}"), 400, "\"field\":\"name\"");
    assertBad(
        rooms.deployRaw(DEV, rooms.body("api", "nginx;rm -rf /", 3, "{}")),
        400,
        "\"field\":\"image\"");
    assertBad(rooms.deploy(DEV, "api", -1, "{}"), 400, "\"field\":\"replicas\"");
    assertBad(
        rooms.deploy(
            DEV,
            "api",
            3,
            "{\"resources\":{\"requests\":{\"cpu\":\"-1\",\"memory\":\"1Gi\"},"
                + "\"limits\":{\"cpu\":\"1\",\"memory\":\"1Gi\"}}}"),
        400,
        "spec.resources.requests.cpu");
    assertBad(
        rooms.deploy(
            DEV,
            "api",
            3,
            "{\"env\":{\"A\":\"line\\nbreak\"},\"ports\":[{\"name\":\"http\",\"port\":70000}]}"),
        400,
        "spec.env[A]");
    assertBad(
        rooms.deploy(
            DEV,
            "api",
            3,
            "{\"ports\":[{\"name\":\"http\",\"port\":80},{\"name\":\"http\",\"port\":81}]}"),
        400,
        "spec.ports[1].name");
    assertBad(
        rooms.deploy(DEV, "api", 3, "{\"ports\":[{\"name\":\"8080\",\"port\":8080}]}"),
        400,
        "spec.ports[0].name");
    assertBad(
        rooms.deploy(
            DEV,
            "api",
            3,
            "{\"resources\":{\"requests\":{\"cpu\":\"1\",\"memory\":\"1Gi\"},"
                + "\"limits\":{\"cpu\":\"1\",\"memory\":\"999999999999999Ti\"}}}"),
        400,
        "spec.resources.limits.memory");
    assertBad(rooms.deploy(DEV, "api", 3, "{\"clusters\":[\"room-9\"]}"), 404, "room-9");
    HttpResponse<String> tooBig =
        rooms.deploy(
            DEV,
            "api",
            40,
            "{\"resources\":{\"requests\":{\"cpu\":\"1\",\"memory\":\"1Gi\"},"
                + "\"limits\":{\"cpu\":\"1\",\"memory\":\"1Gi\"}}}");
    assertBad(tooBig, 422, "spec.resources.requests.cpu");
    assertThat(tooBig.body())
        .contains("no-room", "room-1, has 12 CPU cores free", "36 replicas fit");
    assertBad(rooms.deploy(VIEWER, "api", 3, "{}"), 403, "forbidden");

    assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM workload", Integer.class)).isZero();
    for (String room : ROOMS) {
      assertThat(rooms.deployments(room)).isEmpty();
    }
  }

  @Test
  void scalesTogetherAndUpgradesOneClusterAtATime() throws Exception {
    assertThat(rooms.deploy(DEV, "web", 3, "{}").statusCode()).isEqualTo(201);
    awaitReady("web", 3);
    assertBad(
        rooms.put(DEV, "/workloads/tenant-a/web/replicas", "{\"replicas\":9,\"name\":\"other\"}"),
        400,
        "\"field\":\"name\"");
    assertBad(
        rooms.put(DEV, "/workloads/tenant-a/web/image", "{\"image\":\"a/b:2\",\"tenant\":\"x\"}"),
        400,
        "\"field\":\"tenant\"");
    assertThat(rooms.put(DEV, "/workloads/tenant-a/web/replicas", "{\"replicas\":9}").statusCode())
        .isEqualTo(200);
    awaitReady("web", 9);
    assertThat(rooms.split("tenant-a", "web"))
        .isEqualTo(Map.of("room-1", 3, "room-2", 3, "room-3", 3));
    assertThat(rooms.events("workload.scaled", "tenant-a/web")).hasSize(1);

    // watch the upgrade: never two clusters rolling at once
    AtomicBoolean overlap = new AtomicBoolean();
    AtomicBoolean watching = new AtomicBoolean(true);
    Thread watcher =
        new Thread(
            () -> {
              while (watching.get()) {
                int rolling = 0;
                for (String room : ROOMS) {
                  Deployment d = rooms.deployment(room, "tenant-a", "web");
                  boolean onNew =
                      d.getSpec()
                          .getTemplate()
                          .getSpec()
                          .getContainers()
                          .get(0)
                          .getImage()
                          .endsWith(":2.0");
                  boolean done =
                      d.getStatus() != null
                          && Integer.valueOf(3).equals(d.getStatus().getUpdatedReplicas())
                          && Integer.valueOf(3).equals(d.getStatus().getReadyReplicas())
                          && Integer.valueOf(3).equals(d.getStatus().getReplicas());
                  rolling += onNew && !done ? 1 : 0;
                }
                overlap.compareAndSet(false, rolling > 1);
              }
            });
    watcher.start();
    try {
      assertThat(
              rooms
                  .put(
                      DEV,
                      "/workloads/tenant-a/web/image",
                      "{\"image\":\"registry.example.com/shop/api:2.0\"}")
                  .statusCode())
          .isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  ROOMS.stream()
                      .allMatch(
                          room ->
                              rooms
                                  .deployment(room, "tenant-a", "web")
                                  .getSpec()
                                  .getTemplate()
                                  .getSpec()
                                  .getContainers()
                                  .get(0)
                                  .getImage()
                                  .endsWith(":2.0")));
      awaitReady("web", 9);
    } finally {
      watching.set(false);
      watcher.join();
    }
    assertThat(overlap).isFalse();
    assertThat(rooms.events("workload.upgraded", "tenant-a/web"))
        .hasSize(3)
        .satisfies(
            events -> {
              assertThat(events.get(0)).contains("\"cluster\":\"room-1\"");
              assertThat(events.get(1)).contains("\"cluster\":\"room-2\"");
              assertThat(events.get(2)).contains("\"cluster\":\"room-3\"");
            });
  }

  @Test
  void aFailedClusterLosesItsReplicasUntilItHasBeenHealthyForTheQuietPeriod() throws Exception {
    assertThat(rooms.deploy(DEV, "pay", 6, "{}").statusCode()).isEqualTo(201);
    awaitReady("pay", 6);

    sim.fail("room-3");
    Instant healed;
    try {
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> rooms.events("cluster.failed", "room-3").size() == 1);
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                Map<String, Integer> split = rooms.split("tenant-a", "pay");
                assertThat(split.get("room-1") + split.get("room-2")).isEqualTo(6);
                assertThat(split.get("room-3")).isZero();
                assertThat(
                        rooms.ready("room-1", "tenant-a", "pay")
                            + rooms.ready("room-2", "tenant-a", "pay"))
                    .isEqualTo(6);
              });
      assertThat(rooms.events("workload.migrated", "tenant-a/pay")).hasSize(1);
      await() // the reconciler's next round records what the clusters report
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(rooms.get(DEV, "/workloads/tenant-a/pay").body())
                      .as("the failed cluster's replicas count for nothing")
                      .contains("\"ready\":6,"));
      assertThat(rooms.endpointEvents("room-3/tenant-a/pay"))
          .last()
          .satisfies(e -> assertThat(e).contains("\"addresses\":[]"));
    } finally {
      healed = Instant.now(); // before the call: the heal cannot take effect earlier
      sim.heal("room-3");
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> rooms.events("cluster.recovered", "room-3").size() == 1);
    Instant recovered = rooms.eventTimes("cluster.recovered", "room-3").get(0);
    assertThat(Duration.between(healed, recovered)).isGreaterThanOrEqualTo(Duration.ofSeconds(4));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(rooms.split("tenant-a", "pay"))
                    .isEqualTo(Map.of("room-1", 2, "room-2", 2, "room-3", 2)));
    awaitReady("pay", 6);
    assertThat(rooms.events("cluster.failed", "room-3")).hasSize(1);
  }

  @Test
  void aClusterWithMostNodesNotReadyFailsAndGivesUpReplicasOnlyOnceTheOthersAreReady()
      throws Exception {
    assertThat(rooms.deploy(DEV, "ledger", 6, "{}").statusCode()).isEqualTo(201);
    awaitReady("ledger", 6);

    AtomicBoolean early = new AtomicBoolean();
    AtomicBoolean watching = new AtomicBoolean(true);
    Thread watcher =
        new Thread(
            () -> {
              while (watching.get()) {
                Deployment there = rooms.deployment("room-2", "tenant-a", "ledger");
                int kept = there.getSpec().getReplicas();
                int elsewhere =
                    rooms.ready("room-1", "tenant-a", "ledger")
                        + rooms.ready("room-3", "tenant-a", "ledger");
                // replicas leave room-2 only as far as Ready ones elsewhere cover the total
                early.compareAndSet(false, kept < 2 && elsewhere + kept < 6);
              }
            });
    watcher.start();
    try {
      sim.failNode("room-2", "room-2-node-1");
      sim.failNode("room-2", "room-2-node-2");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> rooms.events("cluster.failed", "room-2").size() == 1);
      assertThat(rooms.events("cluster.failed", "room-2").get(0)).contains("nodes are not Ready");
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(rooms.deployment("room-2", "tenant-a", "ledger").getSpec().getReplicas())
                    .isZero();
                assertThat(
                        rooms.ready("room-1", "tenant-a", "ledger")
                            + rooms.ready("room-3", "tenant-a", "ledger"))
                    .isEqualTo(6);
              });
    } finally {
      watching.set(false);
      watcher.join();
      sim.healNode("room-2", "room-2-node-1");
      sim.healNode("room-2", "room-2-node-2");
    }
    assertThat(early).isFalse();
  }

  @Test
  void autoscalesOnCpuAcrossClustersAndScalesDownOnlyAfterTheWindow() throws Exception {
    HttpResponse<String> created =
        rooms.deployRaw(
            DEV,
            rooms
                .body("calc", "registry.example.com/shop/calc:1.0", 3, "{}")
                .replace(
                    "\"replicas\":3",
                    "\"replicas\":3,\"autoscale\":{\"min\":3,\"max\":9,\"targetCpuPercent\":50}"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    awaitReady("calc", 3);
    for (String room : ROOMS) {
      sim.load(room, "tenant-a", 1.0);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> total("calc") >= 6);
    assertThat(rooms.events("workload.scaled", "tenant-a/calc").get(0)).contains("autoscale");
    int high = total("calc");
    Instant low = Instant.now(); // before the calls: the load cannot drop earlier
    for (String room : ROOMS) {
      sim.load(room, "tenant-a", 0.05);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> total("calc") == 3);
    List<Instant> scaled = rooms.eventTimes("workload.scaled", "tenant-a/calc");
    Instant down = scaled.get(scaled.size() - 1);
    assertThat(Duration.between(low, down)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    assertThat(high).isLessThanOrEqualTo(9);
    assertThat(rooms.put(DEV, "/workloads/tenant-a/calc/replicas", "{\"replicas\":4}").statusCode())
        .isEqualTo(409);
  }

  @Test
  void tenantsSeeOnlyTheirOwnAndDeleteRemovesEverywhere() throws Exception {
    assertThat(rooms.deploy(DEV, "gone", 3, "{}").statusCode()).isEqualTo(201);
    assertThat(rooms.get(OTHER, "/workloads/tenant-a/gone").statusCode()).isEqualTo(404);
    assertThat(rooms.get(OTHER, "/workloads").body()).isEqualTo("[]");
    assertThat(rooms.delete(OTHER, "/workloads/tenant-a/gone").statusCode()).isEqualTo(403);
    awaitReady("gone", 3);

    HttpResponse<String> inUse = rooms.delete(ADMIN, "/clusters/room-3");
    assertThat(inUse.statusCode()).isEqualTo(409);
    assertThat(inUse.body()).contains("cluster-in-use");

    assertThat(rooms.delete(DEV, "/workloads/tenant-a/gone").statusCode()).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> rooms.get(DEV, "/workloads/tenant-a/gone").statusCode() == 404);
    for (String room : ROOMS) {
      assertThat(rooms.deployments(room)).isEmpty();
      assertThat(rooms.endpointEvents(room + "/tenant-a/gone"))
          .last()
          .satisfies(e -> assertThat(e).contains("\"addresses\":[]"));
    }
    assertThat(rooms.events("workload.deleted", "tenant-a/gone")).hasSize(1);
    assertThat(rooms.delete(ADMIN, "/clusters/room-3").statusCode()).isEqualTo(204);
  }

  @Test
  void aWebShellIsAuditedPerCommandAndKeptForReplay() throws Exception {
    assertThat(rooms.deploy(DEV, "box", 1, "{\"clusters\":[\"room-1\"]}").statusCode())
        .isEqualTo(201);
    awaitReady("box", 1);
    String pod = rooms.pods("room-1", "tenant-a", "box").get(0);
    URI uri = URI.create("ws://127.0.0.1:" + port + "/shell/room-1/tenant-a/" + pod);

    assertThat(handshakeStatus(uri, OTHER)).isEqualTo(404);
    assertThat(handshakeStatus(uri, VIEWER)).isEqualTo(403);
    assertThat(
            handshakeStatus(
                URI.create("ws://127.0.0.1:" + port + "/shell/room-1/tenant-a/Bad_Pod"), DEV))
        .isEqualTo(400);

    StringBuilder printed = new StringBuilder();
    CompletableFuture<Integer> closed = new CompletableFuture<>();
    WebSocket socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .header("Authorization", "Bearer " + DEV)
            .buildAsync(
                uri,
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    synchronized (printed) {
                      printed.append(data);
                    }
                    ws.request(1);
                    return null;
                  }

                  @Override
                  public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                    closed.complete(status);
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    socket.sendText("echo hello\nhostname\n", true).get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> printed.toString().contains(pod));
    socket.sendText("\u001b[Als\n", true).get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> printed.toString().contains("refused"));
    socket.sendText("exit\n", true).get(5, TimeUnit.SECONDS);
    assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
    assertThat(printed.toString()).startsWith("hello\n" + pod + "\n");

    List<String> audited =
        jdbc.queryForList(
            "SELECT JSON_VALUE(payload, '$.data.command') FROM outbox_event"
                + " WHERE topic = 'audit-events' AND JSON_VALUE(payload, '$.type') = 'webshell.command'"
                + " ORDER BY seq",
            String.class);
    assertThat(audited).containsExactly("echo hello", "hostname", "exit");
    assertThat(
            jdbc.queryForObject(
                "SELECT payload FROM outbox_event WHERE topic = 'audit-events' ORDER BY seq LIMIT 1",
                String.class))
        .contains(
            "\"user\":\"dana\"",
            "\"tenant\":\"tenant-a\"",
            "\"cluster\":\"room-1\"",
            "\"namespace\":\"tenant-a\"",
            "\"pod\":\"" + pod + "\"",
            "\"sessionId\":");

    String sessions = rooms.get(DEV, "/shell-sessions").body();
    String id = sessions.replaceAll("(?s).*?\"id\":\"([0-9a-f-]{36})\".*", "$1");
    String replay = rooms.get(DEV, "/shell-sessions/" + id).body();
    assertThat(replay)
        .contains("\"stream\":\"i\",\"data\":\"echo hello\\nhostname\\n\"")
        .contains("\"stream\":\"o\",\"data\":\"hello\\n\"")
        .contains("\"endedAt\":\"");
    assertThat(rooms.get(OTHER, "/shell-sessions/" + id).statusCode()).isEqualTo(404);
  }

  @Test
  void withoutEtcdNoInstanceLeadsAndDeploysWaitUntilItIsBack() throws Exception {
    LocalInfra.stop("etcd", LocalInfra.ETCD_PORT);
    try {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> rooms.get(DEV, "/leadership").body().contains("\"leader\":false"));
      assertThat(rooms.deploy(DEV, "late", 3, "{}").statusCode()).isEqualTo(201);
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(4))
          .until(() -> ROOMS.stream().allMatch(room -> rooms.deployments(room).isEmpty()));
    } finally {
      LocalInfra.start("etcd");
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> rooms.get(DEV, "/leadership").body().contains("\"leader\":true"));
    awaitReady("late", 3);
    assertThat(rooms.events("workload.placed", "tenant-a/late")).hasSize(1);
  }

  private static int handshakeStatus(URI uri, String token) throws Exception {
    try {
      HttpClient.newHttpClient()
          .newWebSocketBuilder()
          .header("Authorization", "Bearer " + token)
          .buildAsync(uri, new WebSocket.Listener() {})
          .get(10, TimeUnit.SECONDS)
          .abort();
      return 101;
    } catch (ExecutionException e) {
      return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
    }
  }

  private int total(String name) {
    return jdbc.queryForObject(
        "SELECT replicas FROM workload WHERE tenant = 'tenant-a' AND name = ?",
        Integer.class,
        name);
  }

  private void awaitReady(String name, int replicas) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              int ready = 0;
              for (String room : ROOMS) {
                ready += rooms.ready(room, "tenant-a", name);
              }
              assertThat(ready).isEqualTo(replicas);
              assertThat(rooms.get(DEV, "/workloads/tenant-a/" + name).body())
                  .contains("\"ready\":" + replicas + ",");
            });
  }

  private static void assertBad(HttpResponse<String> response, int status, String mentions) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.body()).contains(mentions);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
  }
}
