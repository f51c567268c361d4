package io.containercloud.kubesim.cluster.controller;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** Pod facts several controllers read. */
final class Pods {

  private Pods() {}

  static boolean ready(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /**
   * On its node, with the addresses and start time binding gave it; a pod made with {@code
   * spec.nodeName} has neither until {@link PodScheduler} admits it.
   */
  static boolean admitted(Pod pod) {
    return pod.getSpec() != null
        && pod.getSpec().getNodeName() != null
        && pod.getStatus() != null
        && pod.getStatus().getHostIP() != null;
  }

  /** Ended ({@code Succeeded} or {@code Failed}): it holds no node resources any more. */
  static boolean terminal(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  static boolean deleting(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() != null;
  }

  /** The uid of the object that controls the pod, if one does. */
  static String controller(Pod pod) {
    List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
    if (owners != null) {
      for (OwnerReference owner : owners) {
        if (Boolean.TRUE.equals(owner.getController())) {
          return owner.getUid();
        }
      }
    }
    return null;
  }

  static String label(Pod pod, String key) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return labels == null ? null : labels.get(key);
  }

  static PodCondition condition(String type, String status, String reason) {
    PodCondition condition = new PodCondition();
    condition.setType(type);
    condition.setStatus(status);
    condition.setReason(reason);
    return condition;
  }

  /** The pod's total request of a resource, times {@code scale} (1000: CPU in millicores). */
  static long requests(Pod pod, String resource, int scale) {
    long sum = 0;
    for (Container container : pod.getSpec().getContainers()) {
      if (container.getResources() != null && container.getResources().getRequests() != null) {
        sum += amount(container.getResources().getRequests().get(resource), scale);
      }
    }
    return sum;
  }

  /** A quantity times {@code scale}, truncated; none counts as 0. */
  static long amount(Quantity quantity, int scale) {
    if (quantity == null) {
      return 0;
    }
    BigDecimal value = Quantity.getAmountInBytes(quantity);
    return value.multiply(BigDecimal.valueOf(scale)).longValue();
  }
}
