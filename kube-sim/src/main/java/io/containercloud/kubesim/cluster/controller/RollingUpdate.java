package io.containercloud.kubesim.cluster.controller;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDeployment;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * How far a Deployment may go from its replicas while its pods move to the current template: at
 * most {@code maxSurge} pods above them and {@code maxUnavailable} of them not Ready, each an
 * absolute number or a percentage of the replicas (25 % by default) that Kubernetes rounds up for
 * the surge and down for unavailability. Pure: pods in, the next step out.
 *
 * @param replicas the pods wanted
 * @param maxSurge how many pods more than {@code replicas} may exist
 * @param maxUnavailable how many of {@code replicas} may be not Ready
 */
record RollingUpdate(int replicas, int maxSurge, int maxUnavailable) {

  private static final IntOrString DEFAULT = new IntOrString("25%");

  static RollingUpdate of(Deployment deployment) {
    int replicas = Optional.ofNullable(deployment.getSpec().getReplicas()).orElse(1);
    RollingUpdateDeployment rolling =
        Optional.ofNullable(deployment.getSpec().getStrategy())
            .map(DeploymentStrategy::getRollingUpdate)
            .orElseGet(RollingUpdateDeployment::new);
    return new RollingUpdate(
        replicas,
        scaled(rolling.getMaxSurge(), replicas, RoundingMode.CEILING),
        scaled(rolling.getMaxUnavailable(), replicas, RoundingMode.FLOOR));
  }

  int maxPods() {
    return replicas + maxSurge;
  }

  int minAvailable() {
    return Math.max(0, replicas - maxUnavailable);
  }

  /**
   * The next step for pods of the current template and of older ones: create current ones up to
   * {@code replicas} within {@link #maxPods()}; delete current ones above {@code replicas}
   * (not-Ready, then newest first); delete old ones (not-Ready first) while the Ready pods that
   * stay are at least {@link #minAvailable()}.
   */
  Step next(List<Pod> current, List<Pod> old) {
    int create =
        Math.max(0, Math.min(replicas - current.size(), maxPods() - current.size() - old.size()));
    List<Pod> byRemoval = byRemovalOrder(current);
    int surplus = Math.max(0, current.size() - replicas);
    List<Pod> delete = new ArrayList<>(byRemoval.subList(0, surplus));
    long ready =
        byRemoval.subList(surplus, current.size()).stream().filter(Pods::ready).count()
            + old.stream().filter(Pods::ready).count();
    for (Pod pod : byRemovalOrder(old)) {
      boolean podReady = Pods.ready(pod);
      if (!podReady || ready - 1 >= minAvailable()) {
        delete.add(pod);
        ready -= podReady ? 1 : 0;
      }
    }
    return new Step(create, delete);
  }

  /**
   * What a Deployment's controller does next.
   *
   * @param create how many pods of the current template to create
   * @param delete which pods to delete, in this order
   */
  record Step(int create, List<Pod> delete) {

    Step {
      delete = List.copyOf(delete);
    }
  }

  /** Not-Ready first, then the newest (by start time; never started last). */
  private static List<Pod> byRemovalOrder(List<Pod> pods) {
    return pods.stream()
        .sorted(
            Comparator.comparing(Pods::ready)
                .thenComparing(
                    (Pod p) -> Optional.ofNullable(p.getStatus().getStartTime()).orElse(""),
                    Comparator.reverseOrder()))
        .toList();
  }

  /**
   * An absolute number, or a percentage of the replicas (25 % if unset), rounded from the exact
   * product as Kubernetes does: in binary floating point, 29 % of 100 would floor to 28.
   */
  static int scaled(IntOrString value, int replicas, RoundingMode rounding) {
    IntOrString setting = value == null ? DEFAULT : value;
    if (setting.getIntVal() != null) {
      return setting.getIntVal();
    }
    BigDecimal percent = new BigDecimal(setting.getStrVal().replace("%", "").trim());
    return percent
        .multiply(BigDecimal.valueOf(replicas))
        .divide(BigDecimal.valueOf(100), 0, rounding)
        .intValueExact();
  }
}
