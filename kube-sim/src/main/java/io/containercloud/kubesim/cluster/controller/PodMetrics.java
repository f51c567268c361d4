package io.containercloud.kubesim.cluster.controller;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.ContainerMetrics;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.ContainerMetricsBuilder;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetricsBuilder;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The metrics server: {@code metrics.k8s.io} pod metrics for Ready pods, where CPU use is the load
 * set for the pod's Deployment (else its namespace, else 0.1) times the pod's CPU request, and
 * memory half its request. A pod's metrics are written only when its CPU use changes.
 */
final class PodMetrics implements Controller {

  private static final double DEFAULT_LOAD = 0.1;

  /** CPU use as a share of requests, by "namespace/deployment" or "namespace/*". */
  private final Map<String, Double> loads = new ConcurrentHashMap<>();

  /** The CPU millicores last written, by "namespace/pod" (the round's thread only). */
  private final Map<String, Long> reportedMillis = new HashMap<>();

  /** The cache's copy of each pod last looked at (the round's thread only). */
  private final Map<String, Pod> lookedAt = new HashMap<>();

  /** Counts the changes of {@link #loads}; the one the last round looked at. */
  private final AtomicInteger loadsVersion = new AtomicInteger();

  private int loadsLooked = -1;

  /** Sets the load of a Deployment's pods, or with {@code deployment} null of the namespace's. */
  void load(String namespace, String deployment, double utilisation) {
    if (utilisation < 0 || utilisation > 10) {
      throw new IllegalArgumentException(
          "utilisation must be between 0 and 10 (times the request)");
    }
    loads.put(namespace + "/" + (deployment == null ? "*" : deployment), utilisation);
    loadsVersion.incrementAndGet();
  }

  @Override
  public void reconcile(Round round) {
    Set<String> seen = new HashSet<>();
    int version = loadsVersion.get();
    boolean loadsSame = version == loadsLooked;
    for (Pod pod : round.pods()) {
      if (!Pods.ready(pod)) {
        continue;
      }
      String namespace = pod.getMetadata().getNamespace();
      String key = namespace + "/" + pod.getMetadata().getName();
      seen.add(key);
      if (loadsSame && lookedAt.get(key) == pod) {
        continue; // the same copy of the pod under the same loads: the same metrics
      }
      double share =
          loads.getOrDefault(
              namespace + "/" + Pods.label(pod, DeploymentController.OWNER),
              loads.getOrDefault(namespace + "/*", DEFAULT_LOAD));
      long millis = Math.round(Pods.requests(pod, "cpu", 1000) * share);
      if (!Objects.equals(reportedMillis.get(key), millis)) {
        write(round, pod, millis);
        reportedMillis.put(key, millis);
      }
      lookedAt.put(key, pod); // after the write: one that failed is tried again
    }
    reportedMillis.keySet().retainAll(seen); // pods gone or no longer Ready
    lookedAt.keySet().retainAll(seen);
    loadsLooked = version; // at the end: a round that failed midway looks at every pod again
  }

  private static void write(Round round, Pod pod, long millis) {
    String namespace = pod.getMetadata().getNamespace();
    var usage =
        new PodMetricsBuilder()
            .withNewMetadata()
            .withName(pod.getMetadata().getName())
            .withNamespace(namespace)
            .withLabels(pod.getMetadata().getLabels())
            .endMetadata()
            .withTimestamp(round.now().toString())
            .withWindow(new io.fabric8.kubernetes.api.model.Duration(Duration.ofSeconds(15)))
            .withContainers(containers(pod, millis))
            .build();
    round.write(() -> round.api().createOrReplace(usage));
  }

  /** The pod's CPU use split evenly over its containers, and half of its memory request each. */
  private static List<ContainerMetrics> containers(Pod pod, long millis) {
    int count = pod.getSpec().getContainers().size();
    long memory = Pods.requests(pod, "memory", 1) / 2;
    return pod.getSpec().getContainers().stream()
        .map(
            c ->
                new ContainerMetricsBuilder()
                    .withName(c.getName())
                    .addToUsage("cpu", new Quantity(millis / count + "m"))
                    .addToUsage("memory", new Quantity(Long.toString(memory)))
                    .build())
        .toList();
  }
}
