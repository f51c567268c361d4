package io.containercloud.kubesim.cluster.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RollingUpdateTest {

  /** Four replicas, no strategy given. */
  private static final Deployment DEPLOYMENT =
      new DeploymentBuilder()
          .withNewMetadata()
          .withName("api")
          .withNamespace("shop")
          .endMetadata()
          .withNewSpec()
          .withReplicas(4)
          .endSpec()
          .build();

  @Test
  void withoutAStrategyAQuarterIsRoundedUpForSurgeAndDownForUnavailability() {
    assertThat(RollingUpdate.of(replicas(10))).isEqualTo(new RollingUpdate(10, 3, 2));
    assertThat(RollingUpdate.of(replicas(1))).isEqualTo(new RollingUpdate(1, 1, 0));
    assertThat(RollingUpdate.of(rolling(null, new IntOrString(0))))
        .as("a rolling update that leaves maxSurge out")
        .isEqualTo(new RollingUpdate(4, 1, 0));
  }

  @Test
  void absoluteNumbersAreTakenAsGiven() {
    RollingUpdate update = RollingUpdate.of(rolling(new IntOrString(2), new IntOrString(0)));

    assertThat(update).isEqualTo(new RollingUpdate(4, 2, 0));
    assertThat(update.maxPods()).isEqualTo(6);
    assertThat(update.minAvailable()).isEqualTo(4);
  }

  @Test
  void percentagesRoundSurgeUpAndUnavailabilityDown() {
    Deployment deployment = rolling(new IntOrString("30%"), new IntOrString("30%"));
    deployment.getSpec().setReplicas(5);

    assertThat(RollingUpdate.of(deployment)).isEqualTo(new RollingUpdate(5, 2, 1));
  }

  @Test
  void percentagesAreRoundedFromTheExactProduct() {
    Deployment deployment = rolling(new IntOrString("7%"), new IntOrString("29%"));
    deployment.getSpec().setReplicas(100);

    // in doubles 100 * 0.07 is 7.000000000000001 and 100 * 0.29 is 28.999999999999996
    assertThat(RollingUpdate.of(deployment)).isEqualTo(new RollingUpdate(100, 7, 29));
  }

  @Test
  void noReplicasGivenMeansOne() {
    assertThat(RollingUpdate.of(replicas(null)).replicas()).isEqualTo(1);
  }

  @Test
  void zeroReplicasDeleteEveryPodAndCreateNone() {
    RollingUpdate update = RollingUpdate.of(replicas(0));
    Pod current = pod("a", true, "10:00");
    Pod old = pod("b", true, "09:00");

    assertThat(update).isEqualTo(new RollingUpdate(0, 0, 0));
    assertThat(update.next(List.of(current), List.of(old)))
        .isEqualTo(new RollingUpdate.Step(0, List.of(current, old)));
  }

  @Test
  void scalingUpCreatesAllMissingPodsAtOnce() {
    assertThat(new RollingUpdate(5, 1, 1).next(List.of(pod("a", true, "10:00")), List.of()))
        .isEqualTo(new RollingUpdate.Step(4, List.of()));
  }

  @Test
  void scalingDownDeletesNotReadyPodsFirstThenTheNewest() {
    Pod first = pod("first", true, "10:00");
    Pod newest = pod("newest", true, "10:02");
    Pod starting = pod("starting", false, "10:01");
    Pod middle = pod("middle", true, "10:01");

    assertThat(new RollingUpdate(2, 1, 1).next(List.of(first, newest, starting, middle), List.of()))
        .isEqualTo(new RollingUpdate.Step(0, List.of(starting, newest)));
  }

  @Test
  void aRolloutStartsWithinTheSurgeAndTheUnavailabilityAllowed() {
    List<Pod> old = olds(4);

    assertThat(new RollingUpdate(4, 1, 1).next(List.of(), old))
        .as("one new pod above the replicas, one old one below them")
        .isEqualTo(new RollingUpdate.Step(1, List.of(old.get(3))));
    assertThat(new RollingUpdate(4, 1, 0).next(List.of(), old))
        .isEqualTo(new RollingUpdate.Step(1, List.of()));
    assertThat(new RollingUpdate(4, 0, 1).next(List.of(), old))
        .isEqualTo(new RollingUpdate.Step(0, List.of(old.get(3))));
  }

  @Test
  void oldPodsGoOnlyOnceNewOnesAreReady() {
    List<Pod> old = olds(4);
    Pod fresh = pod("new-1", false, "11:00");
    RollingUpdate update = new RollingUpdate(4, 1, 0);

    assertThat(update.next(List.of(fresh), old)).isEqualTo(new RollingUpdate.Step(0, List.of()));
    Pod ready = pod("new-1", true, "11:00");
    assertThat(update.next(List.of(ready), old))
        .isEqualTo(new RollingUpdate.Step(0, List.of(old.get(3))));
  }

  @Test
  void oldPodsThatAreNotReadyGoWhateverIsAvailable() {
    Pod broken = pod("broken", false, "09:00");
    List<Pod> old = List.of(pod("old-1", true, "08:00"), broken, pod("old-3", true, "08:30"));

    assertThat(new RollingUpdate(3, 0, 0).next(List.of(), old))
        .isEqualTo(new RollingUpdate.Step(0, List.of(broken)));
  }

  private static Deployment replicas(Integer replicas) {
    return new DeploymentBuilder(DEPLOYMENT).editSpec().withReplicas(replicas).endSpec().build();
  }

  private static Deployment rolling(IntOrString maxSurge, IntOrString maxUnavailable) {
    return new DeploymentBuilder(DEPLOYMENT)
        .editSpec()
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxSurge(maxSurge)
        .withMaxUnavailable(maxUnavailable)
        .endRollingUpdate()
        .endStrategy()
        .endSpec()
        .build();
  }

  /** Ready pods {@code old-1} ... started a minute apart, the last the newest. */
  private static List<Pod> olds(int count) {
    return IntStream.rangeClosed(1, count)
        .mapToObj(i -> pod("old-" + i, true, "09:0" + i))
        .toList();
  }

  private static Pod pod(String name, boolean ready, String startedAt) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("shop")
        .endMetadata()
        .withNewStatus()
        .withStartTime("2026-01-01T" + startedAt + ":00Z")
        .addNewCondition()
        .withType("Ready")
        .withStatus(ready ? "True" : "False")
        .endCondition()
        .endStatus()
        .build();
  }
}
