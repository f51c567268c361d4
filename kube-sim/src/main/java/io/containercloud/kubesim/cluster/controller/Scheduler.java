package io.containercloud.kubesim.cluster.controller;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAntiAffinity;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The scheduler's choice of a node for one pod, from the nodes and the pods already placed. Pure:
 * it binds nothing, {@link PodControl} does.
 *
 * <p>A node qualifies when it is Ready, the pod's CPU, memory and one more pod fit in what its
 * allocatable leaves after the pods running there, and no pod that the pod's required anti-affinity
 * selects runs there (topology: the host; same namespace; {@code matchLabels} only). Among those
 * the fewest preferred anti-affinity conflicts (summed weights) win, then the fewest pods, then the
 * node's name, so the choice is deterministic.
 */
final class Scheduler {

  private Scheduler() {}

  static Optional<Node> select(Pod pod, List<Node> nodes, List<Pod> pods) {
    long cpu = Pods.requests(pod, "cpu", 1000);
    long memory = Pods.requests(pod, "memory", 1);
    return nodes.stream()
        .filter(Nodes::ready)
        .filter(node -> fits(node, pods, cpu, memory))
        .filter(node -> !violatesRequired(pod, node, pods))
        .min(
            Comparator.comparingLong((Node node) -> preferredConflicts(pod, node, pods))
                .thenComparingLong(node -> podsOn(node, pods).count())
                .thenComparing(node -> node.getMetadata().getName()));
  }

  private static boolean fits(Node node, List<Pod> pods, long cpu, long memory) {
    Map<String, Quantity> allocatable = node.getStatus().getAllocatable();
    long usedCpu = podsOn(node, pods).mapToLong(p -> Pods.requests(p, "cpu", 1000)).sum();
    long usedMemory = podsOn(node, pods).mapToLong(p -> Pods.requests(p, "memory", 1)).sum();
    long count = podsOn(node, pods).count();
    return usedCpu + cpu <= Pods.amount(allocatable.get("cpu"), 1000)
        && usedMemory + memory <= Pods.amount(allocatable.get("memory"), 1)
        && count + 1 <= Pods.amount(allocatable.get("pods"), 1);
  }

  private static boolean violatesRequired(Pod pod, Node node, List<Pod> pods) {
    List<PodAffinityTerm> terms =
        antiAffinity(pod)
            .map(PodAntiAffinity::getRequiredDuringSchedulingIgnoredDuringExecution)
            .orElse(null);
    return terms != null && terms.stream().anyMatch(t -> matchesOn(t, pod, node, pods));
  }

  private static long preferredConflicts(Pod pod, Node node, List<Pod> pods) {
    List<WeightedPodAffinityTerm> terms =
        antiAffinity(pod)
            .map(PodAntiAffinity::getPreferredDuringSchedulingIgnoredDuringExecution)
            .orElse(null);
    if (terms == null) {
      return 0;
    }
    return terms.stream()
        .filter(t -> matchesOn(t.getPodAffinityTerm(), pod, node, pods))
        .mapToLong(t -> Optional.ofNullable(t.getWeight()).orElse(1))
        .sum();
  }

  private static Optional<PodAntiAffinity> antiAffinity(Pod pod) {
    return Optional.ofNullable(pod.getSpec().getAffinity()).map(a -> a.getPodAntiAffinity());
  }

  /** Whether a pod matching the term's selector runs on this node (topology: the host). */
  private static boolean matchesOn(PodAffinityTerm term, Pod pod, Node node, List<Pod> pods) {
    String namespace = pod.getMetadata().getNamespace();
    return podsOn(node, pods)
        .filter(p -> namespace.equals(p.getMetadata().getNamespace()))
        .anyMatch(p -> selects(term.getLabelSelector(), p.getMetadata().getLabels()));
  }

  private static boolean selects(LabelSelector selector, Map<String, String> labels) {
    if (selector == null || labels == null) {
      return false;
    }
    Map<String, String> match = selector.getMatchLabels();
    return match != null
        && !match.isEmpty()
        && match.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  /** The pods that hold the node's resources: bound there, neither ended nor being deleted. */
  private static Stream<Pod> podsOn(Node node, List<Pod> pods) {
    String name = node.getMetadata().getName();
    return pods.stream()
        .filter(p -> p.getSpec() != null && name.equals(p.getSpec().getNodeName()))
        .filter(p -> !Pods.deleting(p))
        .filter(p -> !Pods.terminal(p));
  }
}
