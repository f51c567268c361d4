package io.containercloud.cluster.workload.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Test fixtures: one workload and its shares, edited per test. */
final class WorkloadFixtures {

  static final String IMAGE = "registry.example.com/shop/api:2.0";

  static final WorkloadSpec SPEC =
      new WorkloadSpec(
          "shop",
          new WorkloadSpec.Resources(
              new WorkloadSpec.Amounts("500m", "512Mi"),
              new WorkloadSpec.Amounts("1", "1Gi"),
              null),
          List.of(new WorkloadSpec.Port("http", 8080, null)),
          Map.of(),
          null,
          null,
          List.of(),
          null,
          null,
          null);

  private WorkloadFixtures() {}

  static Workload workload(int replicas, Workload.Placed... clusters) {
    return new Workload(
        1,
        "tenant-a",
        "api",
        SPEC,
        IMAGE,
        replicas,
        null,
        false,
        7,
        Instant.parse("2024-05-01T10:00:00Z"),
        List.of(clusters));
  }

  /** A share on the workload's image, settled, every replica Ready. */
  static Workload.Placed placed(String cluster, int replicas) {
    return new Workload.Placed(
        cluster, replicas, IMAGE, replicas, true, null, 0, null, null, List.of(), null);
  }

  static Workload.Placed withImage(Workload.Placed placed, String image, boolean settled) {
    return new Workload.Placed(
        placed.cluster(),
        placed.replicas(),
        image,
        placed.ready(),
        settled,
        placed.lastError(),
        placed.failures(),
        placed.nextAttemptAt(),
        placed.reconciledAt(),
        placed.endpoints(),
        placed.waitingFor());
  }

  static Workload.Placed withReady(Workload.Placed placed, int ready) {
    return new Workload.Placed(
        placed.cluster(),
        placed.replicas(),
        placed.image(),
        ready,
        placed.settled(),
        placed.lastError(),
        placed.failures(),
        placed.nextAttemptAt(),
        placed.reconciledAt(),
        placed.endpoints(),
        placed.waitingFor());
  }

  static Workload.Placed withFailures(Workload.Placed placed, int failures) {
    return new Workload.Placed(
        placed.cluster(),
        placed.replicas(),
        placed.image(),
        placed.ready(),
        false,
        "KubernetesClientException: timeout",
        failures,
        null,
        null,
        placed.endpoints(),
        placed.waitingFor());
  }
}
