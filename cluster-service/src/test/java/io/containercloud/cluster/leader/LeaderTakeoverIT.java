package io.containercloud.cluster.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.cluster.testing.ClusterServiceProcess;
import io.containercloud.common.security.Role;
import io.containercloud.common.testing.KubeSimProcess;
import io.containercloud.common.testing.TestTokens;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two cluster-service processes on one database and one etcd election: only the leader acts; killed
 * without warning, the other takes over within the lease and repeats nothing already done.
 */
class LeaderTakeoverIT {

  private static final String ADMIN = TestTokens.token("root", "platform", Role.PLATFORM_ADMIN);
  private static final String DEV = TestTokens.token("dana", "tenant-a", Role.DEVELOPER);
  private static final String DB = "cluster_takeover_test";
  private static final String JDBC =
      "jdbc:mysql://127.0.0.1:13306/" + DB + "?createDatabaseIfNotExist=true";

  private static KubeSimProcess sim;
  private static final List<ClusterServiceProcess> instances = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    try (Connection db = DriverManager.getConnection(JDBC, "platform", "platform");
        Statement statement = db.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + DB);
    }
    sim = new KubeSimProcess(3, 2, "4", "16Gi");
    String election = "/cluster-service/test/" + UUID.randomUUID();
    instances.add(instance("a", election));
    instances.get(0).awaitReady(); // first up: migrates the schema, then the second starts
    instances.add(instance("b", election));
    instances.get(1).awaitReady();
  }

  @AfterAll
  static void stop() {
    instances.forEach(ClusterServiceProcess::close);
    sim.close();
  }

  @Test
  void onlyTheLeaderActsAndTheOtherTakesOverWithoutRepeatingIt() throws Exception {
    await().atMost(Duration.ofSeconds(20)).until(() -> leaders().size() == 1);
    ClusterServiceProcess leader = leaders().get(0);
    ClusterServiceProcess follower =
        instances.stream().filter(i -> i != leader).findFirst().orElseThrow();
    for (String room : List.of("room-1", "room-2", "room-3")) {
      follower.register(sim, room, ADMIN);
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                instances.stream()
                    .allMatch(i -> count(i.get("/clusters", ADMIN), "\"reachable\":true") == 3));
    follower.send(
        "POST",
        "/workloads",
        DEV,
        "{\"name\":\"ledger\",\"image\":\"registry.example.com/fin/ledger:1\",\"replicas\":6,"
            + "\"spec\":{\"application\":\"fin\",\"resources\":{"
            + "\"requests\":{\"cpu\":\"250m\",\"memory\":\"256Mi\"},"
            + "\"limits\":{\"cpu\":\"500m\",\"memory\":\"512Mi\"}}}}");
    await().atMost(Duration.ofSeconds(30)).until(() -> ready("ledger") == 6);

    sim.fail("room-2");
    await().atMost(Duration.ofSeconds(20)).until(() -> events("cluster.failed", "room-2") == 1);
    await().atMost(Duration.ofSeconds(30)).until(() -> ready("ledger", "room-2") == 6);
    assertThat(events("workload.migrated", "tenant-a/ledger")).isEqualTo(1);
    assertThat(leader.log()).contains("cluster room-2 failed");
    assertThat(follower.log()).doesNotContain("cluster room-2 failed");

    leader.kill(); // no goodbye: its lease has to expire
    await().atMost(Duration.ofSeconds(15)).until(() -> leaders().equals(List.of(follower)));

    sim.fail("room-3");
    await().atMost(Duration.ofSeconds(20)).until(() -> events("cluster.failed", "room-3") == 1);
    await().atMost(Duration.ofSeconds(30)).until(() -> ready("ledger", "room-2", "room-3") == 6);
    assertThat(follower.log()).contains("cluster room-3 failed");
    // what the dead leader did is not done again
    assertThat(events("cluster.failed", "room-2")).isEqualTo(1);
    assertThat(events("workload.placed", "tenant-a/ledger")).isEqualTo(1);
    assertThat(events("workload.migrated", "tenant-a/ledger")).isEqualTo(2);
  }

  private static List<ClusterServiceProcess> leaders() {
    return instances.stream()
        .filter(ClusterServiceProcess::alive)
        .filter(i -> i.get("/leadership", DEV).contains("\"leader\":true"))
        .toList();
  }

  /** Ready replicas of the workload as recorded, in all clusters but {@code except}. */
  private static int ready(String workload, String... except) throws SQLException {
    try (Connection db = DriverManager.getConnection(JDBC, "platform", "platform");
        PreparedStatement query =
            db.prepareStatement(
                "SELECT COALESCE(SUM(c.ready), 0) FROM workload_cluster c"
                    + " JOIN workload w ON w.id = c.workload_id WHERE w.name = ?"
                    + " AND c.cluster NOT IN ('"
                    + String.join("','", except.length == 0 ? new String[] {"-"} : except)
                    + "')")) {
      query.setString(1, workload);
      try (ResultSet rs = query.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static int events(String type, String subject) throws SQLException {
    try (Connection db = DriverManager.getConnection(JDBC, "platform", "platform");
        PreparedStatement query =
            db.prepareStatement(
                "SELECT COUNT(*) FROM outbox_event WHERE topic = 'cluster-events'"
                    + " AND JSON_VALUE(payload, '$.type') = ?"
                    + " AND JSON_VALUE(payload, '$.subject') = ?")) {
      query.setString(1, type);
      query.setString(2, subject);
      try (ResultSet rs = query.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static ClusterServiceProcess instance(String name, String election) throws IOException {
    return new ClusterServiceProcess(
        name,
        JDBC,
        List.of(
            "platform.cluster.probe-interval=500ms",
            // a failed room refuses connections at once; a slow probe of a loaded machine (two
            // instances starting beside the simulator) must not fail a room the test relies on:
            // its replicas return only after the quiet period
            "platform.cluster.probe-timeout=5s",
            "platform.cluster.failover.quiet-period=10m",
            "platform.cluster.leader.ttl=2s",
            "platform.cluster.leader.election=" + election,
            "platform.cluster.workloads.reconcile-interval=300ms"));
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      n++;
    }
    return n;
  }
}
