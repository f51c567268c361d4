package io.containercloud.kubesim.cluster.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SchedulerTest {

  /** A Ready node of 4 CPUs, 8Gi and 10 pods. */
  private static final Node NODE =
      new NodeBuilder()
          .withNewMetadata()
          .withName("node-1")
          .endMetadata()
          .withNewStatus()
          .withAllocatable(
              Map.of(
                  "cpu", new Quantity("4"),
                  "memory", new Quantity("8Gi"),
                  "pods", new Quantity("10")))
          .addNewCondition()
          .withType("Ready")
          .withStatus("True")
          .endCondition()
          .endStatus()
          .build();

  /** An unbound pod {@code shop/api} asking for 1 CPU and 1Gi. */
  private static final Pod POD =
      new PodBuilder()
          .withNewMetadata()
          .withName("api")
          .withNamespace("shop")
          .addToLabels("app", "api")
          .endMetadata()
          .withNewSpec()
          .addNewContainer()
          .withName("api")
          .withNewResources()
          .withRequests(Map.of("cpu", new Quantity("1"), "memory", new Quantity("1Gi")))
          .endResources()
          .endContainer()
          .endSpec()
          .withNewStatus()
          .withPhase("Pending")
          .endStatus()
          .build();

  @Test
  void choosesTheNodeWithTheFewestPodsThenTheFirstByName() {
    List<Node> nodes = List.of(node("node-b"), node("node-a"), node("node-c"));

    assertThat(chosen(POD, nodes, List.of())).contains("node-a");
    assertThat(chosen(POD, nodes, List.of(on("node-a", POD)))).contains("node-b");
  }

  @Test
  void skipsNodesThatAreNotReady() {
    Node notReady =
        new NodeBuilder(node("node-a"))
            .editStatus()
            .withConditions(
                new NodeConditionBuilder().withType("Ready").withStatus("False").build())
            .endStatus()
            .build();

    assertThat(chosen(POD, List.of(notReady, node("node-b")), List.of())).contains("node-b");
    assertThat(chosen(POD, List.of(notReady), List.of())).isEmpty();
  }

  @Test
  void skipsNodesWhereTheCpuWouldNotFitAndFillsOnesExactly() {
    List<Node> nodes = List.of(node("node-a"), node("node-b"));
    List<Pod> busyA = List.of(on("node-a", sized("3500m", "1Gi")));
    List<Pod> fullA =
        List.of(on("node-a", sized("3", "1Gi")), on("node-b", POD), on("node-b", POD));

    assertThat(chosen(POD, nodes, busyA)).contains("node-b");
    assertThat(chosen(POD, nodes, fullA)).as("3 + 1 CPUs fill node-a exactly").contains("node-a");
  }

  @Test
  void skipsNodesWhereTheMemoryWouldNotFit() {
    List<Pod> pods = List.of(on("node-a", sized("100m", "7500Mi")));

    assertThat(chosen(POD, List.of(node("node-a"), node("node-b")), pods)).contains("node-b");
  }

  @Test
  void keepsOffTaintedNodesUnlessThePodToleratesTheTaint() {
    Node infra =
        new NodeBuilder(node("node-a"))
            .withNewSpec()
            .addNewTaint()
            .withKey("dedicated")
            .withValue("infra")
            .withEffect("NoSchedule")
            .endTaint()
            .addNewTaint()
            .withKey("slow")
            .withEffect("PreferNoSchedule")
            .endTaint()
            .endSpec()
            .build();
    List<Node> nodes = List.of(infra);

    assertThat(chosen(POD, nodes, List.of())).isEmpty();
    assertThat(
            chosen(tolerating(POD, "dedicated", "Equal", "infra", "NoSchedule"), nodes, List.of()))
        .contains("node-a");
    assertThat(chosen(tolerating(POD, "dedicated", "Equal", "other", null), nodes, List.of()))
        .isEmpty();
    assertThat(chosen(tolerating(POD, "dedicated", "Exists", null, null), nodes, List.of()))
        .contains("node-a");
    assertThat(chosen(tolerating(POD, null, "Exists", null, null), nodes, List.of()))
        .as("an empty key with Exists tolerates every taint")
        .contains("node-a");
    assertThat(chosen(tolerating(POD, "dedicated", "Exists", null, "NoExecute"), nodes, List.of()))
        .as("another effect")
        .isEmpty();
  }

  @Test
  void skipsNodesWithoutRoomForAnotherPod() {
    Node small =
        new NodeBuilder(node("node-a"))
            .editStatus()
            .addToAllocatable("pods", new Quantity("1"))
            .endStatus()
            .build();
    Pod tiny = sized("0", "0");

    assertThat(chosen(tiny, List.of(small), List.of())).contains("node-a");
    assertThat(chosen(tiny, List.of(small), List.of(on("node-a", tiny)))).isEmpty();
  }

  @Test
  void podsThatEndedOrAreBeingDeletedFreeWhatTheyAskedFor() {
    Pod ended =
        new PodBuilder(on("node-a", sized("4", "1Gi")))
            .editStatus()
            .withPhase("Succeeded")
            .endStatus()
            .build();
    Pod leaving =
        new PodBuilder(on("node-a", sized("4", "1Gi")))
            .editMetadata()
            .withDeletionTimestamp("2026-01-01T00:00:00Z")
            .endMetadata()
            .build();

    assertThat(chosen(POD, List.of(node("node-a")), List.of(ended, leaving))).contains("node-a");
    assertThat(chosen(POD, List.of(node("node-a")), List.of(on("node-a", sized("4", "1Gi")))))
        .isEmpty();
  }

  @Test
  void requiredAntiAffinityKeepsOffHostsRunningAMatchingPodOfTheSameNamespace() {
    Pod spread = requiredAntiAffinity();
    Pod otherNamespace =
        new PodBuilder(on("node-b", POD))
            .editMetadata()
            .withNamespace("other")
            .endMetadata()
            .build();
    List<Node> nodes = List.of(node("node-a"), node("node-b"));
    List<Pod> pods = List.of(on("node-a", POD), otherNamespace, on("node-b", web()));

    assertThat(chosen(POD, nodes, pods)).as("without affinity: fewest pods").contains("node-a");
    assertThat(chosen(spread, nodes, pods)).contains("node-b");
    assertThat(chosen(spread, nodes, List.of(on("node-a", POD), on("node-b", POD)))).isEmpty();
  }

  @Test
  void preferredAntiAffinityWeighsBeforeSpreading() {
    List<Node> nodes = List.of(node("node-a"), node("node-b"));
    List<Pod> pods = List.of(on("node-a", POD), on("node-b", web()), on("node-b", web()));

    assertThat(chosen(preferredAntiAffinity(50), nodes, pods)).contains("node-b");
    assertThat(
            chosen(preferredAntiAffinity(50), List.of(node("node-a")), List.of(on("node-a", POD))))
        .as("only a preference: with no other node the pod goes there all the same")
        .contains("node-a");
  }

  private static Optional<String> chosen(Pod pod, List<Node> nodes, List<Pod> pods) {
    return Scheduler.select(pod, nodes, new NodeLoads(pods)).map(n -> n.getMetadata().getName());
  }

  private static Pod tolerating(Pod pod, String key, String operator, String value, String effect) {
    return new PodBuilder(pod)
        .editSpec()
        .addNewToleration()
        .withKey(key)
        .withOperator(operator)
        .withValue(value)
        .withEffect(effect)
        .endToleration()
        .endSpec()
        .build();
  }

  private static Node node(String name) {
    return new NodeBuilder(NODE).editMetadata().withName(name).endMetadata().build();
  }

  private static Pod sized(String cpu, String memory) {
    return new PodBuilder(POD)
        .editSpec()
        .editFirstContainer()
        .editResources()
        .withRequests(Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory)))
        .endResources()
        .endContainer()
        .endSpec()
        .build();
  }

  private static Pod web() {
    return new PodBuilder(POD)
        .editMetadata()
        .withLabels(Map.of("app", "web"))
        .endMetadata()
        .build();
  }

  /** The pod bound to {@code node}, with the host address binding gives it. */
  private static Pod on(String node, Pod pod) {
    return new PodBuilder(pod)
        .editSpec()
        .withNodeName(node)
        .endSpec()
        .editOrNewStatus()
        .withHostIP("192.168.1.1")
        .endStatus()
        .build();
  }

  /** The pod, which must keep off hosts running an {@code app=api} pod. */
  private static Pod requiredAntiAffinity() {
    return withAffinity(
        new AffinityBuilder()
            .withNewPodAntiAffinity()
            .addNewRequiredDuringSchedulingIgnoredDuringExecution()
            .withTopologyKey("kubernetes.io/hostname")
            .withNewLabelSelector()
            .addToMatchLabels("app", "api")
            .endLabelSelector()
            .endRequiredDuringSchedulingIgnoredDuringExecution()
            .endPodAntiAffinity()
            .build());
  }

  /** The pod, which would rather keep off hosts running an {@code app=api} pod. */
  private static Pod preferredAntiAffinity(int weight) {
    return withAffinity(
        new AffinityBuilder()
            .withNewPodAntiAffinity()
            .addNewPreferredDuringSchedulingIgnoredDuringExecution()
            .withWeight(weight)
            .withNewPodAffinityTerm()
            .withTopologyKey("kubernetes.io/hostname")
            .withNewLabelSelector()
            .addToMatchLabels("app", "api")
            .endLabelSelector()
            .endPodAffinityTerm()
            .endPreferredDuringSchedulingIgnoredDuringExecution()
            .endPodAntiAffinity()
            .build());
  }

  private static Pod withAffinity(Affinity affinity) {
    return new PodBuilder(POD).editSpec().withAffinity(affinity).endSpec().build();
  }
}
