package io.containercloud.kubesim.cluster.controller;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
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
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The Deployment controller, with the ReplicaSet controller folded in: each Deployment gets pods of
 * its current template (told apart by their {@code pod-template-hash}) up to its replicas, replaces
 * pods of older templates by the {@link RollingUpdate} rules on any template change, and its status
 * counts replicas, updated, ready, available and unavailable ones. Its {@link ReplicaSets}, one per
 * template, own those pods and count them. The pods and ReplicaSets of a Deployment that is gone
 * are deleted, as the garbage collector does for a Deployment deleted with background propagation.
 * (A ReplicaSet made on its own, not by a Deployment, gets no pods.)
 */
final class DeploymentController implements Controller {

  private static final String TEMPLATE_HASH = ReplicaSets.TEMPLATE_HASH;

  /** The pod's Deployment, by name (what kube-sim's own parts find a Deployment's pods by). */
  static final String OWNER = "kube-sim/deployment";

  private final PodControl podControl;

  /** The last template hashed per Deployment, with the Deployment's uid and generation. */
  private final Map<String, Hashed> hashes = new HashMap<>();

  private record Hashed(String uid, Long generation, String hash) {}

  /**
   * What each Deployment was last reconciled from: the cache's copies of it and of its pods. A
   * Deployment whose copies are all the same objects again needs nothing (the cache replaces a copy
   * on every change); working out every Deployment's step and status in every round was most of a
   * busy cluster's rounds.
   */
  private final Map<String, Inputs> reconciled = new HashMap<>();

  private record Inputs(Deployment deployment, List<Pod> pods, List<ReplicaSet> sets) {

    boolean same(Deployment other, List<Pod> otherPods, List<ReplicaSet> otherSets) {
      return deployment == other
          && sameInstances(pods, otherPods)
          && sameInstances(sets, otherSets);
    }

    private static boolean sameInstances(List<?> known, List<?> others) {
      if (known.size() != others.size()) {
        return false;
      }
      for (Object other : others) {
        if (known.stream().noneMatch(k -> k == other)) {
          return false;
        }
      }
      return true;
    }
  }

  DeploymentController(PodControl podControl) {
    this.podControl = podControl;
  }

  @Override
  public void reconcile(Round round) {
    // by owner once, not a pass over every pod per Deployment
    Map<String, List<Pod>> byOwner = OwnedPods.byOwner(round.pods(), OWNER);
    Map<String, List<ReplicaSet>> setsByOwner = ReplicaSets.byController(round.replicaSets());
    Set<String> deployments = new HashSet<>();
    Set<String> uids = new HashSet<>();
    for (Deployment deployment : round.deployments()) {
      String key =
          deployment.getMetadata().getNamespace() + "/" + deployment.getMetadata().getName();
      deployments.add(key);
      uids.add(deployment.getMetadata().getUid());
      List<Pod> owned = byOwner.getOrDefault(key, List.of());
      List<ReplicaSet> sets =
          setsByOwner.getOrDefault(deployment.getMetadata().getUid(), List.of());
      Inputs last = reconciled.get(key);
      if (last == null || !last.same(deployment, owned, sets)) {
        reconcile(round, deployment, owned, sets);
        reconciled.put(key, new Inputs(deployment, owned, sets)); // not when it failed: again
      }
    }
    hashes.keySet().retainAll(deployments);
    reconciled.keySet().retainAll(deployments);
    // the garbage collector's part: a deleted Deployment's pods go too (background propagation)
    OwnedPods.deleteOrphans(round, podControl, byOwner, deployments);
    setsByOwner.forEach(
        (uid, orphans) -> {
          if (!uids.contains(uid)) {
            orphans.forEach(set -> round.write(() -> round.api().delete(set)));
          }
        });
  }

  private void reconcile(
      Round round, Deployment deployment, List<Pod> owned, List<ReplicaSet> sets) {
    String hash = hash(deployment);
    Optional<ReplicaSet> set = ReplicaSets.current(round, deployment, hash, sets);
    if (set.isEmpty()) {
      return; // not made this round (a conflict): the next one tries again
    }
    List<Pod> current =
        owned.stream().filter(p -> hash.equals(Pods.label(p, TEMPLATE_HASH))).toList();
    List<Pod> old = owned.stream().filter(p -> !hash.equals(Pods.label(p, TEMPLATE_HASH))).toList();
    RollingUpdate rollout = RollingUpdate.of(deployment);
    RollingUpdate.Step step = rollout.next(current, old);

    List<Pod> created = new ArrayList<>();
    for (int i = 0; i < step.create(); i++) {
      created.add(podControl.create(round, owner(deployment, set.get(), hash)));
    }
    step.delete().forEach(pod -> podControl.delete(round, pod));

    List<Pod> counted = new ArrayList<>(owned);
    counted.addAll(created);
    List<Pod> left = new ArrayList<>(counted);
    left.removeIf(pod -> step.delete().contains(pod));
    ReplicaSets.keep(round, deployment, set.get(), sets, left);
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

  private static PodControl.Owner owner(Deployment deployment, ReplicaSet set, String hash) {
    String name = deployment.getMetadata().getName();
    return new PodControl.Owner(
        set,
        "apps/v1",
        deployment.getSpec().getTemplate(),
        name + "-" + hash,
        Map.of(TEMPLATE_HASH, hash, OWNER, name));
  }

  /**
   * The template's hash, worked out again only when the Deployment's spec changed (its generation
   * moved): hashing every Deployment's template every round, then at every status write, was a good
   * part of a busy cluster's rounds.
   */
  private String hash(Deployment deployment) {
    ObjectMeta metadata = deployment.getMetadata();
    String key = metadata.getNamespace() + "/" + metadata.getName();
    Hashed known = hashes.get(key);
    if (known != null
        && Objects.equals(known.uid(), metadata.getUid())
        && Objects.equals(known.generation(), metadata.getGeneration())) {
      return known.hash();
    }
    String hash = hash(deployment.getSpec().getTemplate());
    hashes.put(key, new Hashed(metadata.getUid(), metadata.getGeneration(), hash));
    return hash;
  }

  static String hash(PodTemplateSpec template) {
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
