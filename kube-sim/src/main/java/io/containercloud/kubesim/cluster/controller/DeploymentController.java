package io.containercloud.kubesim.cluster.controller;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Deployment controller, with the ReplicaSets folded in: each Deployment gets pods of its
 * current template (told apart by {@value #TEMPLATE_HASH}) up to its replicas, replaces pods of
 * older templates by the {@link RollingUpdate} rules on any template change, and its status counts
 * replicas, updated, ready, available and unavailable ones. The pods of a Deployment that is gone
 * are deleted, as the garbage collector does for a Deployment deleted with background propagation.
 */
final class DeploymentController implements Controller {

  private static final String TEMPLATE_HASH = "pod-template-hash";

  /** The pod's Deployment, by name (there is no ReplicaSet in between). */
  static final String OWNER = "kube-sim/deployment";

  private final PodControl podControl;

  /** The last template hashed per Deployment, by the cache's copy of the template. */
  private final Map<String, Hashed> hashes = new HashMap<>();

  private record Hashed(PodTemplateSpec template, String hash) {}

  DeploymentController(PodControl podControl) {
    this.podControl = podControl;
  }

  @Override
  public void reconcile(Round round) {
    List<Pod> pods = round.pods();
    // by owner once, not a pass over every pod per Deployment
    Map<String, List<Pod>> byOwner = new HashMap<>();
    for (Pod pod : pods) {
      String owner = Pods.label(pod, OWNER);
      if (owner != null && !Pods.deleting(pod)) {
        byOwner
            .computeIfAbsent(pod.getMetadata().getNamespace() + "/" + owner, k -> new ArrayList<>())
            .add(pod);
      }
    }
    Set<String> deployments = new HashSet<>();
    for (Deployment deployment : round.deployments()) {
      String key =
          deployment.getMetadata().getNamespace() + "/" + deployment.getMetadata().getName();
      deployments.add(key);
      reconcile(round, deployment, byOwner.getOrDefault(key, List.of()));
    }
    hashes.keySet().retainAll(deployments);
    // the garbage collector's part: a deleted Deployment's pods go too (background propagation)
    byOwner.forEach(
        (owner, orphans) -> {
          if (!deployments.contains(owner)) {
            orphans.forEach(p -> podControl.delete(round, p));
          }
        });
  }

  private void reconcile(Round round, Deployment deployment, List<Pod> owned) {
    String hash = hash(deployment);
    List<Pod> current =
        owned.stream().filter(p -> hash.equals(Pods.label(p, TEMPLATE_HASH))).toList();
    List<Pod> old = owned.stream().filter(p -> !hash.equals(Pods.label(p, TEMPLATE_HASH))).toList();
    RollingUpdate rollout = RollingUpdate.of(deployment);
    RollingUpdate.Step step = rollout.next(current, old);

    List<Pod> created = new ArrayList<>();
    for (int i = 0; i < step.create(); i++) {
      created.add(podControl.create(round, owner(deployment, hash)));
    }
    step.delete().forEach(pod -> podControl.delete(round, pod));

    List<Pod> counted = new ArrayList<>(owned);
    counted.addAll(created);
    writeStatus(
        round, deployment, status(deployment, rollout, counted, current.size() + created.size()));
  }

  /**
   * The status over the pods the step began with plus the ones it created (those it deleted leave
   * the count next round): replicas up to the surge, the Ready ones also available.
   */
  private static DeploymentStatus status(
      Deployment deployment, RollingUpdate rollout, List<Pod> pods, int updated) {
    int ready = (int) pods.stream().filter(Pods::ready).count();
    return new DeploymentStatusBuilder()
        .withObservedGeneration(deployment.getMetadata().getGeneration())
        .withReplicas(Math.min(pods.size(), rollout.maxPods()))
        .withUpdatedReplicas(updated)
        .withReadyReplicas(ready)
        .withAvailableReplicas(ready)
        .withUnavailableReplicas(Math.max(0, rollout.replicas() - ready))
        .build();
  }

  private static void writeStatus(Round round, Deployment deployment, DeploymentStatus status) {
    if (status.equals(deployment.getStatus())) {
      return; // no write, no watch event, when nothing changed
    }
    round.editDeploymentStatus(
        deployment,
        d -> {
          d.setStatus(status);
          return d;
        });
  }

  private static PodControl.Owner owner(Deployment deployment, String hash) {
    String name = deployment.getMetadata().getName();
    return new PodControl.Owner(
        deployment,
        "apps/v1",
        deployment.getSpec().getTemplate(),
        name + "-" + hash,
        Map.of(TEMPLATE_HASH, hash, OWNER, name));
  }

  /**
   * The template's hash, worked out again only when the cache holds a new copy of the Deployment
   * (hashing every Deployment's template every tick was a good part of a busy cluster's rounds).
   */
  private String hash(Deployment deployment) {
    String key = deployment.getMetadata().getNamespace() + "/" + deployment.getMetadata().getName();
    PodTemplateSpec template = deployment.getSpec().getTemplate();
    Hashed known = hashes.get(key);
    if (known != null && known.template() == template) {
      return known.hash();
    }
    String hash = hash(template);
    hashes.put(key, new Hashed(template, hash));
    return hash;
  }

  private static String hash(PodTemplateSpec template) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(Serialization.asJson(template).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
