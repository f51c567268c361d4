package io.containercloud.kubesim.cluster.controller;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A Deployment's ReplicaSets, one per template it has had, as kube-controller-manager keeps them:
 * {@code <deployment>-<pod-template-hash>}, controlled by the Deployment, the template with the
 * hash among its labels and selector, a {@code deployment.kubernetes.io/revision}, the current one
 * at the Deployment's replicas and the older ones at zero, their status counting the pods of their
 * template, and no more old ones than the Deployment's {@code revisionHistoryLimit}. The pods they
 * count are made by the {@link DeploymentController} (the ReplicaSet controller folded in) and
 * point at them as their owner. What reads ReplicaSets finds what it expects there: Helm's wait
 * (the new ReplicaSet's ready replicas), {@code kubectl describe} and {@code rollout history}.
 */
final class ReplicaSets {

  static final String TEMPLATE_HASH = "pod-template-hash";
  static final String REVISION = "deployment.kubernetes.io/revision";

  private ReplicaSets() {}

  /** The ReplicaSets each Deployment controls, by the Deployment's uid. */
  static Map<String, List<ReplicaSet>> byController(List<ReplicaSet> sets) {
    Map<String, List<ReplicaSet>> owned = new HashMap<>();
    for (ReplicaSet set : sets) {
      controller(set).ifPresent(uid -> owned.computeIfAbsent(uid, k -> new ArrayList<>()).add(set));
    }
    return owned;
  }

  /** The uid of the Deployment that controls the set, if one does. */
  static Optional<String> controller(ReplicaSet set) {
    List<OwnerReference> owners = set.getMetadata().getOwnerReferences();
    if (owners != null) {
      for (OwnerReference owner : owners) {
        if (Boolean.TRUE.equals(owner.getController()) && "Deployment".equals(owner.getKind())) {
          return Optional.of(owner.getUid());
        }
      }
    }
    return Optional.empty();
  }

  static String hash(ReplicaSet set) {
    Map<String, String> labels = set.getMetadata().getLabels();
    return labels == null ? null : labels.get(TEMPLATE_HASH);
  }

  /** The Deployment's set for its template of {@code hash}, made if it has none yet. */
  static Optional<ReplicaSet> current(
      Round round, Deployment deployment, String hash, List<ReplicaSet> sets) {
    for (ReplicaSet set : sets) {
      if (hash.equals(hash(set))) {
        return Optional.of(set);
      }
    }
    long revision = sets.stream().mapToLong(ReplicaSets::revision).max().orElse(0) + 1;
    ReplicaSet made = newSet(deployment, hash, revision);
    round.write(() -> round.api().create(made));
    // the write reaches the cache before it returns: the stored copy has its uid
    return round
        .caches()
        .replicaSets()
        .get(made.getMetadata().getNamespace(), made.getMetadata().getName());
  }

  /**
   * Brings each set to its replicas (the current one the Deployment's, the others none) and its
   * status to the pods of its template, then lets go of the old sets beyond the history limit.
   */
  static void keep(
      Round round,
      Deployment deployment,
      ReplicaSet current,
      List<ReplicaSet> sets,
      List<Pod> pods) {
    Map<String, List<Pod>> byHash = new HashMap<>();
    for (Pod pod : pods) {
      byHash.computeIfAbsent(Pods.label(pod, TEMPLATE_HASH), k -> new ArrayList<>()).add(pod);
    }
    List<ReplicaSet> all = new ArrayList<>(sets);
    if (all.stream()
        .noneMatch(s -> s.getMetadata().getUid().equals(current.getMetadata().getUid()))) {
      all.add(current);
    }
    List<ReplicaSet> retired = new ArrayList<>();
    for (ReplicaSet set : all) {
      boolean isCurrent = set.getMetadata().getUid().equals(current.getMetadata().getUid());
      int replicas =
          isCurrent ? Objects.requireNonNullElse(deployment.getSpec().getReplicas(), 1) : 0;
      List<Pod> of = byHash.getOrDefault(hash(set), List.of());
      ReplicaSet latest = set;
      if (!Objects.equals(set.getSpec().getReplicas(), replicas)) {
        ReplicaSet scaled = round.api().copy(set);
        scaled.getSpec().setReplicas(replicas);
        round.write(() -> round.api().update(scaled));
        latest =
            round
                .caches()
                .replicaSets()
                .get(namespace(set), set.getMetadata().getName())
                .orElse(set);
      }
      ReplicaSetStatus status = status(latest, of);
      if (!status.equals(latest.getStatus())) {
        ReplicaSet counted = round.api().copy(latest);
        counted.setStatus(status);
        round.write(() -> round.api().updateStatus(counted));
      }
      if (!isCurrent && of.isEmpty()) {
        retired.add(set);
      }
    }
    int limit = Objects.requireNonNullElse(deployment.getSpec().getRevisionHistoryLimit(), 10);
    retired.sort(Comparator.comparingLong(ReplicaSets::revision));
    for (int i = 0; i < retired.size() - limit; i++) {
      ReplicaSet old = retired.get(i);
      round.write(() -> round.api().delete(old));
    }
  }

  private static ReplicaSetStatus status(ReplicaSet set, List<Pod> pods) {
    int ready = (int) pods.stream().filter(Pods::ready).count();
    return new ReplicaSetStatusBuilder()
        .withObservedGeneration(set.getMetadata().getGeneration())
        .withReplicas(pods.size())
        .withFullyLabeledReplicas(pods.size())
        .withReadyReplicas(ready)
        .withAvailableReplicas(ready)
        .build();
  }

  private static ReplicaSet newSet(Deployment deployment, String hash, long revision) {
    PodTemplateSpec template = Serialization.clone(deployment.getSpec().getTemplate());
    Map<String, String> labels = new HashMap<>();
    if (template.getMetadata().getLabels() != null) {
      labels.putAll(template.getMetadata().getLabels());
    }
    labels.put(TEMPLATE_HASH, hash);
    template.getMetadata().setLabels(labels);
    Map<String, String> selector = new HashMap<>();
    if (deployment.getSpec().getSelector().getMatchLabels() != null) {
      selector.putAll(deployment.getSpec().getSelector().getMatchLabels());
    }
    selector.put(TEMPLATE_HASH, hash);
    int replicas = Objects.requireNonNullElse(deployment.getSpec().getReplicas(), 1);
    return new ReplicaSetBuilder()
        .withNewMetadata()
        .withName(deployment.getMetadata().getName() + "-" + hash)
        .withNamespace(deployment.getMetadata().getNamespace())
        .withLabels(labels)
        .addToAnnotations(REVISION, Long.toString(revision))
        .addToAnnotations("deployment.kubernetes.io/desired-replicas", Integer.toString(replicas))
        .withOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion("apps/v1")
                .withKind("Deployment")
                .withName(deployment.getMetadata().getName())
                .withUid(deployment.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build())
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector()
        .withMatchLabels(selector)
        .withMatchExpressions(deployment.getSpec().getSelector().getMatchExpressions())
        .endSelector()
        .withTemplate(template)
        .endSpec()
        .build();
  }

  private static long revision(ReplicaSet set) {
    Map<String, String> annotations = set.getMetadata().getAnnotations();
    String revision = annotations == null ? null : annotations.get(REVISION);
    try {
      return revision == null ? 0 : Long.parseLong(revision);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String namespace(ReplicaSet set) {
    return set.getMetadata().getNamespace();
  }
}
