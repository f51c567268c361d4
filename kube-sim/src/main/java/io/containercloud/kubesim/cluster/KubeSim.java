package io.containercloud.kubesim.cluster;

import io.containercloud.kubesim.cluster.controller.ClusterLifecycle;
import io.containercloud.kubesim.cluster.controller.ContainerLogs;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulated clusters as a library: start them, hand their kubeconfigs to the code under test, and
 * fail or heal clusters and nodes or set load during drills. The process (its admin API) and the
 * tests use it.
 */
public final class KubeSim implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KubeSim.class);

  private final Map<String, SimulatedCluster> clusters = new LinkedHashMap<>();

  private KubeSim() {}

  /** Starts {@code properties.clusters()} clusters writing no container logs. */
  public static KubeSim start(KubeSimProperties properties) {
    return start(properties, ContainerLogProperties.off());
  }

  /**
   * Starts {@code properties.clusters()} clusters, whose kubelets write container logs as {@code
   * logs} says, and writes their kubeconfigs.
   */
  public static KubeSim start(KubeSimProperties properties, ContainerLogProperties logs) {
    KubeSim sim = new KubeSim();
    try {
      for (int i = 0; i < properties.clusters(); i++) {
        SimulatedCluster cluster =
            new SimulatedCluster(
                properties.namePrefix() + "-" + (i + 1),
                i,
                properties.basePort() == 0 ? 0 : properties.basePort() + i,
                properties,
                logs);
        sim.clusters.put(cluster.name(), cluster);
        cluster.start();
        cluster.writeKubeconfig();
        log.info(
            "cluster {} serves {} with {} nodes; kubeconfig {}",
            cluster.name(),
            cluster.apiUrl(),
            properties.nodes(),
            cluster.kubeconfig());
      }
    } catch (RuntimeException e) {
      sim.close();
      throw e;
    }
    return sim;
  }

  /** The clusters' names, {@code <prefix>-1} first. */
  public List<String> clusters() {
    return new ArrayList<>(clusters.keySet());
  }

  public Path kubeconfig(String cluster) {
    return cluster(cluster).kubeconfig();
  }

  public String apiUrl(String cluster) {
    return cluster(cluster).apiUrl();
  }

  /** A client straight to the cluster's store, also while the cluster is failed (for checks). */
  public KubernetesClient client(String cluster) {
    return cluster(cluster).client();
  }

  /** The cluster's API becomes unreachable; its state and pods live on. */
  public void fail(String cluster) {
    cluster(cluster).fail();
  }

  public void heal(String cluster) {
    cluster(cluster).heal();
  }

  public boolean reachable(String cluster) {
    return cluster(cluster).reachable();
  }

  public void failNode(String cluster, String node) {
    cluster(cluster).failNode(node);
  }

  public void healNode(String cluster, String node) {
    cluster(cluster).healNode(node);
  }

  /**
   * Sets the CPU use of a deployment's pods (or, with {@code deployment} null, of the namespace's)
   * as a share of their requests, reported through {@code metrics.k8s.io}.
   */
  public void load(String cluster, String namespace, String deployment, double utilisation) {
    cluster(cluster).load(namespace, deployment, utilisation);
  }

  /**
   * Holds a Deployment's pods unready, as a readiness probe that never passes would ({@code ready}
   * false), or lets them turn Ready again.
   */
  public void ready(String cluster, String namespace, String deployment, boolean ready) {
    cluster(cluster).ready(namespace, deployment, ready);
  }

  /**
   * Sets what the containers of a Deployment write to their logs ({@code null}: nothing).
   *
   * @throws ContainerLogs.Off when the clusters write no container logs
   */
  public void chatter(
      String cluster, String namespace, String deployment, ContainerLogs.Chatter chatter) {
    cluster(cluster).chatter(namespace, deployment, chatter);
  }

  /**
   * What the cluster saw happen to the Deployments of {@code namespace} (all when null), oldest
   * first.
   */
  public List<ClusterLifecycle.TimelineEntry> timeline(String cluster, String namespace) {
    return cluster(cluster).timeline(namespace);
  }

  @Override
  public void close() {
    clusters.values().forEach(SimulatedCluster::stop);
    clusters.clear();
  }

  private SimulatedCluster cluster(String name) {
    SimulatedCluster cluster = clusters.get(name);
    if (cluster == null) {
      throw new IllegalArgumentException("no simulated cluster " + name);
    }
    return cluster;
  }
}
