package io.containercloud.kubesim.cluster.controller;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A workload controller's pods, found by the label naming their owner ({@code namespace/name}), and
 * the garbage collector's part for them: the pods of an owner that is gone are deleted (background
 * propagation).
 */
final class OwnedPods {

  private OwnedPods() {}

  /** The pods not being deleted that carry {@code label}, by {@code namespace/<its value>}. */
  static Map<String, List<Pod>> byOwner(List<Pod> pods, String label) {
    Map<String, List<Pod>> byOwner = new HashMap<>();
    for (Pod pod : pods) {
      String owner = Pods.label(pod, label);
      if (owner != null && !Pods.deleting(pod)) {
        byOwner
            .computeIfAbsent(pod.getMetadata().getNamespace() + "/" + owner, k -> new ArrayList<>())
            .add(pod);
      }
    }
    return byOwner;
  }

  /** Deletes the pods of the owners not in {@code owners}. */
  static void deleteOrphans(
      Round round, PodControl podControl, Map<String, List<Pod>> byOwner, Set<String> owners) {
    byOwner.forEach(
        (owner, orphans) -> {
          if (!owners.contains(owner)) {
            orphans.forEach(p -> podControl.delete(round, p));
          }
        });
  }
}
