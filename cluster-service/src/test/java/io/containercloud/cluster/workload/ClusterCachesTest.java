package io.containercloud.cluster.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import org.junit.jupiter.api.Test;

/** Which watched changes have a workload reconciled. */
class ClusterCachesTest {

  private static Deployment deployment(long generation, int ready, String condition) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("api")
        .withNamespace("shop")
        .withGeneration(generation)
        .addToLabels("app", "api")
        .endMetadata()
        .withNewStatus()
        .withObservedGeneration(generation)
        .withReplicas(3)
        .withUpdatedReplicas(3)
        .withReadyReplicas(ready)
        .withAvailableReplicas(ready)
        .addNewCondition()
        .withType("Progressing")
        .withReason(condition)
        .endCondition()
        .endStatus()
        .build();
  }

  @Test
  void aDeploymentMovesWithItsReadyCountOrItsSpecNotWithItsConditions() {
    Deployment before = deployment(1, 2, "ReplicaSetUpdated");

    assertThat(ClusterCaches.rolloutMoved(before, deployment(1, 2, "NewReplicaSetAvailable")))
        .isFalse();
    assertThat(ClusterCaches.rolloutMoved(before, deployment(1, 3, "ReplicaSetUpdated"))).isTrue();
    assertThat(ClusterCaches.rolloutMoved(before, deployment(2, 2, "ReplicaSetUpdated"))).isTrue();
    Deployment relabelled = deployment(1, 2, "ReplicaSetUpdated");
    relabelled.getMetadata().getLabels().put("app", "other");
    assertThat(ClusterCaches.rolloutMoved(before, relabelled)).isTrue();
  }

  @Test
  void endpointsCountByTheirReadyAddressesOnly() {
    var endpoints =
        new EndpointsBuilder()
            .addNewSubset()
            .addNewAddress()
            .withIp("10.0.0.2")
            .endAddress()
            .addNewAddress()
            .withIp("10.0.0.1")
            .endAddress()
            .addNewNotReadyAddress()
            .withIp("10.0.0.3")
            .endNotReadyAddress()
            .endSubset()
            .build();

    assertThat(ClusterCaches.readyAddresses(endpoints)).containsExactly("10.0.0.1", "10.0.0.2");
    assertThat(ClusterCaches.readyAddresses(null)).isEmpty();
  }
}
