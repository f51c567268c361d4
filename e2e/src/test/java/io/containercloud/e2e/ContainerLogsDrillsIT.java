package io.containercloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.testing.KubeSimProcess;
import io.containercloud.common.testing.LocalInfra;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * Container logs from kube-sim's pods to Elasticsearch through a log-agent process, counted by
 * sequence number: every record exactly once after the agent is killed (also while its file is
 * rotated and compressed), while files rotate under heavy writing, while Elasticsearch is stopped
 * and a pod is deleted meanwhile, and beside a pod fifty times as loud as the others. Stack traces
 * arrive as one record, lines over 16 KiB whole.
 */
class ContainerLogsDrillsIT {

  private static final String CLUSTER = "room-1";
  private static final String NODE = "room-1-node-1";
  private static final int LINE_LENGTH = 160;
  private static final Duration SHIPPED = Duration.ofMinutes(2);

  private static KubeSimProcess sim;
  private static KubernetesClient kube;
  private static ServiceProcess agent;
  private static Path logs;
  private static Path podLogs;

  private final String tenant = "logs-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);

  @BeforeAll
  static void start() throws Exception {
    logs = Files.createTempDirectory("kube-sim-logs");
    podLogs = logs.resolve(NODE).resolve("pods");
    sim =
        new KubeSimProcess(
            1,
            1,
            "64",
            "256Gi",
            "200ms",
            "kube-sim.logs.dir=" + logs,
            "kube-sim.logs.max-size=256KB",
            "kube-sim.logs.max-files=3",
            "kube-sim.logs.keep-after-delete=2s");
    kube =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(sim.kubeconfig(CLUSTER))))
            .build();
    Path state = Files.createTempDirectory("log-agent-state");
    agent =
        new ServiceProcess("log-agent")
            .heap("128m")
            .start(
                List.of(
                    "platform.log-agent.node=" + NODE,
                    "platform.log-agent.cluster=" + CLUSTER,
                    "platform.log-agent.pod-logs=" + podLogs,
                    "platform.log-agent.state-dir=" + state,
                    "platform.log-agent.kubeconfig=" + sim.kubeconfig(CLUSTER),
                    "platform.log-agent.tail.multiline-flush=500ms",
                    "platform.log-agent.shipping.linger=100ms"))
            .awaitReady();
  }

  @AfterAll
  static void stop() throws IOException {
    agent.close();
    kube.close();
    sim.close();
    FileSystemUtils.deleteRecursively(logs);
  }

  @Test
  void everyRecordOnceAfterTheAgentIsKilledMidFileAndRestarted() throws Exception {
    deployment("api", 2);
    chatter("api", 300);
    awaitWrittenBeyond(600);
    await().atMost(SHIPPED).until(() -> shippedRecords() >= 300);

    agent.kill();
    int before = total(ContainerLogs.written(podLogs, tenant));
    awaitWrittenBeyond(before + 600); // written while no agent runs
    chatter("api", 0);
    agent.restart().awaitReady();

    assertAllShippedOnce();
  }

  @Test
  void everyRecordOnceWhenTheAgentIsDownWhileItsFileIsRotatedAndCompressed() throws Exception {
    deployment("rotated", 1);
    chatter("rotated", 200);
    awaitWrittenBeyond(400);
    // caught up first, with writing stopped after a file or so: a rotated file the agent had not
    // finished would be deleted by the third rotation, while it lags behind under load or while
    // it is down, which no agent survives (the kubelet keeps so many files)
    chatter("rotated", 0);
    await()
        .atMost(SHIPPED)
        .until(() -> shippedRecords() >= total(ContainerLogs.written(podLogs, tenant)));

    agent.kill();
    chatter("rotated", 200);
    Path folder = containerFolder("rotated");
    Set<String> before = rotations(folder);
    // the file read when the agent died is renamed at the next rotation and compressed at the
    // one after; writing stops before a third would delete it
    await()
        .atMost(SHIPPED)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> rotations(folder).stream().filter(r -> !before.contains(r)).count() >= 2);
    chatter("rotated", 0);
    try (Stream<Path> files = Files.list(folder)) {
      assertThat(files.map(f -> f.getFileName().toString())).anyMatch(f -> f.endsWith(".gz"));
    }
    agent.restart().awaitReady();

    assertAllShippedOnce();
  }

  @Test
  void everyRecordOnceWhileFilesRotateUnderHeavyWriting() throws Exception {
    deployment("busy", 1);
    chatter("busy", 3000);
    awaitWrittenBeyond(12_000); // about ten rotations of 256 KB, the older ones compressed
    chatter("busy", 0);

    assertAllShippedOnce();
  }

  @Test
  void everyRecordOnceWhenElasticsearchStopsThirtySecondsAndAPodIsDeletedMeanwhile()
      throws Exception {
    deployment("steady", 1);
    deployment("gone", 1);
    chatter("steady", 500);
    chatter("gone", 500);
    awaitWrittenBeyond(400);

    Map<String, Integer> goneWrote;
    LocalInfra.stop("elasticsearch", 19200);
    long stopped = System.nanoTime();
    try {
      awaitWrittenBeyond(6000); // the agent is behind, files rotate and are compressed
      chatter("gone", 0);
      goneWrote = quiet("gone");
      kube.apps().deployments().inNamespace(tenant).withName("gone").delete();
      await().atMost(SHIPPED).until(() -> podFolders("gone") == 0); // its files deleted
      long rest = Duration.ofSeconds(30).toMillis() - (System.nanoTime() - stopped) / 1_000_000;
      Thread.sleep(Math.max(0, rest)); // the outage lasts 30 s: a duration, not a condition
    } finally {
      LocalInfra.start("elasticsearch");
    }
    chatter("steady", 0);

    Map<String, Integer> written = new HashMap<>(quiet("steady"));
    written.putAll(goneWrote);
    assertAllShippedOnce(written);
  }

  @Test
  void aPodFiftyTimesLouderNeitherStarvesTheOthersNorLosesARecord() throws Exception {
    deployment("noisy", 1);
    deployment("calm", 2);
    chatter("noisy", 2500);
    chatter("calm", 50);
    awaitWrittenBeyond(20_000);

    // while the noise goes on, the calm pods' records keep arriving within seconds
    Map<String, Integer> calmWrote = ContainerLogs.written(podLogs, tenant);
    calmWrote.keySet().removeIf(container -> !container.startsWith("calm-"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              Map<String, ContainerLogs.Shipped> shipped =
                  ContainerLogs.shipped(tenant, LINE_LENGTH);
              return calmWrote.entrySet().stream()
                  .allMatch(
                      e ->
                          shipped.containsKey(e.getKey())
                              && shipped.get(e.getKey()).times().containsKey(e.getValue()));
            });
    chatter("noisy", 0);
    chatter("calm", 0);

    assertAllShippedOnce();
  }

  private void assertAllShippedOnce() throws Exception {
    Map<String, Integer> written = new HashMap<>();
    for (String deployment : deployments()) {
      written.putAll(quiet(deployment));
    }
    assertAllShippedOnce(written);
  }

  private void assertAllShippedOnce(Map<String, Integer> written) throws Exception {
    assertThat(written).isNotEmpty();
    await()
        .atMost(SHIPPED)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              Map<String, ContainerLogs.Shipped> now = ContainerLogs.shipped(tenant, LINE_LENGTH);
              assertThat(now.keySet()).containsExactlyInAnyOrderElementsOf(written.keySet());
              written.forEach(
                  (container, last) ->
                      assertThat(now.get(container).lost(last))
                          .as("%s: records lost of %d", container, last)
                          .isZero());
            });
    Map<String, ContainerLogs.Shipped> shipped = ContainerLogs.shipped(tenant, LINE_LENGTH);
    int traces = 0;
    int longLines = 0;
    for (ContainerLogs.Shipped container : shipped.values()) {
      assertThat(container.broken()).as("records not whole").isZero();
      assertThat(container.duplicated()).isZero();
      traces += container.traces();
      longLines += container.longLines();
    }
    assertThat(traces).as("stack traces among the records").isPositive();
    assertThat(longLines).as("lines over 16 KiB among the records").isPositive();
  }

  /** Waits until the deployment's containers wrote nothing for a while; their last numbers. */
  private Map<String, Integer> quiet(String deployment) {
    Map<String, Integer> last = new HashMap<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollDelay(Duration.ofMillis(500))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              Map<String, Integer> now = ContainerLogs.written(podLogs, tenant);
              now.keySet().removeIf(container -> !container.startsWith(deployment + "-"));
              boolean still = !now.isEmpty() && now.equals(last);
              last.clear();
              last.putAll(now);
              return still;
            });
    return last;
  }

  private void awaitWrittenBeyond(int records) {
    await().atMost(SHIPPED).until(() -> total(ContainerLogs.written(podLogs, tenant)) >= records);
  }

  private long shippedRecords() throws Exception {
    return ContainerLogs.shipped(tenant, LINE_LENGTH).values().stream()
        .mapToLong(s -> s.times().size())
        .sum();
  }

  private static int total(Map<String, Integer> written) {
    return written.values().stream().mapToInt(Integer::intValue).sum();
  }

  private long podFolders(String deployment) throws IOException {
    try (Stream<Path> pods = Files.list(podLogs)) {
      return pods.filter(
              p -> p.getFileName().toString().startsWith(tenant + "_" + deployment + "-"))
          .count();
    }
  }

  /** The folder of the one container of the deployment's one pod. */
  private Path containerFolder(String deployment) throws IOException {
    try (Stream<Path> pods = Files.list(podLogs)) {
      Path pod =
          pods.filter(p -> p.getFileName().toString().startsWith(tenant + "_" + deployment + "-"))
              .findFirst()
              .orElseThrow();
      try (Stream<Path> containers = Files.list(pod)) {
        return containers.findFirst().orElseThrow();
      }
    }
  }

  /** The rotations in a container's folder, by name, compressed or not. */
  private static Set<String> rotations(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(f -> f.startsWith("0.log."))
          .map(f -> f.replaceFirst("\\.gz$", ""))
          .collect(Collectors.toSet());
    }
  }

  private List<String> deployments() {
    return kube.apps().deployments().inNamespace(tenant).list().getItems().stream()
        .map(d -> d.getMetadata().getName())
        .toList();
  }

  private void chatter(String deployment, int linesPerSecond) throws Exception {
    sim.containerLogs(
        CLUSTER,
        """
        {"namespace":"%s","deployment":"%s","linesPerSecond":%d,"lineLength":%d,\
        "stderrShare":0.2,"stackTraceShare":0.05,"longLineShare":0.01}"""
            .formatted(tenant, deployment, linesPerSecond, LINE_LENGTH));
  }

  private void deployment(String name, int replicas) {
    ContainerLogs.deployment(kube, tenant, name, replicas, null);
  }
}
