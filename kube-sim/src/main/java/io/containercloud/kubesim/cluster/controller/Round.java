package io.containercloud.kubesim.cluster.controller;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What one lifecycle round gives each controller: the cluster's API to write through, the round's
 * time, and what the cluster holds as the watched {@link Caches} show it (with the controllers' own
 * writes in at once, so each controller sees what the ones before it did).
 */
final class Round {

  private final KubernetesClient client;
  private final Caches caches;
  private final Instant now;

  Round(KubernetesClient client, Caches caches, Instant now) {
    this.client = client;
    this.caches = caches;
    this.now = now;
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

  List<Deployment> deployments() {
    return caches.deployments().list();
  }

  /** Pods are written through these, so that the next {@link #pods()} has the change. */
  Pod createPod(Pod pod) {
    return caches
        .pods()
        .wrote(client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).create());
  }

  void deletePod(Pod pod) {
    client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).delete();
    caches.pods().deleted(pod);
  }

  /**
   * Writes the status {@code edit} makes of a copy of the cached pod, in one request with the
   * cache's resource version (no read first): the edits are whole statuses worked out from that
   * copy, so a write over a newer version would be wrong and is refused, and the next round works
   * it out again.
   */
  void editPodStatus(Pod pod, UnaryOperator<Pod> edit) {
    Pod edited = edit.apply(client.getKubernetesSerialization().clone(pod));
    ifStillThere(
        () ->
            caches
                .pods()
                .wrote(
                    client
                        .pods()
                        .inNamespace(pod.getMetadata().getNamespace())
                        .resource(edited)
                        .updateStatus()));
  }

  void editDeploymentStatus(Deployment deployment, UnaryOperator<Deployment> edit) {
    Deployment edited = edit.apply(client.getKubernetesSerialization().clone(deployment));
    ifStillThere(
        () ->
            caches
                .deployments()
                .wrote(
                    client
                        .apps()
                        .deployments()
                        .inNamespace(deployment.getMetadata().getNamespace())
                        .resource(edited)
                        .updateStatus()));
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
