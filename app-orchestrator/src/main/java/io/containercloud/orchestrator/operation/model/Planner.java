package io.containercloud.orchestrator.operation.model;

import io.containercloud.orchestrator.application.model.Graph;
import io.containercloud.orchestrator.application.model.Names;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The steps of an operation, from the application's layers:
 *
 * <ul>
 *   <li>{@code start}: layer by layer, the services of a layer side by side;
 *   <li>{@code stop}: the layers in reverse;
 *   <li>{@code restart}: stop, then start, in one plan;
 *   <li>{@code upgrade}: one service at a time in dependency order, then the workloads of services
 *       the application no longer has, removed;
 *   <li>{@code delete}: the layers in reverse, each workload removed.
 * </ul>
 */
public final class Planner {

  /** A step as planned, before it is stored. */
  public record Planned(int seq, int layer, String service, String workload, StepAction action) {}

  private Planner() {}

  /**
   * @param only the services an upgrade is limited to (an image push's); empty: all
   * @param removed services of earlier versions that the application no longer has
   */
  public static List<Planned> plan(
      Action action,
      String application,
      Graph.Layers layers,
      Collection<String> only,
      Collection<String> removed) {
    Builder plan = new Builder(application);
    switch (action) {
      case START -> plan.layers(layers.layers(), StepAction.START);
      case STOP -> plan.layers(reversed(layers.layers()), StepAction.STOP);
      case RESTART -> {
        plan.layers(reversed(layers.layers()), StepAction.STOP);
        plan.layers(layers.layers(), StepAction.START);
      }
      case UPGRADE -> {
        for (String service : layers.sequence()) {
          if (only.isEmpty() || only.contains(service)) {
            plan.layer(List.of(service), StepAction.UPGRADE);
          }
        }
        if (only.isEmpty()) {
          removed.stream().sorted().forEach(s -> plan.layer(List.of(s), StepAction.DELETE));
        }
      }
      case DELETE -> {
        if (!removed.isEmpty()) {
          plan.layer(removed.stream().sorted().toList(), StepAction.DELETE);
        }
        plan.layers(reversed(layers.layers()), StepAction.DELETE);
      }
    }
    return plan.steps;
  }

  private static List<List<String>> reversed(List<List<String>> layers) {
    List<List<String>> reversed = new ArrayList<>(layers);
    java.util.Collections.reverse(reversed);
    return reversed;
  }

  private static final class Builder {
    private final String application;
    private final List<Planned> steps = new ArrayList<>();
    private int layer;

    Builder(String application) {
      this.application = application;
    }

    void layers(List<List<String>> layers, StepAction action) {
      layers.forEach(services -> layer(services, action));
    }

    void layer(List<String> services, StepAction action) {
      for (String service : services) {
        steps.add(
            new Planned(
                steps.size() + 1, layer, service, Names.workload(application, service), action));
      }
      layer++;
    }
  }
}
