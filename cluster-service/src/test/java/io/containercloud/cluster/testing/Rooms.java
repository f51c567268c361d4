package io.containercloud.cluster.testing;

import io.containercloud.common.security.Role;
import io.containercloud.common.testing.KubeSimProcess;
import io.containercloud.common.testing.ServiceContract;
import io.containercloud.common.testing.TestTokens;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The kube-sim rooms of an integration test, registered in the cluster-service under test, with a
 * fabric8 client each to look at what landed there, and the API and outbox seen from outside.
 */
public final class Rooms implements AutoCloseable {

  private static final String ADMIN = TestTokens.token("root", "platform", Role.PLATFORM_ADMIN);

  private final KubeSimProcess sim;
  private final List<String> names;
  private final Map<String, KubernetesClient> clients = new HashMap<>();
  private int port;
  private JdbcTemplate jdbc;

  public Rooms(KubeSimProcess sim, List<String> names) throws IOException {
    this.sim = sim;
    this.names = names;
    for (String name : names) {
      clients.put(
          name,
          new KubernetesClientBuilder()
              .withConfig(Config.fromKubeconfig(Files.readString(sim.kubeconfig(name))))
              .build());
    }
  }

  /** Empties the service's tables and the clusters, then registers every room afresh. */
  public void reset(int port, JdbcTemplate jdbc) throws IOException {
    this.port = port;
    this.jdbc = jdbc;
    jdbc.update("DELETE FROM workload");
    jdbc.update("DELETE FROM cluster_state");
    jdbc.update("DELETE FROM cluster_registration");
    jdbc.update("DELETE FROM outbox_event");
    jdbc.update("DELETE FROM certificate_notice");
    jdbc.update("DELETE FROM shell_session");
    jdbc.update("DELETE FROM room_registry");
    jdbc.update("DELETE FROM room_image");
    jdbc.update("DELETE FROM room_sync_failure");
    jdbc.update("DELETE FROM image_gate");
    jdbc.update("DELETE FROM image_scan");
    jdbc.update("DELETE FROM image_tag");
    emptyClusters();
    try {
      // a reconcile that read a workload before its row went may make its Deployment again once:
      // what is still there is deleted again until nothing is
      Awaitility.await()
          .atMost(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                boolean empty =
                    clients.values().stream()
                        .allMatch(
                            c ->
                                c.pods().inAnyNamespace().list().getItems().isEmpty()
                                    && c.apps()
                                        .deployments()
                                        .inAnyNamespace()
                                        .list()
                                        .getItems()
                                        .isEmpty());
                if (!empty) {
                  emptyClusters();
                }
                return empty;
              });
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException("the clusters kept objects after the reset: " + left(), e);
    }
    for (String name : names) {
      String body =
          "{\"name\":\""
              + name
              + "\",\"machineRoom\":\"hall-"
              + name
              + "\",\"kubeconfig\":"
              + quote(Files.readString(sim.kubeconfig(name)))
              + "}";
      HttpResponse<String> created = send(ADMIN, "POST", "/clusters", body);
      if (created.statusCode() != 201) {
        throw new IllegalStateException("registering " + name + ": " + created.body());
      }
    }
    // answering, and not failed over, for a while: the failover loop remembers the probes of an
    // earlier test's clusters of the same names, and may fail one over just after the reset (seen
    // a second after the clusters answered; until its quiet period has passed, a workload
    // deployed now would not be placed there)
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .during(Duration.ofSeconds(2))
        .until(
            () ->
                names.stream()
                    .map(n -> send(ADMIN, "GET", "/clusters/" + n, null).body())
                    .allMatch(
                        b ->
                            b.contains("\"reachable\":true") && b.contains("\"failedOver\":null")));
    // what such a failover announced is not the test's
    jdbc.update("DELETE FROM outbox_event");
  }

  private void emptyClusters() {
    for (KubernetesClient client : clients.values()) {
      client.apps().deployments().inAnyNamespace().delete();
      client.services().inAnyNamespace().delete();
      client.pods().inAnyNamespace().delete();
    }
  }

  /** What the clusters hold, for a reset that could not empty them. */
  private String left() {
    StringBuilder left = new StringBuilder();
    clients.forEach(
        (name, client) ->
            left.append(name)
                .append(": ")
                .append(described(client.apps().deployments().inAnyNamespace().list().getItems()))
                .append(described(client.pods().inAnyNamespace().list().getItems()))
                .append("; "));
    return left.toString();
  }

  private static String described(List<? extends HasMetadata> objects) {
    StringBuilder described = new StringBuilder();
    for (HasMetadata object : objects) {
      ObjectMeta meta = object.getMetadata();
      described
          .append(object.getClass().getSimpleName())
          .append(' ')
          .append(meta.getNamespace())
          .append('/')
          .append(meta.getName())
          .append(" created ")
          .append(meta.getCreationTimestamp())
          .append(meta.getDeletionTimestamp() == null ? "" : " deleting")
          .append(", ");
    }
    return described.toString();
  }

  /** A deploy request body: 500m/512Mi requested, 1 CPU / 1Gi limits, one HTTP port. */
  public String body(String name, String image, int replicas, String specOverrides) {
    String spec =
        "{\"application\":\"shop\","
            + "\"resources\":{\"requests\":{\"cpu\":\"500m\",\"memory\":\"512Mi\"},"
            + "\"limits\":{\"cpu\":\"1\",\"memory\":\"1Gi\"}},"
            + "\"ports\":[{\"name\":\"http\",\"port\":8080}],"
            + "\"readiness\":{\"path\":\"/ready\",\"port\":8080}}";
    if (!specOverrides.equals("{}")) {
      spec = spec.substring(0, spec.length() - 1) + "," + specOverrides.substring(1);
    }
    return "{\"name\":\""
        + name
        + "\",\"image\":\""
        + image
        + "\",\"replicas\":"
        + replicas
        + ",\"spec\":"
        + spec
        + "}";
  }

  public HttpResponse<String> deploy(
      String token, String name, int replicas, String specOverrides) {
    return deployRaw(
        token, body(name, "registry.example.com/shop/api:1.0", replicas, specOverrides));
  }

  public HttpResponse<String> deployRaw(String token, String body) {
    return deployRaw(token, body, false);
  }

  /** A deploy, or only its dry run. */
  public HttpResponse<String> deployRaw(String token, String body, boolean dryRun) {
    return send(token, "POST", dryRun ? "/workloads?dryRun=true" : "/workloads", body);
  }

  public HttpResponse<String> put(String token, String path, String body) {
    return send(token, "PUT", path, body, null);
  }

  /** A PUT naming the version it was decided on. */
  public HttpResponse<String> put(String token, String path, String body, String ifMatch) {
    return send(token, "PUT", path, body, ifMatch);
  }

  public HttpResponse<String> get(String token, String path) {
    return send(token, "GET", path, null);
  }

  public HttpResponse<String> delete(String token, String path) {
    return send(token, "DELETE", path, null);
  }

  public Deployment deployment(String room, String namespace, String name) {
    return clients.get(room).apps().deployments().inNamespace(namespace).withName(name).get();
  }

  public List<Deployment> deployments(String room) {
    return clients.get(room).apps().deployments().inAnyNamespace().list().getItems();
  }

  /** Names of the workload's pods in a room. */
  public List<String> pods(String room, String namespace, String name) {
    return clients
        .get(room)
        .pods()
        .inNamespace(namespace)
        .withLabel("app.kubernetes.io/name", name)
        .list()
        .getItems()
        .stream()
        .map(p -> p.getMetadata().getName())
        .toList();
  }

  public Service service(String room, String namespace, String name) {
    return clients.get(room).services().inNamespace(namespace).withName(name).get();
  }

  /** Ready replicas of the Deployment as the cluster reports them (0 when absent). */
  public int ready(String room, String namespace, String name) {
    Deployment deployment = deployment(room, namespace, name);
    return deployment == null
            || deployment.getStatus() == null
            || deployment.getStatus().getReadyReplicas() == null
        ? 0
        : deployment.getStatus().getReadyReplicas();
  }

  /** The stored split of a workload. */
  public Map<String, Integer> split(String tenant, String name) {
    Map<String, Integer> split = new TreeMap<>();
    jdbc.query(
        "SELECT c.cluster, c.replicas FROM workload_cluster c JOIN workload w ON w.id = c.workload_id"
            + " WHERE w.tenant = ? AND w.name = ?",
        rs -> {
          split.put(rs.getString(1), rs.getInt(2));
        },
        tenant,
        name);
    return split;
  }

  /** Whether every cluster of the workload has been reconciled after {@code since}. */
  public boolean reconciledSince(String tenant, String name, Instant since) {
    return jdbc.queryForObject(
            "SELECT COUNT(*) FROM workload_cluster c JOIN workload w ON w.id = c.workload_id"
                + " WHERE w.tenant = ? AND w.name = ? AND (c.reconciled_at IS NULL OR c.reconciled_at < ?)",
            Integer.class,
            tenant,
            name,
            Timestamp.from(since))
        == 0;
  }

  /** Payloads of the cluster-events of one type about one subject, oldest first. */
  public List<String> events(String type, String subject) {
    return jdbc.queryForList(
        "SELECT payload FROM outbox_event WHERE topic = 'cluster-events'"
            + " AND JSON_VALUE(payload, '$.type') = ? AND JSON_VALUE(payload, '$.subject') = ?"
            + " ORDER BY seq",
        String.class,
        type,
        subject);
  }

  /** When those events were written. */
  public List<Instant> eventTimes(String type, String subject) {
    return jdbc
        .queryForList(
            "SELECT JSON_VALUE(payload, '$.time') FROM outbox_event WHERE topic = 'cluster-events'"
                + " AND JSON_VALUE(payload, '$.type') = ? AND JSON_VALUE(payload, '$.subject') = ?"
                + " ORDER BY seq",
            String.class,
            type,
            subject)
        .stream()
        .map(Instant::parse)
        .toList();
  }

  /** Payloads announced on endpoint-events under {@code key}, oldest first. */
  public List<String> endpointEvents(String key) {
    return jdbc.queryForList(
        "SELECT payload FROM outbox_event WHERE topic = 'endpoint-events' AND event_key = ?"
            + " ORDER BY seq",
        String.class,
        key);
  }

  private HttpResponse<String> send(String token, String method, String path, String body) {
    return send(token, method, path, body, null);
  }

  private HttpResponse<String> send(
      String token, String method, String path, String body, String ifMatch) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + token);
    if (ifMatch != null) {
      request.header("If-Match", ifMatch);
    }
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    return ServiceContract.send(request.build());
  }

  private static String quote(String text) {
    StringBuilder quoted = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\r' -> quoted.append("\\r");
        case '\t' -> quoted.append("\\t");
        default -> quoted.append(c);
      }
    }
    return quoted.append('"').toString();
  }

  @Override
  public void close() {
    clients.values().forEach(KubernetesClient::close);
  }
}
