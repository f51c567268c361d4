package io.containercloud.kubesim.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The checks of kube-apiserver that kubectl and Helm users meet first, each a {@code 422 Invalid}
 * naming the field: a workload's selector is required, must select its own template and never
 * changes; a pod template has containers, each with a name and an image; a Job's pods restart
 * {@code Never} or {@code OnFailure}; a Service that is not headless or {@code ExternalName} has
 * ports. What it does not check is stored as sent.
 */
final class Validation {

  private Validation() {}

  /**
   * Checks {@code object} (defaults filled in) before it is stored; {@code before} is the stored
   * one on an update, null on a create.
   */
  static void check(ResourceType type, String name, ObjectNode object, ObjectNode before) {
    List<String> problems = new ArrayList<>();
    JsonNode spec = object.path("spec");
    switch (type.key()) {
      case "apps/deployments", "apps/replicasets", "apps/statefulsets", "apps/daemonsets" -> {
        selector(spec, before, problems);
        podSpec("spec.template.spec", spec.path("template").path("spec"), problems);
      }
      case "batch/jobs" -> {
        JsonNode pod = spec.path("template").path("spec");
        podSpec("spec.template.spec", pod, problems);
        String restart = pod.path("restartPolicy").asString("");
        if (!restart.equals("Never") && !restart.equals("OnFailure")) {
          problems.add(
              "spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\","
                  + " \"Never\"");
        }
      }
      case "/pods" -> podSpec("spec", spec, problems);
      case "apiextensions.k8s.io/customresourcedefinitions" ->
          CustomResources.problem(object).ifPresent(problems::add);
      case "/services" -> {
        String kind = spec.path("type").asString("ClusterIP");
        boolean headless = spec.path("clusterIP").asString("").equals("None");
        if (!kind.equals("ExternalName") && !headless && spec.path("ports").isEmpty()) {
          problems.add("spec.ports: Required value");
        }
      }
      default -> {
        // not checked
      }
    }
    if (!problems.isEmpty()) {
      throw ApiException.invalid(type, name, String.join(", ", problems));
    }
  }

  private static void selector(JsonNode spec, ObjectNode before, List<String> problems) {
    JsonNode selector = spec.path("selector");
    if (selector.isMissingNode() || selector.isNull() || selector.isEmpty()) {
      problems.add("spec.selector: Required value");
      return;
    }
    if (before != null && !selector.equals(before.path("spec").path("selector"))) {
      problems.add("spec.selector: Invalid value: " + selector + ": field is immutable");
    }
    Map<String, String> labels = new TreeMap<>();
    spec.path("template")
        .path("metadata")
        .path("labels")
        .properties()
        .forEach(e -> labels.put(e.getKey(), e.getValue().asString("")));
    boolean matches = true;
    for (Map.Entry<String, JsonNode> wanted : selector.path("matchLabels").properties()) {
      matches &= wanted.getValue().asString("").equals(labels.get(wanted.getKey()));
    }
    if (!matches) {
      problems.add(
          "spec.template.metadata.labels: Invalid value: "
              + labels
              + ": `selector` does not match template `labels`");
    }
  }

  private static void podSpec(String path, JsonNode pod, List<String> problems) {
    JsonNode containers = pod.path("containers");
    if (containers.isEmpty()) {
      problems.add(path + ".containers: Required value");
      return;
    }
    for (int i = 0; i < containers.size(); i++) {
      JsonNode container = containers.get(i);
      if (container.path("name").asString("").isEmpty()) {
        problems.add(path + ".containers[" + i + "].name: Required value");
      }
      if (container.path("image").asString("").isEmpty()) {
        problems.add(path + ".containers[" + i + "].image: Required value");
      }
    }
  }
}
