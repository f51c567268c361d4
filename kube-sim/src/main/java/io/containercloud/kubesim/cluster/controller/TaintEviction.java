package io.containercloud.kubesim.cluster.controller;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The taint manager: a pod on a node with a {@code NoExecute} taint it does not tolerate is evicted
 * (deleted: its owner makes a new one where it may run), one that tolerates it for {@code
 * tolerationSeconds} that long after the taint was added (its {@code timeAdded}, else when this
 * controller first saw it). Only taints someone set ({@code kubectl taint}): kube-sim's nodes that
 * fail turn NotReady without the {@code not-ready} taint, so drills keep their pods where they
 * were.
 */
final class TaintEviction implements Controller {

  private final PodControl pods;

  /** When each {@code NoExecute} taint without {@code timeAdded} was first seen, by node. */
  private final Map<String, Map<String, Instant>> seen = new HashMap<>();

  TaintEviction(PodControl pods) {
    this.pods = pods;
  }

  @Override
  public void reconcile(Round round) {
    Map<String, List<Taint>> noExecute = new HashMap<>();
    for (Node node : round.nodes()) {
      List<Taint> taints =
          Optional.ofNullable(node.getSpec() == null ? null : node.getSpec().getTaints())
              .orElse(List.of())
              .stream()
              .filter(t -> "NoExecute".equals(t.getEffect()))
              .toList();
      String name = node.getMetadata().getName();
      if (taints.isEmpty()) {
        seen.remove(name);
      } else {
        noExecute.put(name, taints);
        Map<String, Instant> first = seen.computeIfAbsent(name, n -> new HashMap<>());
        first.keySet().retainAll(taints.stream().map(TaintEviction::id).toList());
        taints.forEach(t -> first.putIfAbsent(id(t), round.now()));
      }
    }
    seen.keySet().retainAll(round.nodes().stream().map(n -> n.getMetadata().getName()).toList());
    if (noExecute.isEmpty()) {
      return;
    }
    for (Pod pod : round.pods()) {
      String node = pod.getSpec().getNodeName();
      if (node != null
          && noExecute.containsKey(node)
          && !Pods.terminal(pod)
          && !Pods.deleting(pod)) {
        Instant due = evictionTime(pod, node, noExecute.get(node));
        if (!round.now().isBefore(due)) {
          pods.delete(round, pod);
        } else if (!due.equals(Instant.MAX)) {
          round.dueAt(due);
        }
      }
    }
  }

  /** The earliest time a taint of the node has the pod evicted; {@link Instant#MAX} for never. */
  private Instant evictionTime(Pod pod, String node, List<Taint> taints) {
    List<Toleration> tolerations =
        Optional.ofNullable(pod.getSpec().getTolerations()).orElse(List.of());
    Instant earliest = Instant.MAX;
    for (Taint taint : taints) {
      Optional<Toleration> toleration =
          tolerations.stream().filter(t -> Scheduler.tolerates(t, taint)).findFirst();
      if (toleration.isEmpty()) {
        return Instant.MIN;
      }
      Long seconds = toleration.get().getTolerationSeconds();
      if (seconds != null) {
        Instant added =
            taint.getTimeAdded() != null
                ? Instant.parse(taint.getTimeAdded())
                : seen.get(node).get(id(taint));
        Instant due = added.plusSeconds(Math.max(0, seconds));
        earliest = due.isBefore(earliest) ? due : earliest;
      }
    }
    return earliest;
  }

  private static String id(Taint taint) {
    return taint.getKey() + "=" + taint.getValue();
  }
}
