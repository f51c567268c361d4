package io.containercloud.kubesim.cluster.controller;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAntiAffinity;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The scheduler's choice of a node for one pod, from the nodes and the pods already placed on them
 * ({@link NodeLoads}). Pure: it binds nothing, {@link PodControl} does.
 *
 * <p>A node qualifies when it is Ready, carries every label of the pod's {@code nodeSelector}, has
 * no {@code NoSchedule} or {@code NoExecute} taint the pod does not tolerate, the pod's CPU, memory
 * and one more pod fit in what its allocatable leaves after the pods running there, and no pod that
 * the pod's required anti-affinity selects runs there (topology: the host; same namespace; {@code
 * matchLabels} only). Among those the fewest preferred anti-affinity conflicts (summed weights)
 * win, then the fewest pods, then the node's name, so the choice is deterministic.
 */
final class Scheduler {

  private Scheduler() {}

  static Optional<Node> select(Pod pod, List<Node> nodes, NodeLoads loads) {
    long cpu = Pods.requests(pod, "cpu", 1000);
    long memory = Pods.requests(pod, "memory", 1);
    return nodes.stream()
        .filter(Nodes::ready)
        .filter(node -> selected(pod, node))
        .filter(node -> tolerated(pod, node))
        .filter(node -> fits(node, loads, cpu, memory))
        .filter(node -> !violatesRequired(pod, node, loads))
        .min(
            Comparator.comparingLong((Node node) -> preferredConflicts(pod, node, loads))
                .thenComparingLong(node -> podsOn(node, loads).size())
                .thenComparing(node -> node.getMetadata().getName()));
  }

  /** Whether the pod tolerates every taint of the node that keeps pods off it. */
  static boolean tolerated(Pod pod, Node node) {
    List<Taint> taints = node.getSpec() == null ? null : node.getSpec().getTaints();
    if (taints == null) {
      return true;
    }
    List<Toleration> tolerations = pod.getSpec().getTolerations();
    return taints.stream()
        .filter(t -> !"PreferNoSchedule".equals(t.getEffect()))
        .allMatch(
            taint ->
                tolerations != null && tolerations.stream().anyMatch(t -> tolerates(t, taint)));
  }

  /** A toleration's match of a taint, as Kubernetes' {@code ToleratesTaint}. */
  static boolean tolerates(Toleration toleration, Taint taint) {
    String effect = toleration.getEffect();
    if (effect != null && !effect.isEmpty() && !effect.equals(taint.getEffect())) {
      return false;
    }
    String key = toleration.getKey();
    if ("Exists".equals(toleration.getOperator())) {
      return key == null || key.isEmpty() || key.equals(taint.getKey());
    }
    return Objects.equals(key, taint.getKey())
        && Objects.equals(
            Objects.requireNonNullElse(toleration.getValue(), ""),
            Objects.requireNonNullElse(taint.getValue(), ""));
  }

  /** The pod's {@code nodeSelector}: every label it names, on the node with that value. */
  static boolean selected(Pod pod, Node node) {
    Map<String, String> wanted = pod.getSpec().getNodeSelector();
    if (wanted == null || wanted.isEmpty()) {
      return true;
    }
    Map<String, String> labels = node.getMetadata().getLabels();
    return labels != null && labels.entrySet().containsAll(wanted.entrySet());
  }

  private static boolean fits(Node node, NodeLoads loads, long cpu, long memory) {
    Map<String, Quantity> allocatable = node.getStatus().getAllocatable();
    NodeLoads.Load load = loads.on(node.getMetadata().getName());
    return load.cpu() + cpu <= Pods.amount(allocatable.get("cpu"), 1000)
        && load.memory() + memory <= Pods.amount(allocatable.get("memory"), 1)
        && load.pods().size() + 1 <= Pods.amount(allocatable.get("pods"), 1);
  }

  private static boolean violatesRequired(Pod pod, Node node, NodeLoads loads) {
    List<PodAffinityTerm> terms =
        antiAffinity(pod)
            .map(PodAntiAffinity::getRequiredDuringSchedulingIgnoredDuringExecution)
            .orElse(null);
    return terms != null && terms.stream().anyMatch(t -> matchesOn(t, pod, node, loads));
  }

  private static long preferredConflicts(Pod pod, Node node, NodeLoads loads) {
    List<WeightedPodAffinityTerm> terms =
        antiAffinity(pod)
            .map(PodAntiAffinity::getPreferredDuringSchedulingIgnoredDuringExecution)
            .orElse(null);
    if (terms == null) {
      return 0;
    }
    return terms.stream()
        .filter(t -> matchesOn(t.getPodAffinityTerm(), pod, node, loads))
        .mapToLong(t -> Optional.ofNullable(t.getWeight()).orElse(1))
        .sum();
  }

  private static Optional<PodAntiAffinity> antiAffinity(Pod pod) {
    return Optional.ofNullable(pod.getSpec().getAffinity()).map(a -> a.getPodAntiAffinity());
  }

  /** Whether a pod matching the term's selector runs on this node (topology: the host). */
  private static boolean matchesOn(PodAffinityTerm term, Pod pod, Node node, NodeLoads loads) {
    String namespace = pod.getMetadata().getNamespace();
    return podsOn(node, loads).stream()
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

  private static List<Pod> podsOn(Node node, NodeLoads loads) {
    return loads.on(node.getMetadata().getName()).pods();
  }
}
