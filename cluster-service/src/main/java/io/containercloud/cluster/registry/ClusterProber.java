package io.containercloud.cluster.registry;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Probes every registered cluster each interval, side by side: nodes and their readiness, and per
 * node allocatable minus the requests of the pods bound to it. A probe that fails (no answer within
 * the timeout) counts towards the cluster's consecutive failures; capacity keeps its last good
 * value.
 */
@Component
public class ClusterProber implements SmartLifecycle {

  private final ClusterRepository clusters;
  private final ClusterClients clients;
  private final RegistryProperties properties;
  private final ApplicationEventPublisher publisher;
  private final Clock clock = Clock.systemUTC();
  private final Map<String, ClusterHealth> health = new ConcurrentHashMap<>();
  private ScheduledExecutorService schedule;
  private ExecutorService probes;

  ClusterProber(
      ClusterRepository clusters,
      ClusterClients clients,
      RegistryProperties properties,
      ApplicationEventPublisher publisher) {
    this.clusters = clusters;
    this.clients = clients;
    this.properties = properties;
    this.publisher = publisher;
  }

  /**
   * Published after each probe with what that probe alone found, so decisions that follow health
   * need not poll for it. Probes overlap when a cluster is slow: {@code startedAt} orders them.
   *
   * @param reachable whether the API server answered
   * @param nodes nodes it listed (0 without an answer)
   * @param readyNodes of which Ready
   * @param error why it did not answer, or null
   */
  public record Probed(
      String cluster,
      Instant startedAt,
      boolean reachable,
      int nodes,
      int readyNodes,
      String error) {}

  /** The last probes' view of a cluster. */
  public ClusterHealth health(String cluster) {
    return health.getOrDefault(cluster, ClusterHealth.unknown());
  }

  /** Probes one cluster now (after registration, so its view is not empty for an interval). */
  void probeSoon(String cluster) {
    if (probes != null) {
      probes.execute(() -> probe(cluster));
    }
  }

  /**
   * Published when a cluster is registered (again) or removed: what was probed of a cluster of that
   * name before says nothing of this one.
   */
  public record Forgotten(String cluster) {}

  void forget(String cluster) {
    health.remove(cluster);
    publisher.publishEvent(new Forgotten(cluster));
  }

  private void round() {
    for (RegisteredCluster cluster : clusters.findAll()) {
      probes.execute(() -> probe(cluster.name()));
    }
  }

  void probe(String cluster) {
    Instant started = clock.instant();
    Probed probed;
    try {
      KubernetesClient client = clients.client(cluster);
      List<Node> nodes = client.nodes().list().getItems();
      List<Pod> pods = client.pods().inAnyNamespace().list().getItems();
      int ready = (int) nodes.stream().filter(ClusterProber::ready).count();
      List<ClusterHealth.NodeCapacity> free = capacity(nodes, pods);
      record(
          cluster,
          started,
          before -> new ClusterHealth(true, 0, nodes.size(), ready, started, null, free));
      probed = new Probed(cluster, started, true, nodes.size(), ready, null);
    } catch (RuntimeException e) {
      String error =
          e.getClass().getSimpleName() + ": " + Optional.ofNullable(e.getMessage()).orElse("");
      record(
          cluster,
          started,
          before ->
              new ClusterHealth(
                  false,
                  before.consecutiveFailures() + 1,
                  before.nodes(),
                  before.readyNodes(),
                  started,
                  error,
                  before.capacity()));
      probed = new Probed(cluster, started, false, 0, 0, error);
    }
    publisher.publishEvent(probed);
  }

  /**
   * Stores a probe's outcome unless a probe that started later has already spoken: probes overlap
   * when a cluster is slow, and a late answer to an old question must not undo newer failures.
   */
  private void record(String cluster, Instant started, UnaryOperator<ClusterHealth> outcome) {
    health.compute(
        cluster,
        (name, current) -> {
          ClusterHealth before = current == null ? ClusterHealth.unknown() : current;
          boolean stale = before.lastProbeAt() != null && !started.isAfter(before.lastProbeAt());
          return stale ? before : outcome.apply(before);
        });
  }

  private static List<ClusterHealth.NodeCapacity> capacity(List<Node> nodes, List<Pod> pods) {
    Map<String, long[]> used = new HashMap<>(); // node -> cpu millis, memory bytes, pods
    for (Pod pod : pods) {
      String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
      String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
      if (node == null || "Succeeded".equals(phase) || "Failed".equals(phase)) {
        continue;
      }
      long[] sum = used.computeIfAbsent(node, n -> new long[3]);
      for (Container container : pod.getSpec().getContainers()) {
        Map<String, Quantity> requests =
            container.getResources() == null ? null : container.getResources().getRequests();
        if (requests != null) {
          sum[0] += amount(requests.get("cpu"), 1000);
          sum[1] += amount(requests.get("memory"), 1);
        }
      }
      sum[2]++;
    }
    return nodes.stream()
        .map(
            node -> {
              Map<String, Quantity> allocatable = node.getStatus().getAllocatable();
              long[] sum = used.getOrDefault(node.getMetadata().getName(), new long[3]);
              return new ClusterHealth.NodeCapacity(
                  node.getMetadata().getName(),
                  ready(node),
                  Math.max(0, amount(allocatable.get("cpu"), 1000) - sum[0]),
                  Math.max(0, amount(allocatable.get("memory"), 1) - sum[1]),
                  Math.max(0, amount(allocatable.get("pods"), 1) - sum[2]));
            })
        .toList();
  }

  private static boolean ready(Node node) {
    return node.getStatus() != null
        && node.getStatus().getConditions() != null
        && node.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static long amount(Quantity quantity, int scale) {
    return quantity == null
        ? 0
        : Quantity.getAmountInBytes(quantity).multiply(BigDecimal.valueOf(scale)).longValue();
  }

  @Override
  public void start() {
    probes = Executors.newFixedThreadPool(4, r -> daemon(r, "cluster-probe"));
    schedule = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "cluster-probes"));
    long every = properties.probeInterval().toMillis();
    schedule.scheduleWithFixedDelay(this::safeRound, 0, every, TimeUnit.MILLISECONDS);
  }

  private void safeRound() {
    try {
      round();
    } catch (RuntimeException e) {
      // the database is away: the next round tries again
    }
  }

  @Override
  public void stop() {
    schedule.shutdownNow();
    probes.shutdownNow();
  }

  @Override
  public boolean isRunning() {
    return schedule != null && !schedule.isShutdown();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread thread = new Thread(r, name);
    thread.setDaemon(true);
    return thread;
  }
}
