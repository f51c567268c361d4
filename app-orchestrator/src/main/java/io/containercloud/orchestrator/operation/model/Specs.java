package io.containercloud.orchestrator.operation.model;

import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Whether a service's workload spec is what cluster-service holds: both with the defaults
 * cluster-service fills in for what a spec leaves out (its API documents them: no ports, env or
 * clusters, no probes, JVM options on, the company DNS, TCP ports, no follow), so a spec that only
 * left a default out is not a change.
 */
final class Specs {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Specs() {}

  static boolean same(JsonNode wanted, JsonNode held) {
    return held != null && normal(wanted).equals(normal(held));
  }

  private static ObjectNode normal(JsonNode spec) {
    ObjectNode normal = ((ObjectNode) spec).deepCopy();
    absentAs(normal, "ports", NODES.arrayNode());
    absentAs(normal, "env", NODES.objectNode());
    absentAs(normal, "clusters", NODES.arrayNode());
    absentAs(normal, "jvmOptions", NODES.booleanNode(true));
    absentAs(normal, "dnsPolicy", NODES.stringNode("Default"));
    for (String none : new String[] {"readiness", "liveness", "follow"}) {
      absentAs(normal, none, NODES.nullNode());
    }
    if (normal.get("resources") instanceof ObjectNode resources) {
      absentAs(resources, "ephemeralStorage", NODES.nullNode());
    }
    for (JsonNode port : normal.get("ports")) {
      if (port instanceof ObjectNode object) {
        absentAs(object, "protocol", NODES.stringNode("TCP"));
      }
    }
    Set<String> names = new TreeSet<>();
    normal.get("clusters").forEach(cluster -> names.add(cluster.asString()));
    ArrayNode clusters = NODES.arrayNode();
    names.forEach(clusters::add);
    normal.set("clusters", clusters);
    return normal;
  }

  private static void absentAs(ObjectNode node, String field, JsonNode value) {
    JsonNode present = node.get(field);
    if (present == null || present.isNull()) {
      node.set(field, value);
    }
  }
}
