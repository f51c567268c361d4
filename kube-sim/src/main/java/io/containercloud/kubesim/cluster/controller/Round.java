package io.containercloud.kubesim.cluster.controller;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

/**
 * What one lifecycle round gives each controller: the cluster's API to write through, the round's
 * time, and what the cluster holds as the watched {@link Caches} show it (with the controllers' own
 * writes in at once, so each controller sees what the ones before it did).
 *
 * <p>Writes that depend on nothing else the controller does next (statuses, deletions, Endpoints,
 * metrics) are sent side by side through {@link #write} and waited for when the controller's step
 * ends ({@link #awaitWrites}): a round of a busy cluster is hundreds of such writes, and one after
 * the other they made a pod's readiness seconds late. Pods are created one at a time, where the
 * scheduler places them.
 */
final class Round {

  private final KubernetesClient client;
  private final Caches caches;
  private List<Deployment> deployments;
  private NodeLoads loads;
  private final Instant now;
  private final ExecutorService writers;
  private final List<Future<?>> pending = new ArrayList<>();
  private final Map<String, Deployment> statusesSent = new HashMap<>();

  Round(KubernetesClient client, Caches caches, Instant now, ExecutorService writers) {
    this.client = client;
    this.caches = caches;
    this.now = now;
    this.writers = writers;
  }

  /**
   * Sends a write without waiting for it (one that finds its object gone or changed is dropped).
   */
  void write(Runnable write) {
    pending.add(writers.submit(() -> ifStillThere(write)));
  }

  /** Waits for every write sent; the first that failed fails the step. */
  void awaitWrites() {
    RuntimeException failed = null;
    try {
      for (Future<?> write : pending) {
        try {
          write.get();
        } catch (ExecutionException e) {
          if (failed == null) {
            failed =
                e.getCause() instanceof RuntimeException cause
                    ? cause
                    : new IllegalStateException(e.getCause());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pending.forEach(write -> write.cancel(true));
      throw new IllegalStateException("interrupted while writing", e);
    } finally {
      pending.clear();
    }
    if (failed != null) {
      throw failed;
    }
  }

  KubernetesClient client() {
    return client;
  }

  Caches caches() {
    return caches;
  }

  /** The round's time: every status and timestamp written in the round carries it. */
  Instant now() {
    return now;
  }

  List<Node> nodes() {
    return caches.nodes().list();
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

  /** Pods are written through these, so that the next {@link #pods()} has the change. */
  Pod createPod(Pod pod) {
    return caches
        .pods()
        .created(
            client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).create());
  }

  void deletePod(Pod pod) {
    write(
        () -> {
          client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).delete();
          caches.pods().deleted(pod);
        });
  }

  /**
   * Writes the status {@code edit} makes of a copy of the cached pod, in one request with the
   * cache's resource version (no read first): the edits are whole statuses worked out from that
   * copy, so a write over a newer version would be wrong and is refused, and the next round works
   * it out again.
   */
  void editPodStatus(Pod pod, UnaryOperator<Pod> edit) {
    Pod edited = edit.apply(client.getKubernetesSerialization().clone(pod));
    write(
        () ->
            caches
                .pods()
                .updated(
                    client
                        .pods()
                        .inNamespace(pod.getMetadata().getNamespace())
                        .resource(edited)
                        .updateStatus()));
  }

  /**
   * Not taken into the cache before its event: a status seen late is only written once more, while
   * a Deployment kept in view after its deletion would get pods again.
   */
  void editDeploymentStatus(Deployment deployment, UnaryOperator<Deployment> edit) {
    Deployment edited = edit.apply(client.getKubernetesSerialization().clone(deployment));
    statusesSent.put(key(deployment), edited);
    write(
        () ->
            client
                .apps()
                .deployments()
                .inNamespace(deployment.getMetadata().getNamespace())
                .resource(edited)
                .updateStatus());
  }

  private static String key(Deployment deployment) {
    return deployment.getMetadata().getNamespace() + "/" + deployment.getMetadata().getName();
  }

  /**
   * A status write to an object deleted or changed since the cache showed it is no failure: the
   * watch brings the change, and the rest of the round goes on.
   */
  private static void ifStillThere(Runnable write) {
    try {
      write.run();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404 && e.getCode() != 409) {
        throw e;
      }
    }
  }
}
