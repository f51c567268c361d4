package io.containercloud.orchestrator.application.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GraphTest {

  @Test
  void aChainAndAForkStartInLayersEachAfterItsDeepestDependency() {
    Map<String, List<String>> app = new LinkedHashMap<>();
    app.put("web", List.of("api", "auth"));
    app.put("api", List.of("db", "cache"));
    app.put("auth", List.of("db"));
    app.put("db", List.of());
    app.put("cache", List.of());

    Graph.Layers layers = (Graph.Layers) Graph.order(app);

    assertThat(layers.layers())
        .containsExactly(List.of("cache", "db"), List.of("api", "auth"), List.of("web"));
    assertThat(layers.sequence()).containsExactly("cache", "db", "api", "auth", "web");
    assertThat(layers.layerOf()).containsEntry("web", 2).containsEntry("db", 0);
  }

  @Test
  void aCycleIsNamedInDependencyOrderFromItsFirstService() {
    Map<String, List<String>> app = new LinkedHashMap<>();
    app.put("web", List.of("api"));
    app.put("api", List.of("queue"));
    app.put("queue", List.of("worker"));
    app.put("worker", List.of("api"));

    assertThat(Graph.order(app))
        .isEqualTo(new Graph.Cycle(List.of("api", "queue", "worker", "api")));
  }

  @Test
  void aServiceThatNeedsItselfIsACycleOfOne() {
    assertThat(Graph.order(Map.of("a", List.of("a"))))
        .isEqualTo(new Graph.Cycle(List.of("a", "a")));
  }

  @Test
  void independentServicesShareTheFirstLayer() {
    assertThat(((Graph.Layers) Graph.order(Map.of("b", List.of(), "a", List.of()))).layers())
        .containsExactly(List.of("a", "b"));
  }
}
