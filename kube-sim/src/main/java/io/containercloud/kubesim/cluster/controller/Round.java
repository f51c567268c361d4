package io.containercloud.kubesim.cluster.controller;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What one lifecycle round gives each controller: the cluster's API, the round's time, the nodes,
 * and the pods as a cache that the round's own pod writes empty, so that every controller sees what
 * the ones before it did while a quiet round lists pods only once.
 */
final class Round {

  private final KubernetesClient client;
  private final Instant now;
  private List<Node> nodes;
  private List<Pod> pods;

  Round(KubernetesClient client, Instant now) {
    this.client = client;
    this.now = now;
  }

  KubernetesClient client() {
    return client;
  }

  /** The round's time: every status and timestamp written in the round carries it. */
  Instant now() {
    return now;
  }

  /** Listed once per round, by the first controller that asks (so a failure is its failure). */
  List<Node> nodes() {
    if (nodes == null) {
      nodes = client.nodes().list().getItems();
    }
    return nodes;
  }

  /**
   * The pods as the API holds them since the round last wrote one, in a list of the caller's own. A
   * controller reads them once at its start, as a real one reads its informer cache.
   */
  List<Pod> pods() {
    if (pods == null) {
      pods = client.pods().inAnyNamespace().list().getItems();
    }
    return new ArrayList<>(pods);
  }

  /** Pods are written through these, so that the next {@link #pods()} lists them again. */
  Pod createPod(Pod pod) {
    pods = null;
    return client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).create();
  }

  void deletePod(Pod pod) {
    pods = null;
    client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).delete();
  }

  void editPodStatus(Pod pod, UnaryOperator<Pod> edit) {
    pods = null;
    client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .editStatus(edit);
  }
}
