package io.containercloud.kubesim.cluster.controller;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The cluster's own record of what happened to its Deployments, as the control plane saw it each
 * round: created, every replica Ready on the current template (the rising edge, again after each
 * rollout), scaled to zero, stopped (no replica left), a new image, deleted. Tests assert orders
 * from it (no service created before the ones it needs are Ready) rather than from the log of the
 * caller being tested. The last {@code 20,000} entries are kept.
 */
final class Timeline implements Controller {

  private static final int KEPT = 20_000;

  private record Seen(int replicas, boolean ready, boolean stopped, String image) {}

  private final Map<String, Seen> seen = new HashMap<>();
  private final Deque<ClusterLifecycle.TimelineEntry> entries = new ArrayDeque<>();

  @Override
  public void reconcile(Round round) {
    Set<String> present = new HashSet<>();
    // a status at the start of the round that sent it (no later than a client could read it), the
    // rest at the start of the round whose first read saw it: orders asserted from here across
    // Deployments can only be stricter than the truth (save for what was written in the moment
    // between the round's start and that read, less than any caller takes to react)
    for (Deployment deployment : round.deploymentsAsSent()) {
      String namespace = deployment.getMetadata().getNamespace();
      String name = deployment.getMetadata().getName();
      String key = namespace + "/" + name;
      present.add(key);
      Seen now = seen(deployment);
      Seen before = seen.put(key, now);
      if (before == null) {
        record(round, namespace, name, "created", now.image());
        before = new Seen(-1, false, false, now.image());
      }
      if (now.replicas() == 0 && before.replicas() != 0) {
        record(round, namespace, name, "scaled-to-zero", null);
      }
      if (now.ready() && !before.ready()) {
        record(round, namespace, name, "ready", Integer.toString(now.replicas()));
      }
      if (now.stopped() && !before.stopped()) {
        record(round, namespace, name, "stopped", null);
      }
      if (!Objects.equals(now.image(), before.image())) {
        record(round, namespace, name, "image", now.image());
      }
    }
    for (String key : List.copyOf(seen.keySet())) {
      if (!present.contains(key)) {
        seen.remove(key);
        int slash = key.indexOf('/');
        record(round, key.substring(0, slash), key.substring(slash + 1), "deleted", null);
      }
    }
  }

  private static Seen seen(Deployment deployment) {
    int replicas =
        deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
    DeploymentStatus status = deployment.getStatus();
    int ready = status == null || status.getReadyReplicas() == null ? 0 : status.getReadyReplicas();
    int updated =
        status == null || status.getUpdatedReplicas() == null ? 0 : status.getUpdatedReplicas();
    int running = status == null || status.getReplicas() == null ? 0 : status.getReplicas();
    String image =
        deployment.getSpec().getTemplate().getSpec().getContainers().isEmpty()
            ? null
            : deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    return new Seen(
        replicas,
        // rolled out: every replica Ready on the current template, none of an older one left
        replicas > 0 && ready >= replicas && updated >= replicas && running == replicas,
        replicas == 0 && running == 0,
        image);
  }

  private synchronized void record(
      Round round, String namespace, String deployment, String event, String detail) {
    entries.addLast(
        new ClusterLifecycle.TimelineEntry(round.now(), namespace, deployment, event, detail));
    while (entries.size() > KEPT) {
      entries.removeFirst();
    }
  }

  /** What happened in {@code namespace} (every namespace when null), oldest first. */
  synchronized List<ClusterLifecycle.TimelineEntry> entries(String namespace) {
    return entries.stream()
        .filter(e -> namespace == null || e.namespace().equals(namespace))
        .toList();
  }
}
