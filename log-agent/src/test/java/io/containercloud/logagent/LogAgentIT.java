package io.containercloud.logagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.search.Hit;
import io.containercloud.common.elasticsearch.ContainerLogIndex;
import io.containercloud.common.probe.ProbeServer;
import io.containercloud.common.testing.KubeSimProcess;
import io.containercloud.common.testing.ServiceContract;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;

/**
 * The agent against a kube-sim cluster (pod metadata) and the real Elasticsearch, reading files
 * this test writes as a container runtime would: each line carries {@code seq=<n>}, and each test
 * counts its lines in Elasticsearch, each exactly once. The drills with kube-sim writing the logs
 * and the agent as a process (killed, Elasticsearch stopped, ...) are in the e2e module.
 */
@SpringBootTest(properties = "server.port=0")
@ActiveProfiles("test")
class LogAgentIT {

  private static final String CLUSTER = "room-1";
  private static final String NODE = "room-1-node-1";
  private static final Pattern SEQ = Pattern.compile("seq=(\\d+)");

  private static KubeSimProcess sim;
  private static KubernetesClient kube;
  private static Path podLogs;
  private static Path elsewhere;

  @Autowired ProbeServer probes;
  @Autowired ElasticsearchClient elasticsearch;

  private final String tenant =
      "t" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);

  @DynamicPropertySource
  static void agent(DynamicPropertyRegistry registry) throws Exception {
    sim = new KubeSimProcess(1, 1, "8", "32Gi");
    kube =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(sim.kubeconfig(CLUSTER))))
            .build();
    podLogs = Files.createTempDirectory("pod-logs");
    elsewhere = Files.createTempDirectory("docker-containers");
    Path state = Files.createTempDirectory("log-agent-state");
    registry.add("platform.log-agent.node", () -> NODE);
    registry.add("platform.log-agent.cluster", () -> CLUSTER);
    registry.add("platform.log-agent.pod-logs", podLogs::toString);
    registry.add("platform.log-agent.state-dir", state::toString);
    registry.add("platform.log-agent.kubeconfig", () -> sim.kubeconfig(CLUSTER).toString());
    registry.add("platform.log-agent.tail.multiline-flush", () -> "300ms");
    registry.add("platform.log-agent.tail.release-after", () -> "300ms");
    registry.add("platform.log-agent.shipping.linger", () -> "50ms");
  }

  @AfterAll
  static void stop() throws IOException {
    kube.close();
    sim.close();
    FileSystemUtils.deleteRecursively(podLogs);
    FileSystemUtils.deleteRecursively(elsewhere);
  }

  @Test
  void servesProbesAndMetricsWithoutAWebStack() {
    ServiceContract.assertHostDaemonHonoured(probes.port());
  }

  @Test
  void shipsEveryRecordOnceAsTextWithWhoWroteIt() throws Exception {
    Path log = containerFolder(pod("api"), "main").resolve("0.log");
    List<String> lines = new ArrayList<>();
    for (int seq = 1; seq <= 400; seq++) {
      lines.add(cri("stdout", "F", "INFO seq=" + seq + " request served"));
    }
    lines.add(cri("stderr", "F", "ERROR seq=401 java.lang.IllegalStateException: failed"));
    lines.add(cri("stderr", "F", "\tat io.example.Service.handle(Service.java:42)"));
    lines.add(cri("stderr", "F", "Caused by: java.io.IOException: broken pipe"));
    lines.add(cri("stderr", "F", "\t... 2 more"));
    lines.add(cri("stdout", "P", "seq=402 " + "x".repeat(16384)));
    lines.add(cri("stdout", "P", "y".repeat(16384)));
    lines.add(cri("stdout", "F", "end"));
    lines.add(cri("stdout", "F", "seq=403 {\"json\":true} <script>alert(1)</script> \u0007 bell"));
    append(log, lines);
    append(log, bytes(cri("stdout", "F", "seq=404 broken "), new byte[] {(byte) 0xC3, 0x28}, "\n"));

    Map<Integer, List<Map<String, Object>>> shipped = awaitSequences(404);

    Map<String, Object> first = shipped.get(1).get(0);
    assertThat(first)
        .containsEntry("tenant", tenant)
        .containsEntry("app", "store")
        .containsEntry("service", "api")
        .containsEntry("cluster", CLUSTER)
        .containsEntry("node", NODE)
        .containsEntry("namespace", tenant)
        .containsEntry("pod", "api")
        .containsEntry("container", "main")
        .containsEntry("stream", "stdout")
        .containsEntry("level", "INFO")
        .containsEntry("message", "INFO seq=1 request served");
    Map<String, Object> trace = shipped.get(401).get(0);
    assertThat((String) trace.get("message"))
        .startsWith("ERROR seq=401")
        .contains("\n\tat io.example.Service.handle", "\nCaused by:", "\n\t... 2 more");
    assertThat(trace).containsEntry("level", "ERROR").containsEntry("stream", "stderr");
    assertThat((String) shipped.get(402).get(0).get("message"))
        .hasSize("seq=402 ".length() + 2 * 16384 + "end".length())
        .endsWith("y" + "end");
    assertThat(shipped.get(403).get(0))
        .containsEntry("message", "seq=403 {\"json\":true} <script>alert(1)</script> \u0007 bell");
    assertThat((String) shipped.get(404).get(0).get("message")).isEqualTo("seq=404 broken \uFFFD(");
  }

  @Test
  void aRenamedFileIsReadToItsEndAndATruncatedOneFromItsStart() throws Exception {
    Path folder = containerFolder(pod("worker"), "main");
    Path live = folder.resolve("0.log");
    append(live, sequence(1, 300));
    awaitSequences(300);

    Path rotated = folder.resolve("0.log.20261205-101010");
    Files.move(live, rotated);
    append(rotated, sequence(301, 350)); // written before the runtime reopened its log
    append(live, sequence(351, 500));
    awaitSequences(500);

    Files.write(live, new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
    append(live, sequence(501, 520));
    awaitSequences(520);
  }

  @Test
  void aDeletedPodsLastLinesAreReadThroughTheFileStillOpen() throws Exception {
    Path folder = containerFolder(pod("batch"), "main");
    append(folder.resolve("0.log"), sequence(1, 50));
    awaitSequences(50);

    append(folder.resolve("0.log"), sequence(51, 5000));
    FileSystemUtils.deleteRecursively(folder.getParent());
    awaitSequences(5000);
  }

  @Test
  void readsDockersJsonFileThroughTheKubeletsLink() throws Exception {
    Path folder = containerFolder(pod("legacy"), "main");
    Path json = elsewhere.resolve(tenant + "-json.log");
    String time = Instant.now().toString();
    List<String> lines = new ArrayList<>();
    for (int seq = 1; seq <= 100; seq++) {
      lines.add(docker("seq=" + seq + " on docker\\n", seq % 10 == 0 ? "stderr" : "stdout", time));
    }
    lines.add(docker("seq=101 " + "z".repeat(16384), "stdout", time));
    lines.add(docker("and the rest\\n", "stdout", time));
    append(json, lines);
    Files.createSymbolicLink(folder.resolve("0.log"), json);

    Map<Integer, List<Map<String, Object>>> shipped = awaitSequences(101);

    assertThat(shipped.get(10).get(0)).containsEntry("stream", "stderr");
    assertThat(shipped.get(10).get(0)).containsEntry("message", "seq=10 on docker");
    assertThat((String) shipped.get(101).get(0).get("message")).endsWith("z" + "and the rest");
    assertThat(shipped.get(1).get(0)).containsEntry("@timestamp", time);
  }

  /** Waits until Elasticsearch holds sequence numbers 1 to {@code last}, each exactly once. */
  private Map<Integer, List<Map<String, Object>>> awaitSequences(int last) {
    Map<Integer, List<Map<String, Object>>> bySeq = new HashMap<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(300))
        .ignoreExceptions() // an index just made answers 503 until its shard is up
        .until(
            () -> {
              bySeq.clear();
              bySeq.putAll(search());
              return bySeq.size() >= last;
            });
    assertThat(bySeq.keySet()).hasSize(last).allMatch(seq -> seq >= 1 && seq <= last);
    assertThat(bySeq.values()).allMatch(records -> records.size() == 1);
    return bySeq;
  }

  private Map<Integer, List<Map<String, Object>>> search() throws IOException {
    String indices = ContainerLogIndex.pattern(tenant);
    elasticsearch.indices().refresh(r -> r.index(indices).allowNoIndices(true));
    Map<Integer, List<Map<String, Object>>> bySeq = new HashMap<>();
    @SuppressWarnings("rawtypes")
    List<Hit<Map>> hits =
        elasticsearch
            .search(
                s -> s.index(indices).allowNoIndices(true).ignoreUnavailable(true).size(10_000),
                Map.class)
            .hits()
            .hits();
    for (@SuppressWarnings("rawtypes") Hit<Map> hit : hits) {
      @SuppressWarnings("unchecked")
      Map<String, Object> source = hit.source();
      Matcher seq = SEQ.matcher((String) source.get("message"));
      if (seq.find()) {
        bySeq.computeIfAbsent(Integer.parseInt(seq.group(1)), n -> new ArrayList<>()).add(source);
      }
    }
    return bySeq;
  }

  /** A pod of this test's tenant on the agent's node, labelled as the platform labels its pods. */
  private Pod pod(String name) {
    if (kube.namespaces().withName(tenant).get() == null) {
      kube.namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(tenant).endMetadata().build())
          .create();
    }
    return kube.pods()
        .inNamespace(tenant)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels("containercloud.io/tenant", tenant)
                .addToLabels("app.kubernetes.io/part-of", "store")
                .addToLabels("app.kubernetes.io/name", name)
                .endMetadata()
                .withNewSpec()
                .withNodeName(NODE)
                .addNewContainer()
                .withName("main")
                .withImage("registry.local/" + name + ":1")
                .endContainer()
                .endSpec()
                .build())
        .create();
  }

  private static Path containerFolder(Pod pod, String container) throws IOException {
    return Files.createDirectories(
        podLogs
            .resolve(
                pod.getMetadata().getNamespace()
                    + "_"
                    + pod.getMetadata().getName()
                    + "_"
                    + pod.getMetadata().getUid())
            .resolve(container));
  }

  private static List<String> sequence(int from, int to) {
    List<String> lines = new ArrayList<>();
    for (int seq = from; seq <= to; seq++) {
      lines.add(cri("stdout", "F", "INFO seq=" + seq + " working"));
    }
    return lines;
  }

  private static String cri(String stream, String tag, String message) {
    return Instant.now() + " " + stream + " " + tag + " " + message;
  }

  private static String docker(String log, String stream, String time) {
    return "{\"log\":\"" + log + "\",\"stream\":\"" + stream + "\",\"time\":\"" + time + "\"}";
  }

  private static byte[] bytes(String start, byte[] middle, String end) {
    byte[] head = start.getBytes(StandardCharsets.UTF_8);
    byte[] tail = end.getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[head.length + middle.length + tail.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(middle, 0, all, head.length, middle.length);
    System.arraycopy(tail, 0, all, head.length + middle.length, tail.length);
    return all;
  }

  private static void append(Path file, List<String> lines) throws IOException {
    Files.write(file, lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private static void append(Path file, byte[] bytes) throws IOException {
    Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
