package io.containercloud.orchestrator.operation.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.orchestrator.application.model.Graph;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlannerTest {

  private static final Graph.Layers LAYERS =
      new Graph.Layers(List.of(List.of("cache", "db"), List.of("api"), List.of("web")));

  private static List<String> steps(List<Planner.Planned> plan) {
    return plan.stream()
        .map(p -> p.layer() + ":" + p.action().value() + ":" + p.service())
        .toList();
  }

  @Test
  void startGoesLayerByLayerWithTheServicesOfALayerTogether() {
    List<Planner.Planned> plan = Planner.plan(Action.START, "shop", LAYERS, Set.of(), Set.of());
    assertThat(steps(plan))
        .containsExactly("0:start:cache", "0:start:db", "1:start:api", "2:start:web");
    assertThat(plan.get(0).workload()).isEqualTo("shop-cache");
    assertThat(plan).extracting(Planner.Planned::seq).containsExactly(1, 2, 3, 4);
  }

  @Test
  void stopGoesInReverseAndRestartStopsThenStarts() {
    assertThat(steps(Planner.plan(Action.STOP, "shop", LAYERS, Set.of(), Set.of())))
        .containsExactly("0:stop:web", "1:stop:api", "2:stop:cache", "2:stop:db");
    assertThat(steps(Planner.plan(Action.RESTART, "shop", LAYERS, Set.of(), Set.of())))
        .containsExactly(
            "0:stop:web",
            "1:stop:api",
            "2:stop:cache",
            "2:stop:db",
            "3:start:cache",
            "3:start:db",
            "4:start:api",
            "5:start:web");
  }

  @Test
  void upgradeTakesOneServiceAtATimeInDependencyOrderThenRemovesWhatIsGone() {
    assertThat(steps(Planner.plan(Action.UPGRADE, "shop", LAYERS, Set.of(), Set.of("legacy"))))
        .containsExactly(
            "0:upgrade:cache", "1:upgrade:db", "2:upgrade:api", "3:upgrade:web", "4:delete:legacy");
  }

  @Test
  void anImagePushUpgradesItsServiceOnly() {
    assertThat(steps(Planner.plan(Action.UPGRADE, "shop", LAYERS, Set.of("api"), Set.of("x"))))
        .containsExactly("0:upgrade:api");
  }

  @Test
  void deleteRemovesInReverseOrder() {
    assertThat(steps(Planner.plan(Action.DELETE, "shop", LAYERS, Set.of(), Set.of("old"))))
        .containsExactly(
            "0:delete:old", "1:delete:web", "2:delete:api", "3:delete:cache", "3:delete:db");
  }
}
