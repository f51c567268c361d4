package io.containercloud.orchestrator.application.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The dependency graph of an application's services: the layers they start in (a service's layer is
 * one more than its deepest dependency's, so a layer needs only earlier ones), or the cycle that
 * makes an order impossible. Deterministic: services of a layer are sorted by name, and a cycle is
 * reported from its alphabetically first service.
 */
public final class Graph {

  /** What the graph allows: an order, or a cycle. */
  public sealed interface Order permits Layers, Cycle {}

  /** Layers in start order; each service appears once. */
  public record Layers(List<List<String>> layers) implements Order {

    /** Every service, layer by layer (the order an upgrade goes in). */
    public List<String> sequence() {
      return layers.stream().flatMap(List::stream).toList();
    }

    /** The layer of each service. */
    public Map<String, Integer> layerOf() {
      Map<String, Integer> layerOf = new HashMap<>();
      for (int i = 0; i < layers.size(); i++) {
        for (String service : layers.get(i)) {
          layerOf.put(service, i);
        }
      }
      return layerOf;
    }
  }

  /** A cycle in dependency order, its first service repeated at the end: a, b, c, a. */
  public record Cycle(List<String> path) implements Order {}

  private Graph() {}

  /**
   * The order of {@code dependsOn} (service to the services it needs), whose names are all known.
   */
  public static Order order(Map<String, List<String>> dependsOn) {
    Map<String, List<String>> sorted = new TreeMap<>(dependsOn);
    List<String> cycle = cycle(sorted);
    if (cycle != null) {
      return new Cycle(cycle);
    }
    Map<String, Integer> depth = new HashMap<>();
    sorted.keySet().forEach(service -> depthOf(service, sorted, depth));
    List<List<String>> layers = new ArrayList<>();
    for (Map.Entry<String, Integer> entry : new TreeMap<>(depth).entrySet()) {
      while (layers.size() <= entry.getValue()) {
        layers.add(new ArrayList<>());
      }
      layers.get(entry.getValue()).add(entry.getKey());
    }
    return new Layers(layers.stream().map(Collections::unmodifiableList).toList());
  }

  private static int depthOf(
      String service, Map<String, List<String>> dependsOn, Map<String, Integer> depth) {
    Integer known = depth.get(service);
    if (known != null) {
      return known;
    }
    int mine = 0;
    for (String needed : dependsOn.getOrDefault(service, List.of())) {
      mine = Math.max(mine, depthOf(needed, dependsOn, depth) + 1);
    }
    depth.put(service, mine);
    return mine;
  }

  // depth-first, in name order; the stack holds the path that is being followed
  private static List<String> cycle(Map<String, List<String>> dependsOn) {
    Map<String, Integer> state = new HashMap<>(); // 1: on the path, 2: done
    for (String start : dependsOn.keySet()) {
      List<String> path = new ArrayList<>();
      List<String> found = visit(start, dependsOn, state, path);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  private static List<String> visit(
      String service,
      Map<String, List<String>> dependsOn,
      Map<String, Integer> state,
      List<String> path) {
    Integer seen = state.get(service);
    if (seen != null && seen == 2) {
      return null;
    }
    if (seen != null) {
      List<String> cycle = new ArrayList<>(path.subList(path.indexOf(service), path.size()));
      cycle.add(service);
      return cycle;
    }
    state.put(service, 1);
    path.add(service);
    for (String needed : dependsOn.getOrDefault(service, List.of()).stream().sorted().toList()) {
      List<String> found = visit(needed, dependsOn, state, path);
      if (found != null) {
        return found;
      }
    }
    path.remove(path.size() - 1);
    state.put(service, 2);
    return null;
  }
}
