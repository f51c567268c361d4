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
 * tolerationSeconds} that long after this controller first saw it on the tainted node (when the
 * taint came, or when the pod did). Only taints someone set ({@code kubectl taint}): kube-sim's
 * nodes that fail turn NotReady without the {@code not-ready} taint, so drills keep their pods
 * where they were.
 */
final class TaintEviction implements Controller {

  private final PodControl pods;

  /** When each pod was first seen under each {@code NoExecute} taint it tolerates for a while. */
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
      if (!taints.isEmpty()) {
        noExecute.put(node.getMetadata().getName(), taints);
      }
    }
    Map<String, Map<String, Instant>> still = new HashMap<>();
    for (Pod pod : round.pods()) {
      List<Taint> taints =
          pod.getSpec() == null ? null : noExecute.get(pod.getSpec().getNodeName());
      if (taints == null || Pods.terminal(pod) || Pods.deleting(pod)) {
        continue;
      }
      String uid = pod.getMetadata().getUid();
      Map<String, Instant> first = seen.getOrDefault(uid, Map.of());
      Map<String, Instant> kept = new HashMap<>();
      Instant due = evictionTime(pod, taints, first, kept, round.now());
      if (!round.now().isBefore(due)) {
        pods.delete(round, pod);
        continue;
      }
      if (!due.equals(Instant.MAX)) {
        round.dueAt(due);
      }
      still.put(uid, kept);
    }
    seen.clear();
    seen.putAll(still);
  }

  /**
   * The earliest time a taint has the pod evicted ({@link Instant#MAX}: never); {@code kept} gets
   * when the pod was first seen under each taint it tolerates for a while.
   */
  private static Instant evictionTime(
      Pod pod,
      List<Taint> taints,
      Map<String, Instant> first,
      Map<String, Instant> kept,
      Instant now) {
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
        String id = taint.getKey() + "=" + taint.getValue();
        Instant since = first.getOrDefault(id, now);
        kept.put(id, since);
        Instant due = since.plusSeconds(Math.max(0, seconds));
        earliest = due.isBefore(earliest) ? due : earliest;
      }
    }
    return earliest;
  }
}
