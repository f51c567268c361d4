package io.containercloud.cluster.workload;

import static org.awaitility.Awaitility.await;

import io.containercloud.cluster.testing.ClusterServiceProcess;
import io.containercloud.common.security.Role;
import io.containercloud.common.testing.KubeSimProcess;
import io.containercloud.common.testing.TestTokens;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With full reconcile rounds a minute apart, what changes in the clusters is still seen at once:
 * the leader watches the platform's Deployments and Endpoints and reconciles the workload whose
 * objects moved, reading them from those watched copies.
 */
class ClusterCachesIT {

  private static final String ADMIN = TestTokens.token("root", "platform", Role.PLATFORM_ADMIN);
  private static final String DEV = TestTokens.token("dana", "tenant-a", Role.DEVELOPER);
  private static final String DB = "cluster_watch_test";
  private static final String JDBC =
      "jdbc:mysql://127.0.0.1:13306/" + DB + "?createDatabaseIfNotExist=true";

  private static KubeSimProcess sim;
  private static ClusterServiceProcess service;

  @BeforeAll
  static void start() throws Exception {
    try (Connection db = DriverManager.getConnection(JDBC, "platform", "platform");
        Statement statement = db.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + DB);
    }
    sim = new KubeSimProcess(3, 2, "4", "16Gi");
    service =
        new ClusterServiceProcess(
            "watch",
            JDBC,
            List.of(
                "platform.cluster.probe-interval=500ms",
                "platform.cluster.leader.ttl=2s",
                "platform.cluster.leader.election=/cluster-service/test/" + UUID.randomUUID(),
                "platform.cluster.workloads.reconcile-interval=1m"));
    service.awaitReady();
    for (String room : List.of("room-1", "room-2", "room-3")) {
      service.register(sim, room, ADMIN);
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> count(service.get("/clusters", ADMIN), "\"reachable\":true") == 3);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> service.get("/leadership", DEV).contains("\"leader\":true"));
  }

  @AfterAll
  static void stop() {
    service.close();
    sim.close();
  }

  @Test
  void replicasTurningReadyAreSeenWithoutWaitingForTheNextRound() throws Exception {
    service.send(
        "POST",
        "/workloads",
        DEV,
        "{\"name\":\"quick\",\"image\":\"registry.example.com/fin/quick:1\",\"replicas\":3,"
            + "\"spec\":{\"application\":\"fin\",\"resources\":{"
            + "\"requests\":{\"cpu\":\"250m\",\"memory\":\"256Mi\"},"
            + "\"limits\":{\"cpu\":\"500m\",\"memory\":\"512Mi\"}}}}");

    await().atMost(Duration.ofSeconds(20)).until(() -> ready("quick") == 3);
    // announced right after it is recorded
    await().atMost(Duration.ofSeconds(5)).until(() -> statusEvents("tenant-a/quick") > 0);

    // a Deployment deleted by hand comes back, long before the next full round
    try (KubernetesClient room2 = client("room-2")) {
      room2.apps().deployments().inNamespace("tenant-a").withName("quick").delete();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  room2.apps().deployments().inNamespace("tenant-a").withName("quick").get()
                      != null);
    }
  }

  private static KubernetesClient client(String room) throws Exception {
    return new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(Files.readString(sim.kubeconfig(room))))
        .build();
  }

  private static int ready(String workload) throws SQLException {
    return query(
        "SELECT COALESCE(SUM(c.ready), 0) FROM workload_cluster c"
            + " JOIN workload w ON w.id = c.workload_id WHERE w.name = ?",
        workload);
  }

  private static int statusEvents(String subject) throws SQLException {
    return query(
        "SELECT COUNT(*) FROM outbox_event WHERE topic = 'cluster-events'"
            + " AND JSON_VALUE(payload, '$.type') = 'workload.status'"
            + " AND JSON_VALUE(payload, '$.subject') = ?",
        subject);
  }

  private static int query(String sql, String parameter) throws SQLException {
    try (Connection db = DriverManager.getConnection(JDBC, "platform", "platform");
        PreparedStatement query = db.prepareStatement(sql)) {
      query.setString(1, parameter);
      try (ResultSet rs = query.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      n++;
    }
    return n;
  }
}
