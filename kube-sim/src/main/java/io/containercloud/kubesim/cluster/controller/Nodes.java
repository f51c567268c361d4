package io.containercloud.kubesim.cluster.controller;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import java.util.List;

/** Node facts the controllers and the admin API agree on. */
public final class Nodes {

  private Nodes() {}

  /**
   * Whether the node's {@code Ready} condition is {@code True}: pods run and get scheduled there.
   */
  public static boolean ready(Node node) {
    List<NodeCondition> conditions = node.getStatus().getConditions();
    return conditions != null
        && conditions.stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
