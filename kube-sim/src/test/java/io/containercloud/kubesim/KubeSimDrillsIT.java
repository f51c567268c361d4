package io.containercloud.kubesim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.containercloud.kubesim.cluster.KubeSim;
import io.containercloud.kubesim.cluster.TestDeployments;
import io.containercloud.kubesim.cluster.controller.ContainerLogs;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetrics;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Drills through the library API ({@link KubeSim}): a failed cluster, a failed node, load, exec and
 * logs. Two clusters of two 4-CPU nodes.
 */
class KubeSimDrillsIT {

  private static KubeSim sim;

  @BeforeAll
  static void clusters() throws Exception {
    sim = KubeSim.start(TestProperties.of(2, 2, "32Gi", Duration.ofDays(365)));
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  @Test
  void aFailedClusterRefusesItsApiAndKeepsItsStateUntilHealed() throws Exception {
    try (KubernetesClient client = clientOf("room-2")) {
      client
          .configMaps()
          .inNamespace("shop")
          .resource(new ConfigMapBuilder().withNewMetadata().withName("kept").endMetadata().build())
          .create();

      sim.fail("room-2");
      assertThatThrownBy(() -> client.configMaps().inNamespace("shop").list())
          .isInstanceOf(KubernetesClientException.class);
      assertThat(sim.reachable("room-2")).isFalse();

      sim.heal("room-2");
      assertThat(client.configMaps().inNamespace("shop").withName("kept").get()).isNotNull();
    }
  }

  @Test
  void aFailedNodeTakesItsPodsOutOfServiceAndGetsNoNewOnes() {
    KubernetesClient client = sim.client("room-1");
    client.apps().deployments().inNamespace("drill").resource(deployment("api", 2)).create();
    await().atMost(Duration.ofSeconds(10)).until(() -> readyPods(client, "api") == 2);

    sim.failNode("room-1", "room-1-node-1");

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                pods(client, "api").stream()
                    .filter(p -> "room-1-node-1".equals(p.getSpec().getNodeName()))
                    .noneMatch(KubeSimDrillsIT::ready));
    client.apps().deployments().inNamespace("drill").withName("api").scale(3);
    await().atMost(Duration.ofSeconds(10)).until(() -> pods(client, "api").size() == 3);
    assertThat(pods(client, "api"))
        .as("the new pod went to the Ready node")
        .filteredOn(p -> "room-1-node-2".equals(p.getSpec().getNodeName()))
        .hasSize(2);

    sim.healNode("room-1", "room-1-node-1");
    await().atMost(Duration.ofSeconds(10)).until(() -> readyPods(client, "api") == 3);
  }

  @Test
  void aDeploymentHeldUnreadyRunsButNeverTurnsReadyUntilReleased() {
    KubernetesClient client = sim.client("room-2");
    client.apps().deployments().inNamespace("held").resource(deployment("stuck", 2)).create();
    sim.ready("room-2", "held", "stuck", false);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                pods(client, "stuck").size() == 2
                    && pods(client, "stuck").stream()
                        .allMatch(p -> p.getSpec().getNodeName() != null));
    await()
        .during(Duration.ofMillis(800))
        .atMost(Duration.ofSeconds(3))
        .until(() -> readyPods(client, "stuck") == 0);

    sim.ready("room-2", "held", "stuck", true);
    await().atMost(Duration.ofSeconds(10)).until(() -> readyPods(client, "stuck") == 2);
  }

  @Test
  void theTimelineRecordsWhatHappenedToEachDeploymentInOrder() {
    KubernetesClient client = sim.client("room-1");
    client.apps().deployments().inNamespace("timeline").resource(deployment("web", 2)).create();
    await().atMost(Duration.ofSeconds(10)).until(() -> events("web").contains("ready"));

    client.apps().deployments().inNamespace("timeline").withName("web").scale(0);
    await().atMost(Duration.ofSeconds(10)).until(() -> events("web").contains("stopped"));
    client.apps().deployments().inNamespace("timeline").withName("web").delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> events("web").contains("deleted"));

    assertThat(events("web"))
        .containsExactly("created", "ready", "scaled-to-zero", "stopped", "deleted");
    var timeline = sim.timeline("room-1", "timeline");
    for (int i = 1; i < timeline.size(); i++) {
      assertThat(timeline.get(i).at()).isAfterOrEqualTo(timeline.get(i - 1).at());
    }
    assertThat(sim.timeline("room-1", "elsewhere")).isEmpty();
  }

  private static List<String> events(String deployment) {
    return sim.timeline("room-1", "timeline").stream()
        .filter(e -> e.deployment().equals(deployment))
        .map(e -> e.event())
        .toList();
  }

  @Test
  void aSimulatorWithoutALogFolderRefusesToMakeContainersChatty() {
    assertThatThrownBy(
            () -> sim.chatter("room-1", "shop", "web", new ContainerLogs.Chatter(10, 100, 0, 0, 0)))
        .isInstanceOf(ContainerLogs.Off.class)
        .hasMessageContaining("kube-sim.logs.dir");
  }

  @Test
  void podMetricsReportTheLoadSetForADeployment() {
    KubernetesClient client = sim.client("room-1");
    client.apps().deployments().inNamespace("load").resource(deployment("busy", 1)).create();

    sim.load("room-1", "load", "busy", 0.8);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              List<PodMetrics> metrics = client.top().pods().metrics("load").getItems();
              return metrics.size() == 1
                  && new Quantity("400m")
                      .equals(metrics.get(0).getContainers().get(0).getUsage().get("cpu"));
            });
  }

  @Test
  void podsAnswerExecWithAnEchoShellAndHaveLogs() throws Exception {
    KubernetesClient client = sim.client("room-2");
    client.apps().deployments().inNamespace("shell").resource(deployment("box", 1)).create();
    await().atMost(Duration.ofSeconds(10)).until(() -> readyPods(client, "box") == 1);
    String pod = pods(client, "box").get(0).getMetadata().getName();

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (ExecWatch shell =
        client
            .pods()
            .inNamespace("shell")
            .withName(pod)
            .redirectingInput()
            .writingOutput(out)
            .writingError(err)
            .exec("sh")) {
      shell.getInput().write("echo hello\nhostname\nrm -rf /\nexit 3\n".getBytes());
      shell.getInput().flush();
      assertThat(shell.exitCode().get(10, TimeUnit.SECONDS)).isEqualTo(3);
    }
    assertThat(out.toString()).isEqualTo("hello\n" + pod + "\n");
    assertThat(err.toString()).isEqualTo("sh: rm: not found\n");

    ByteArrayOutputStream once = new ByteArrayOutputStream();
    try (ExecWatch run =
        client
            .pods()
            .inNamespace("shell")
            .withName(pod)
            .writingOutput(once)
            .exec("sh", "-c", "pwd")) {
      assertThat(run.exitCode().get(10, TimeUnit.SECONDS)).isZero();
    }
    assertThat(once.toString()).isEqualTo("/app\n");

    assertThat(client.pods().inNamespace("shell").withName(pod).getLog())
        .contains("scheduled on room-2-node-", "started app:1", "ready");
    assertThatThrownBy(() -> client.pods().inNamespace("shell").withName("no-such-pod").getLog())
        .isInstanceOf(KubernetesClientException.class);
  }

  private static KubernetesClient clientOf(String cluster) throws Exception {
    return new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(Files.readString(sim.kubeconfig(cluster))))
        .editOrNewConfig()
        .withRequestRetryBackoffLimit(0)
        .withConnectionTimeout(1_000)
        .endConfig()
        .build();
  }

  private static long readyPods(KubernetesClient client, String name) {
    return pods(client, name).stream().filter(KubeSimDrillsIT::ready).count();
  }

  private static List<Pod> pods(KubernetesClient client, String name) {
    return client.pods().inAnyNamespace().withLabel("kube-sim/deployment", name).list().getItems();
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static Deployment deployment(String name, int replicas) {
    return TestDeployments.deployment(name, replicas, "500m", "app:1");
  }
}
