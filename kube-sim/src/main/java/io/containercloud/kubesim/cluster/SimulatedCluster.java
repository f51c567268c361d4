package io.containercloud.kubesim.cluster;

import io.containercloud.kubesim.api.ApiServer;
import io.containercloud.kubesim.cluster.controller.ClusterLifecycle;
import io.containercloud.kubesim.cluster.controller.ContainerLogs;
import io.containercloud.kubesim.tls.ServingCertificate;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated cluster: its in-memory {@link ApiServer} behind its own HTTPS port, holding the
 * cluster's nodes. Like a real cluster it has its own CA, a serving certificate signed by it, and a
 * bearer token; anything that speaks the Kubernetes API through fabric8 can use it through the
 * kubeconfig it writes, which carries the CA and the token.
 */
final class SimulatedCluster {

  private static final Logger log = LoggerFactory.getLogger(SimulatedCluster.class);

  private final String name;
  private final int index;
  private final int port;
  private final KubeSimProperties properties;
  private final ContainerLogProperties logs;
  private ApiServer server;
  private ClusterCredentials credentials;
  private NamespacedKubernetesClient client;
  private Path kubeconfig;
  private ClusterLifecycle lifecycle;
  private ApiGate gate;

  /**
   * @param index the cluster's place among its siblings (0 first), for its pod addresses
   * @param port its public API port; 0 for any free one
   */
  SimulatedCluster(
      String name, int index, int port, KubeSimProperties properties, ContainerLogProperties logs) {
    this.index = index;
    this.logs = logs;
    this.name = name;
    this.port = port;
    this.properties = properties;
  }

  void start() {
    serve(Instant.now());
    // kube-sim's own client talks to the private port (also while the cluster is failed), with
    // the cluster's token like any other
    client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder()
                    .withMasterUrl("http://127.0.0.1:" + server.port())
                    .withOauthToken(credentials.token())
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .build()
            .adapt(NamespacedKubernetesClient.class);
    for (int i = 1; i <= properties.nodes(); i++) {
      client.nodes().resource(node(name + "-node-" + i)).create();
    }
    lifecycle =
        new ClusterLifecycle(
            server.local(),
            name,
            index,
            properties.podNetwork(),
            properties.podReadyDelay(),
            properties.tick(),
            properties.roundGap(),
            properties.jobDuration(),
            logs.dir() == null
                ? null
                : new ContainerLogs(
                    new ContainerLogs.Settings(
                        logs.dir(),
                        logs.maxSize().toBytes(),
                        logs.maxFiles(),
                        logs.keepAfterDelete())),
            logs.interval());
    lifecycle.start();
  }

  /**
   * Starts the API server on a private loopback port behind the public gate, which serves TLS with
   * a serving certificate issued now by the cluster's (kept) CA.
   */
  private void serve(Instant now) {
    credentials =
        ClusterCredentials.loadOrCreate(
            properties.kubeconfigDir().resolve("pki").resolve(name),
            name,
            properties.caValidity(),
            now);
    ServingCertificate serving =
        credentials
            .ca()
            .issueServing("kube-apiserver", servingHosts(), properties.servingCertValidity(), now);
    server = new ApiServer(credentials.token());
    try {
      int api = server.start(InetAddress.getLoopbackAddress(), 0);
      gate =
          new ApiGate(
              InetAddress.getByName(properties.bindAddress()), port, api, serving.serverContext());
      gate.open();
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "cannot start cluster " + name + " on " + properties.bindAddress() + ":" + port, e);
    }
  }

  void stop() {
    if (lifecycle != null) {
      lifecycle.stop();
    }
    if (gate != null) {
      gate.shutdown();
    }
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /** The whole cluster becomes unreachable (its state and pods live on). */
  void fail() {
    gate.close();
    log.info("cluster {} failed: its API on port {} refuses connections", name, gate.port());
  }

  void heal() {
    gate.open();
    log.info("cluster {} healed: its API answers on port {}", name, gate.port());
  }

  boolean reachable() {
    return gate.isOpen();
  }

  /** The node turns NotReady: nothing new is scheduled there and its pods stop being Ready. */
  void failNode(String node) {
    nodeReady(node, false);
  }

  void healNode(String node) {
    nodeReady(node, true);
  }

  /**
   * CPU use of the matching pods as a share of their requests (1.0 = all of it), reported through
   * {@code metrics.k8s.io}; {@code deployment} null means every deployment of the namespace.
   */
  void load(String namespace, String deployment, double utilisation) {
    lifecycle.load(namespace, deployment, utilisation);
  }

  /** Holds a Deployment's pods unready (their readiness probe fails), or lets them be Ready. */
  void ready(String namespace, String deployment, boolean ready) {
    lifecycle.ready(namespace, deployment, ready);
  }

  void chatter(String namespace, String deployment, ContainerLogs.Chatter chatter) {
    lifecycle.chatter(namespace, deployment, chatter);
  }

  List<ClusterLifecycle.TimelineEntry> timeline(String namespace) {
    return lifecycle.timeline(namespace);
  }

  private void nodeReady(String node, boolean ready) {
    if (client.nodes().withName(node).get() == null) {
      throw new IllegalArgumentException("cluster " + name + " has no node " + node);
    }
    client
        .nodes()
        .withName(node)
        .editStatus(
            n -> {
              n.getStatus()
                  .getConditions()
                  .forEach(
                      c -> {
                        if ("Ready".equals(c.getType())) {
                          c.setStatus(ready ? "True" : "False");
                          c.setReason(ready ? "KubeletReady" : "NodeStatusUnknown");
                        }
                      });
              return n;
            });
  }

  String name() {
    return name;
  }

  String apiUrl() {
    return "https://" + properties.advertisedHost() + ":" + gate.port();
  }

  /** Names a client may use for the API server: loopback, and the host kubeconfigs name. */
  private List<String> servingHosts() {
    return List.of("127.0.0.1", "localhost", properties.advertisedHost()).stream()
        .distinct()
        .toList();
  }

  Path kubeconfig() {
    return kubeconfig;
  }

  NamespacedKubernetesClient client() {
    return client;
  }

  /**
   * Writes a kubeconfig for this cluster into {@code kube-sim.kubeconfig-dir}: the HTTPS URL, the
   * cluster's CA to verify it by, and the bearer token (so the file is readable by this user only).
   */
  void writeKubeconfig() {
    Path dir = properties.kubeconfigDir();
    String text =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: %1$s
          cluster:
            server: %2$s
            certificate-authority-data: %3$s
        users:
        - name: %1$s-admin
          user:
            token: %4$s
        contexts:
        - name: %1$s
          context:
            cluster: %1$s
            user: %1$s-admin
        current-context: %1$s
        """
            .formatted(
                name,
                apiUrl(),
                Base64.getEncoder()
                    .encodeToString(
                        credentials.ca().certificatePem().getBytes(StandardCharsets.US_ASCII)),
                credentials.token());
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(name + ".kubeconfig");
      Files.deleteIfExists(file);
      Files.createFile(file);
      ClusterCredentials.restrict(file, "rw-------");
      Files.writeString(file, text);
      kubeconfig = file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Node node(String nodeName) {
    Map<String, Quantity> resources =
        Map.of(
            "cpu", new Quantity(properties.nodeCpu()),
            "memory", new Quantity(properties.nodeMemory()),
            "pods", new Quantity(Integer.toString(properties.nodePods())));
    return new NodeBuilder()
        .withNewMetadata()
        .withName(nodeName)
        .addToLabels("kubernetes.io/hostname", nodeName)
        .endMetadata()
        .withNewStatus()
        .withAllocatable(resources)
        .withCapacity(resources)
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .withReason("KubeletReady")
        .endCondition()
        .endStatus()
        .build();
  }
}
