package io.containercloud.cluster.failover;

import static org.awaitility.Awaitility.await;

import io.containercloud.cluster.testing.ClusterServiceProcess;
import io.containercloud.common.security.Role;
import io.containercloud.common.testing.KubeSimProcess;
import io.containercloud.common.testing.TestTokens;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * bench/failover (not a test: run by bench/failover/run.sh). kube-sim with 3 clusters and one
 * cluster-service with its default probe and failover settings; 30 workloads of 3 replicas; one
 * cluster's API made unreachable. Measures, from that moment, the time until cluster-service
 * declares the cluster failed (detect) and until the other clusters run every workload's replicas
 * Ready (restore), both read from outside: the detection from the API, the replicas from the
 * clusters themselves.
 */
class FailoverBenchmark {

  private static final int WORKLOADS = Integer.getInteger("bench.workloads", 30);
  private static final String DB = "cluster_bench";
  private static final String JDBC =
      "jdbc:mysql://127.0.0.1:13306/" + DB + "?createDatabaseIfNotExist=true";
  private static final String ADMIN = TestTokens.token("root", "platform", Role.PLATFORM_ADMIN);
  private static final String DEV = TestTokens.token("bench", "bench", Role.DEVELOPER);
  private static final List<String> ROOMS = List.of("room-1", "room-2", "room-3");

  @Test
  void failover() throws Exception {
    try (Connection db = DriverManager.getConnection(JDBC, "platform", "platform");
        Statement statement = db.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + DB);
    }
    try (KubeSimProcess sim = new KubeSimProcess(3, 5, "8", "32Gi", "2s");
        ClusterServiceProcess service =
            new ClusterServiceProcess(
                    "bench",
                    JDBC,
                    List.of("platform.cluster.leader.election=/cluster-service/bench/leader"))
                .awaitReady()) {
      Map<String, KubernetesClient> clients = new HashMap<>();
      for (String room : ROOMS) {
        service.register(sim, room, ADMIN);
        clients.put(
            room,
            new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Files.readString(sim.kubeconfig(room))))
                .build());
      }
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> count(service.get("/clusters", ADMIN), "\"reachable\":true") == 3);
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> service.get("/leadership", DEV).contains("\"leader\":true"));
      for (int i = 0; i < WORKLOADS; i++) {
        service.send(
            "POST",
            "/workloads",
            DEV,
            "{\"name\":\"svc-"
                + i
                + "\",\"image\":\"registry.example.com/bench/svc:1\",\"replicas\":3,"
                + "\"spec\":{\"application\":\"bench\",\"resources\":{"
                + "\"requests\":{\"cpu\":\"100m\",\"memory\":\"128Mi\"},"
                + "\"limits\":{\"cpu\":\"200m\",\"memory\":\"256Mi\"}}}}");
      }
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> readyOutside(clients, null) == WORKLOADS * 3);

      long failedAt = System.nanoTime();
      sim.fail("room-3");
      double detect = Double.NaN;
      double restore = Double.NaN;
      while (Double.isNaN(detect) || Double.isNaN(restore)) {
        double elapsed = (System.nanoTime() - failedAt) / 1e9;
        if (elapsed > 180) {
          throw new IllegalStateException("no failover within three minutes; see " + service);
        }
        if (Double.isNaN(detect)
            && service.get("/clusters/room-3", ADMIN).contains("\"failedOver\":{")) {
          detect = elapsed;
        }
        if (Double.isNaN(restore) && readyOutside(clients, "room-3") == WORKLOADS * 3) {
          restore = (System.nanoTime() - failedAt) / 1e9;
        }
        Thread.sleep(100); // the sampling step of the measurement
      }
      String line =
          String.format(
              java.util.Locale.ROOT, "failover detect_s=%.1f restore_s=%.1f", detect, restore);
      Files.writeString(Path.of("target/failover.txt"), line + "\n");
      System.out.println(line);
      clients.values().forEach(KubernetesClient::close);
    }
  }

  /** Ready replicas of the bench workloads in every cluster but {@code except}. */
  private static int readyOutside(Map<String, KubernetesClient> clients, String except) {
    int ready = 0;
    for (Map.Entry<String, KubernetesClient> room : clients.entrySet()) {
      if (room.getKey().equals(except)) {
        continue;
      }
      List<Deployment> deployments =
          new ArrayList<>(
              room.getValue().apps().deployments().inNamespace("bench").list().getItems());
      ready +=
          deployments.stream()
              .map(Deployment::getStatus)
              .filter(Objects::nonNull)
              .mapToInt(s -> s.getReadyReplicas() == null ? 0 : s.getReadyReplicas())
              .sum();
    }
    return ready;
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      n++;
    }
    return n;
  }
}
