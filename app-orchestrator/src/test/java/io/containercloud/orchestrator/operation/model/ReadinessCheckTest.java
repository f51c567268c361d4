package io.containercloud.orchestrator.operation.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.common.event.contract.WorkloadStatus;
import io.containercloud.orchestrator.application.model.AppService;
import io.containercloud.orchestrator.application.model.Readiness;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class ReadinessCheckTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String IMAGE = "r/acme/api:2";

  private static AppService api(Readiness readiness) {
    return new AppService("api", IMAGE, 3, null, JSON.createObjectNode(), null, readiness, null);
  }

  private static WorkloadStatus status(long version, String image, int... ready) {
    List<WorkloadStatus.Cluster> clusters =
        java.util.stream.IntStream.range(0, ready.length)
            .mapToObj(
                i ->
                    new WorkloadStatus.Cluster(
                        "room-" + (i + 1), 1, image, ready[i], true, null, null))
            .toList();
    return new WorkloadStatus("acme", "shop-api", version, image, ready.length, clusters);
  }

  @Test
  void readyWhenEveryReplicaIsReadyOnTheImageAtTheStepsVersion() {
    ReadinessCheck.Verdict ready =
        ReadinessCheck.check(StepAction.START, api(null), status(5, IMAGE, 1, 1, 1), 5);
    assertThat(ready.holds()).isTrue();
    assertThat(ready.summary()).isEqualTo("3/3 Ready: room-1 1/1, room-2 1/1, room-3 1/1");

    assertThat(ReadinessCheck.check(StepAction.START, api(null), status(5, IMAGE, 1, 0, 1), 5))
        .isEqualTo(
            new ReadinessCheck.Verdict(false, "2/3 Ready: room-1 1/1, room-2 0/1, room-3 1/1"));
  }

  @Test
  void anOlderVersionOrAnotherImageIsNotReadyYet() {
    assertThat(
            ReadinessCheck.check(StepAction.UPGRADE, api(null), status(4, IMAGE, 1, 1, 1), 5)
                .holds())
        .isFalse();
    assertThat(
            ReadinessCheck.check(
                    StepAction.UPGRADE, api(null), status(5, "r/acme/api:1", 1, 1, 1), 5)
                .holds())
        .isFalse();
  }

  @Test
  void minReadyIsEnough() {
    assertThat(
            ReadinessCheck.check(
                    StepAction.START, api(new Readiness(2, 60)), status(5, IMAGE, 1, 0, 1), 5)
                .holds())
        .isTrue();
  }

  @Test
  void aStopHoldsAtZeroAndADeleteOnceGone() {
    WorkloadStatus stopped =
        new WorkloadStatus(
            "acme",
            "shop-api",
            6,
            IMAGE,
            0,
            List.of(new WorkloadStatus.Cluster("room-1", 0, IMAGE, 0, true, null, null)));
    assertThat(ReadinessCheck.check(StepAction.STOP, api(null), stopped, 6).holds()).isTrue();
    assertThat(
            ReadinessCheck.check(StepAction.STOP, api(null), status(6, IMAGE, 1, 0, 0), 6).holds())
        .isFalse();
    assertThat(ReadinessCheck.check(StepAction.DELETE, api(null), null, 6).holds()).isTrue();
    assertThat(ReadinessCheck.check(StepAction.DELETE, api(null), stopped, 6).holds()).isFalse();
  }
}
