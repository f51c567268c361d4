package io.containercloud.kubesim.cluster.controller;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The StatefulSet controller: pods {@code <set>-0} to {@code <set>-<replicas-1>}, each with stable
 * name, hostname and the set's service as subdomain, and a claim per volume claim template ({@code
 * <template>-<set>-<ordinal>}, made before its pod and kept when the pod or the set goes, unless
 * the retention policy says Delete). {@code OrderedReady} (the default) makes a pod only when those
 * before it are Ready and removes from the highest ordinal, one at a time; {@code Parallel} makes
 * and removes them all at once. A template change replaces pods from the highest ordinal down, one
 * at a time and only while all are Ready, down to the {@code partition}; {@code OnDelete} waits for
 * pods to be deleted. Status: replicas, ready, available, current and updated counts and revisions,
 * the generation observed. A deleted set's pods are deleted.
 */
final class StatefulSetController implements Controller {

  static final String OWNER = "kube-sim/statefulset";
  private static final String REVISION = "controller-revision-hash";

  private final PodControl podControl;

  StatefulSetController(PodControl podControl) {
    this.podControl = podControl;
  }

  @Override
  public void reconcile(Round round) {
    Map<String, List<Pod>> byOwner = OwnedPods.byOwner(round.pods(), OWNER);
    Set<String> sets = new HashSet<>();
    for (StatefulSet set : round.caches().statefulSets().list()) {
      String key = set.getMetadata().getNamespace() + "/" + set.getMetadata().getName();
      sets.add(key);
      reconcile(round, set, byOwner.getOrDefault(key, List.of()));
    }
    OwnedPods.deleteOrphans(round, podControl, byOwner, sets);
  }

  private void reconcile(Round round, StatefulSet set, List<Pod> owned) {
    String name = set.getMetadata().getName();
    int replicas = Objects.requireNonNullElse(set.getSpec().getReplicas(), 1);
    boolean parallel = "Parallel".equals(set.getSpec().getPodManagementPolicy());
    String revision = name + "-" + DeploymentController.hash(set.getSpec().getTemplate());
    Map<Integer, Pod> byOrdinal = new HashMap<>();
    for (Pod pod : owned) {
      byOrdinal.put(ordinal(pod, name), pod);
    }

    // beyond the replicas: the highest first (all at once with Parallel)
    List<Integer> surplus =
        byOrdinal.keySet().stream().filter(i -> i >= replicas).sorted((a, b) -> b - a).toList();
    for (int i = 0; i < surplus.size() && (parallel || i == 0); i++) {
      podControl.delete(round, byOrdinal.remove(surplus.get(i)));
      removeClaims(round, set, surplus.get(i), "whenScaled");
    }

    List<Pod> counted = new ArrayList<>();
    for (int i = 0; i < replicas; i++) {
      Pod pod = byOrdinal.get(i);
      if (pod == null) {
        if (!parallel && !allReady(byOrdinal, i)) {
          break;
        }
        claims(round, set, i);
        counted.add(podControl.create(round, owner(set, i, revision), name + "-" + i));
        if (!parallel) {
          break; // the next one once this one is Ready
        }
      } else {
        counted.add(pod);
      }
    }
    if (!"OnDelete".equals(type(set)) && counted.size() == replicas) {
      replaceOld(round, set, counted, revision, parallel);
    }
    round.writeStatus(set, set.getStatus(), status(set, counted, revision), StatefulSet::setStatus);
  }

  /** The highest pod not of the current revision, down to the partition, while all are Ready. */
  private void replaceOld(
      Round round, StatefulSet set, List<Pod> pods, String revision, boolean parallel) {
    int partition =
        Optional.ofNullable(set.getSpec().getUpdateStrategy().getRollingUpdate())
            .map(r -> Objects.requireNonNullElse(r.getPartition(), 0))
            .orElse(0);
    if (!pods.stream().allMatch(Pods::ready)) {
      return;
    }
    for (int i = pods.size() - 1; i >= partition; i--) {
      Pod pod = pods.get(i);
      if (!revision.equals(Pods.label(pod, REVISION))) {
        podControl.delete(round, pod);
        if (!parallel) {
          return;
        }
      }
    }
  }

  private static boolean allReady(Map<Integer, Pod> byOrdinal, int below) {
    for (int i = 0; i < below; i++) {
      Pod pod = byOrdinal.get(i);
      if (pod == null || !Pods.ready(pod)) {
        return false;
      }
    }
    return true;
  }

  /** The claims of ordinal {@code i}, made when missing. */
  private static void claims(Round round, StatefulSet set, int i) {
    for (PersistentVolumeClaim template :
        Optional.ofNullable(set.getSpec().getVolumeClaimTemplates()).orElse(List.of())) {
      String claim = claimName(template, set, i);
      String namespace = set.getMetadata().getNamespace();
      if (round.caches().claims().get(namespace, claim).isPresent()) {
        continue;
      }
      PersistentVolumeClaim made =
          new PersistentVolumeClaimBuilder()
              .withNewMetadata()
              .withName(claim)
              .withNamespace(namespace)
              .withLabels(set.getSpec().getSelector().getMatchLabels())
              .endMetadata()
              .withSpec(Serialization.clone(template.getSpec()))
              .build();
      round.write(() -> round.api().create(made));
    }
  }

  /** The claims of ordinal {@code i} when the retention policy's {@code when} says Delete. */
  private static void removeClaims(Round round, StatefulSet set, int i, String when) {
    var policy = set.getSpec().getPersistentVolumeClaimRetentionPolicy();
    String rule =
        policy == null
            ? "Retain"
            : when.equals("whenScaled") ? policy.getWhenScaled() : policy.getWhenDeleted();
    if (!"Delete".equals(rule)) {
      return;
    }
    for (PersistentVolumeClaim template :
        Optional.ofNullable(set.getSpec().getVolumeClaimTemplates()).orElse(List.of())) {
      round
          .caches()
          .claims()
          .get(set.getMetadata().getNamespace(), claimName(template, set, i))
          .ifPresent(claim -> round.write(() -> round.api().delete(claim)));
    }
  }

  private static String claimName(PersistentVolumeClaim template, StatefulSet set, int i) {
    return template.getMetadata().getName() + "-" + set.getMetadata().getName() + "-" + i;
  }

  private static PodControl.Owner owner(StatefulSet set, int i, String revision) {
    String name = set.getMetadata().getName();
    PodTemplateSpec template = Serialization.clone(set.getSpec().getTemplate());
    template.getSpec().setHostname(name + "-" + i);
    template.getSpec().setSubdomain(set.getSpec().getServiceName());
    List<Volume> volumes =
        new ArrayList<>(Optional.ofNullable(template.getSpec().getVolumes()).orElse(List.of()));
    for (PersistentVolumeClaim claim :
        Optional.ofNullable(set.getSpec().getVolumeClaimTemplates()).orElse(List.of())) {
      volumes.add(
          new VolumeBuilder()
              .withName(claim.getMetadata().getName())
              .withNewPersistentVolumeClaim()
              .withClaimName(claimName(claim, set, i))
              .endPersistentVolumeClaim()
              .build());
    }
    template.getSpec().setVolumes(volumes);
    return new PodControl.Owner(
        set,
        "apps/v1",
        template,
        name,
        Map.of(
            OWNER,
            name,
            REVISION,
            revision,
            "statefulset.kubernetes.io/pod-name",
            name + "-" + i,
            "apps.kubernetes.io/pod-index",
            Integer.toString(i)));
  }

  private static int ordinal(Pod pod, String set) {
    try {
      return Integer.parseInt(pod.getMetadata().getName().substring(set.length() + 1));
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      return Integer.MAX_VALUE; // not one of its names: removed as surplus
    }
  }

  private static String type(StatefulSet set) {
    return set.getSpec().getUpdateStrategy() == null
        ? "RollingUpdate"
        : set.getSpec().getUpdateStrategy().getType();
  }

  private static StatefulSetStatus status(StatefulSet set, List<Pod> pods, String revision) {
    int ready = (int) pods.stream().filter(Pods::ready).count();
    int updated = (int) pods.stream().filter(p -> revision.equals(Pods.label(p, REVISION))).count();
    String current =
        updated == pods.size()
            ? revision
            : pods.stream()
                .map(p -> Pods.label(p, REVISION))
                .filter(r -> !revision.equals(r))
                .findFirst()
                .orElse(revision);
    return new StatefulSetStatusBuilder()
        .withObservedGeneration(set.getMetadata().getGeneration())
        .withReplicas(pods.size())
        .withReadyReplicas(ready)
        .withAvailableReplicas(ready)
        .withCurrentReplicas(updated == pods.size() ? pods.size() : pods.size() - updated)
        .withUpdatedReplicas(updated)
        .withCurrentRevision(current)
        .withUpdateRevision(revision)
        .build();
  }
}
