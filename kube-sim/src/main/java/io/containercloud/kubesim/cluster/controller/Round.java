package io.containercloud.kubesim.cluster.controller;

import io.containercloud.kubesim.api.LocalApi;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

/**
 * What one lifecycle round gives each controller: the cluster's API to write through (in-process,
 * {@link LocalApi}), the round's time, and what the cluster holds as the watched {@link Caches}
 * show it (every write in at once, so each controller sees what the ones before it did).
 */
final class Round {

  private final LocalApi api;
  private final Caches caches;
  private List<Deployment> deployments;
  private NodeLoads loads;
  private Set<String> readyNodes;
  private final Instant now;
  private final Map<String, Deployment> statusesSent = new HashMap<>();
  private Instant due = Instant.MAX;

  Round(LocalApi api, Caches caches, Instant now) {
    this.api = api;
    this.caches = caches;
    this.now = now;
  }

  /** A write that finds its object gone or changed since the cache showed it is dropped. */
  void write(Runnable write) {
    try {
      write.run();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404 && e.getCode() != 409) {
        throw e;
      }
    }
  }

  LocalApi api() {
    return api;
  }

  Caches caches() {
    return caches;
  }

  /** The round's time: every status and timestamp written in the round carries it. */
  Instant now() {
    return now;
  }

  /** Asks for a round at {@code at}, when something falls due that no write will announce. */
  void dueAt(Instant at) {
    if (at.isBefore(due)) {
      due = at;
    }
  }

  /** The earliest time a controller asked for; {@link Instant#MAX} when none did. */
  Instant due() {
    return due;
  }

  List<Node> nodes() {
    return caches.nodes().list();
  }

  /** The names of the Ready nodes, as the round first needed them. */
  Set<String> readyNodes() {
    if (readyNodes == null) {
      readyNodes = new HashSet<>();
      for (Node node : nodes()) {
        if (Nodes.ready(node)) {
          readyNodes.add(node.getMetadata().getName());
        }
      }
    }
    return readyNodes;
  }

  /** The pods, in a list of the caller's own (the pods themselves are the cache's). */
  List<Pod> pods() {
    return caches.pods().list();
  }

  /** What each node holds: the pods as the round first needed them, plus those it bound since. */
  NodeLoads loads() {
    if (loads == null) {
      loads = new NodeLoads(pods());
    }
    return loads;
  }

  /**
   * The Deployments as the round first read them, the same list for every controller of the round
   * (read after the pods by the Deployment controller: a Deployment seen without the pods deleted
   * after it would get new ones).
   */
  List<Deployment> deployments() {
    if (deployments == null) {
      deployments = caches.deployments().list();
    }
    return deployments;
  }

  /**
   * {@link #deployments()} with the statuses the round has sent so far, ahead of their watch
   * events: what a client of the API can already read once the writes land.
   */
  List<Deployment> deploymentsAsSent() {
    List<Deployment> deployments = deployments();
    if (statusesSent.isEmpty()) {
      return deployments;
    }
    List<Deployment> sent = new ArrayList<>(deployments.size());
    for (Deployment deployment : deployments) {
      sent.add(statusesSent.getOrDefault(key(deployment), deployment));
    }
    return sent;
  }

  /** The ReplicaSets, in a list of the caller's own. */
  List<ReplicaSet> replicaSets() {
    return caches.replicaSets().list();
  }

  /** Creates the pod; answers it as sent (the cache holds it as stored). */
  Pod createPod(Pod pod) {
    api.create(pod);
    return pod;
  }

  /** Binds a pending pod where its spec now says ({@link LocalApi#bind}). */
  void bindPod(Pod pod) {
    write(() -> api.bind(pod));
  }

  void deletePod(Pod pod) {
    api.delete(pod); // one already gone is no failure
  }

  /**
   * Writes the status {@code edit} makes of a copy of the cached pod, in one request with the
   * cache's resource version (no read first): the edits are whole statuses worked out from that
   * copy, so a write over a newer version would be wrong and is refused, and the next round works
   * it out again.
   */
  void editPodStatus(Pod pod, UnaryOperator<Pod> edit) {
    Pod edited = edit.apply(api.copy(pod));
    write(() -> api.updateStatus(edited));
  }

  /**
   * Writes {@code status} to a copy of the cached {@code object}, as {@link #editPodStatus} does;
   * nothing when {@code current} is that status already (no write, no watch event).
   */
  <T extends HasMetadata, S> void writeStatus(
      T object, S current, S status, BiConsumer<T, S> setStatus) {
    if (status.equals(current)) {
      return;
    }
    T edited = api.copy(object);
    setStatus.accept(edited, status);
    write(() -> api.updateStatus(edited));
  }

  void editDeploymentStatus(Deployment deployment, UnaryOperator<Deployment> edit) {
    Deployment edited = edit.apply(api.copy(deployment));
    statusesSent.put(key(deployment), edited);
    write(() -> api.updateStatus(edited));
  }

  private static String key(Deployment deployment) {
    return deployment.getMetadata().getNamespace() + "/" + deployment.getMetadata().getName();
  }
}
