package io.containercloud.orchestrator.operation.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OperationTest {

  @Test
  void layersLeftCountsTheLayersWithAStepNotEnded() {
    Operation start =
        operation(
            step(1, 0, State.DONE),
            step(2, 0, State.DONE),
            step(3, 1, State.RUNNING),
            step(4, 1, State.DONE),
            step(5, 2, State.PENDING),
            step(6, 3, State.PENDING));

    assertThat(start.layersLeft()).isEqualTo(3);
    assertThat(operation(step(1, 0, State.DONE), step(2, 1, State.FAILED)).layersLeft()).isZero();
    assertThat(operation(step(1, 0, State.PENDING), step(2, 0, State.PENDING)).layersLeft())
        .isEqualTo(1);
  }

  private static Operation operation(Step... steps) {
    return new Operation(
        1,
        1,
        "t",
        "shop",
        Action.START,
        1,
        State.RUNNING,
        "u",
        "api",
        false,
        null,
        null,
        null,
        null,
        null,
        List.of(steps));
  }

  private static Step step(int seq, int layer, State state) {
    return new Step(
        1,
        seq,
        layer,
        "s" + seq,
        "shop-s" + seq,
        StepAction.START,
        state,
        0,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }
}
