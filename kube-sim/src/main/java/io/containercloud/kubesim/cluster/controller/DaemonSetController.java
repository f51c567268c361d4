package io.containercloud.kubesim.cluster.controller;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetUpdateStrategy;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDaemonSet;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The DaemonSet controller: a pod of each DaemonSet on every Ready node that carries the labels of
 * its template's {@code nodeSelector} and whose {@code NoSchedule} and {@code NoExecute} taints it
 * tolerates, bound to that node (where it fits; else it stays Pending), with the tolerations the
 * real controller adds (not-ready, unreachable, unschedulable, disk, memory and PID pressure). A
 * template change replaces the pods node by node, never more than {@code maxUnavailable} (1 by
 * default) of the nodes without a Ready pod ({@code RollingUpdate}), or only as pods are deleted
 * ({@code OnDelete}). Pods on nodes that no longer qualify, and those of a DaemonSet that is gone,
 * are deleted. Status: desired, current, ready, available, unavailable, updated and misscheduled
 * counts, and the generation observed.
 */
final class DaemonSetController implements Controller {

  static final String OWNER = "kube-sim/daemonset";
  private static final String REVISION = "controller-revision-hash";

  private static final List<Toleration> ADDED =
      List.of(
          toleration("node.kubernetes.io/not-ready", "NoExecute"),
          toleration("node.kubernetes.io/unreachable", "NoExecute"),
          toleration("node.kubernetes.io/disk-pressure", "NoSchedule"),
          toleration("node.kubernetes.io/memory-pressure", "NoSchedule"),
          toleration("node.kubernetes.io/pid-pressure", "NoSchedule"),
          toleration("node.kubernetes.io/unschedulable", "NoSchedule"));

  private final PodControl podControl;

  DaemonSetController(PodControl podControl) {
    this.podControl = podControl;
  }

  @Override
  public void reconcile(Round round) {
    Map<String, List<Pod>> byOwner = OwnedPods.byOwner(round.pods(), OWNER);
    Set<String> sets = new HashSet<>();
    for (DaemonSet set : round.caches().daemonSets().list()) {
      String key = set.getMetadata().getNamespace() + "/" + set.getMetadata().getName();
      sets.add(key);
      reconcile(round, set, byOwner.getOrDefault(key, List.of()));
    }
    OwnedPods.deleteOrphans(round, podControl, byOwner, sets);
  }

  private void reconcile(Round round, DaemonSet set, List<Pod> owned) {
    PodTemplateSpec template = template(set);
    String hash = DeploymentController.hash(template);
    Pod probe = new Pod(null, null, template.getMetadata(), template.getSpec(), null);
    List<Node> eligible =
        round.nodes().stream()
            .filter(Nodes::ready)
            .filter(node -> Scheduler.selected(probe, node))
            .filter(node -> Scheduler.tolerated(probe, node))
            .toList();
    Set<String> eligibleNames = new HashSet<>();
    eligible.forEach(node -> eligibleNames.add(node.getMetadata().getName()));

    Map<String, Pod> byNode = new HashMap<>();
    int misscheduled = 0;
    for (Pod pod : owned) {
      String node = PodControl.node(pod);
      if (node != null && eligibleNames.contains(node) && !byNode.containsKey(node)) {
        byNode.put(node, pod);
      } else {
        misscheduled += pod.getSpec().getNodeName() == null ? 0 : 1;
        podControl.delete(round, pod); // for a node that no longer qualifies, or a second one
      }
    }

    List<Pod> counted = new ArrayList<>();
    for (Node node : eligible) {
      Pod pod = byNode.get(node.getMetadata().getName());
      if (pod == null) {
        counted.add(podControl.create(round, owner(set, template, hash), node));
      } else {
        counted.add(pod);
      }
    }
    if (rollingUpdate(set)) {
      replaceOld(round, set, counted, hash, eligible.size());
    }
    round.writeStatus(
        set,
        set.getStatus(),
        status(set, counted, hash, eligible.size(), misscheduled),
        DaemonSet::setStatus);
  }

  /**
   * Deletes old pods, not-Ready ones first, while the nodes without a Ready pod stay within bounds.
   */
  private void replaceOld(Round round, DaemonSet set, List<Pod> pods, String hash, int desired) {
    int maxUnavailable =
        Math.max(
            1,
            RollingUpdate.scaled(
                Optional.ofNullable(set.getSpec().getUpdateStrategy())
                    .map(DaemonSetUpdateStrategy::getRollingUpdate)
                    .map(RollingUpdateDaemonSet::getMaxUnavailable)
                    .orElse(new IntOrString(1)),
                desired,
                RoundingMode.CEILING));
    long unavailable = pods.stream().filter(p -> !Pods.ready(p)).count();
    for (Pod pod : pods) {
      if (hash.equals(Pods.label(pod, REVISION))) {
        continue;
      }
      if (!Pods.ready(pod)) {
        podControl.delete(round, pod);
      } else if (unavailable < maxUnavailable) {
        podControl.delete(round, pod);
        unavailable++;
      }
    }
  }

  private static DaemonSetStatus status(
      DaemonSet set, List<Pod> pods, String hash, int desired, int misscheduled) {
    int ready = (int) pods.stream().filter(Pods::ready).count();
    int updated = (int) pods.stream().filter(p -> hash.equals(Pods.label(p, REVISION))).count();
    return new DaemonSetStatusBuilder()
        .withObservedGeneration(set.getMetadata().getGeneration())
        .withDesiredNumberScheduled(desired)
        .withCurrentNumberScheduled(
            (int) pods.stream().filter(p -> p.getSpec().getNodeName() != null).count())
        .withNumberReady(ready)
        .withNumberAvailable(ready)
        .withNumberUnavailable(desired - ready)
        .withUpdatedNumberScheduled(updated)
        .withNumberMisscheduled(misscheduled)
        .build();
  }

  private static boolean rollingUpdate(DaemonSet set) {
    DaemonSetUpdateStrategy strategy = set.getSpec().getUpdateStrategy();
    return strategy == null || !"OnDelete".equals(strategy.getType());
  }

  /** The set's template with the tolerations every daemon pod gets. */
  private static PodTemplateSpec template(DaemonSet set) {
    PodTemplateSpec template = Serialization.clone(set.getSpec().getTemplate());
    List<Toleration> tolerations =
        new ArrayList<>(Optional.ofNullable(template.getSpec().getTolerations()).orElse(List.of()));
    for (Toleration added : ADDED) {
      if (tolerations.stream().noneMatch(t -> added.getKey().equals(t.getKey()))) {
        tolerations.add(added);
      }
    }
    template.getSpec().setTolerations(tolerations);
    return template;
  }

  private static PodControl.Owner owner(DaemonSet set, PodTemplateSpec template, String hash) {
    String name = set.getMetadata().getName();
    return new PodControl.Owner(
        set, "apps/v1", template, name + "-" + hash, Map.of(OWNER, name, REVISION, hash));
  }

  private static Toleration toleration(String key, String effect) {
    return new TolerationBuilder().withKey(key).withOperator("Exists").withEffect(effect).build();
  }
}
