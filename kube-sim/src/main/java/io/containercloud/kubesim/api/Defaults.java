package io.containercloud.kubesim.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The defaults kube-apiserver fills in on every write, for the built-in kinds clients read back:
 * Helm's readiness checks and {@code kubectl rollout status} read {@code spec.replicas}, update
 * strategies and a Job's {@code backoffLimit} as always present, and a three-way patch compares
 * against the defaulted object. Also what kube-apiserver converts on write: a Secret's {@code
 * stringData} becomes base64 {@code data}. A Service's cluster IP is the store's to allocate.
 */
final class Defaults {

  private Defaults() {}

  /** Fills in the defaults of {@code object}, of {@code type}, in place. */
  static void apply(ResourceType type, ObjectNode object) {
    ObjectNode spec = object.get("spec") instanceof ObjectNode s ? s : null;
    switch (type.key()) {
      case "apps/deployments" -> {
        spec = spec(object, spec);
        putIfAbsent(spec, "replicas", 1);
        ObjectNode strategy = child(spec, "strategy");
        putIfAbsent(strategy, "type", "RollingUpdate");
        if (strategy.path("type").asString().equals("RollingUpdate")) {
          ObjectNode rolling = child(strategy, "rollingUpdate");
          putIfAbsent(rolling, "maxUnavailable", "25%");
          putIfAbsent(rolling, "maxSurge", "25%");
        }
        putIfAbsent(spec, "revisionHistoryLimit", 10);
        putIfAbsent(spec, "progressDeadlineSeconds", 600);
        template(spec);
      }
      case "apps/replicasets" -> {
        putIfAbsent(spec(object, spec), "replicas", 1);
        template(object.path("spec"));
      }
      case "apiextensions.k8s.io/customresourcedefinitions" -> established(object);
      case "apps/statefulsets" -> {
        spec = spec(object, spec);
        putIfAbsent(spec, "replicas", 1);
        putIfAbsent(spec, "podManagementPolicy", "OrderedReady");
        ObjectNode strategy = child(spec, "updateStrategy");
        putIfAbsent(strategy, "type", "RollingUpdate");
        if (strategy.path("type").asString().equals("RollingUpdate")) {
          putIfAbsent(child(strategy, "rollingUpdate"), "partition", 0);
        }
        putIfAbsent(spec, "revisionHistoryLimit", 10);
        ObjectNode retention = child(spec, "persistentVolumeClaimRetentionPolicy");
        putIfAbsent(retention, "whenDeleted", "Retain");
        putIfAbsent(retention, "whenScaled", "Retain");
        template(spec);
      }
      case "apps/daemonsets" -> {
        spec = spec(object, spec);
        ObjectNode strategy = child(spec, "updateStrategy");
        putIfAbsent(strategy, "type", "RollingUpdate");
        if (strategy.path("type").asString().equals("RollingUpdate")) {
          ObjectNode rolling = child(strategy, "rollingUpdate");
          putIfAbsent(rolling, "maxUnavailable", 1);
          putIfAbsent(rolling, "maxSurge", 0);
        }
        putIfAbsent(spec, "revisionHistoryLimit", 10);
        template(spec);
      }
      case "batch/jobs" -> job(spec(object, spec));
      case "batch/cronjobs" -> {
        spec = spec(object, spec);
        putIfAbsent(spec, "concurrencyPolicy", "Allow");
        putIfAbsent(spec, "suspend", false);
        putIfAbsent(spec, "successfulJobsHistoryLimit", 3);
        putIfAbsent(spec, "failedJobsHistoryLimit", 1);
        if (spec.path("jobTemplate").path("spec") instanceof ObjectNode jobSpec) {
          job(jobSpec);
        }
      }
      case "/pods" -> {
        if (spec != null) {
          podSpec(spec, true);
        }
      }
      case "/services" -> service(spec(object, spec));
      case "/secrets" -> secret(object);
      default -> {
        // no defaults kube-sim's clients read
      }
    }
  }

  private static void job(ObjectNode spec) {
    putIfAbsent(spec, "backoffLimit", 6);
    putIfAbsent(spec, "completions", 1);
    putIfAbsent(spec, "parallelism", 1);
    putIfAbsent(spec, "completionMode", "NonIndexed");
    putIfAbsent(spec, "suspend", false);
    if (spec.path("template").path("spec") instanceof ObjectNode pod) {
      podSpec(pod, false); // a Job's pods must say Never or OnFailure themselves
    }
  }

  private static void template(JsonNode spec) {
    if (spec.path("template").path("spec") instanceof ObjectNode pod) {
      podSpec(pod, true);
    }
  }

  private static void podSpec(ObjectNode pod, boolean restartAlways) {
    if (restartAlways) {
      putIfAbsent(pod, "restartPolicy", "Always");
    }
    putIfAbsent(pod, "dnsPolicy", "ClusterFirst");
    putIfAbsent(pod, "schedulerName", "default-scheduler");
    putIfAbsent(pod, "terminationGracePeriodSeconds", 30);
    for (String list : new String[] {"initContainers", "containers"}) {
      for (JsonNode container : pod.path(list)) {
        if (container instanceof ObjectNode c) {
          container(c);
        }
      }
    }
  }

  private static void container(ObjectNode container) {
    putIfAbsent(container, "imagePullPolicy", pullPolicy(container.path("image").asString("")));
    putIfAbsent(container, "terminationMessagePath", "/dev/termination-log");
    putIfAbsent(container, "terminationMessagePolicy", "File");
    ports(container.path("ports"));
  }

  /** {@code Always} for an image without a tag or tagged {@code latest}, as kube-apiserver does. */
  static String pullPolicy(String image) {
    if (image.contains("@")) {
      return "IfNotPresent";
    }
    String last = image.substring(image.lastIndexOf('/') + 1);
    int colon = last.lastIndexOf(':');
    return colon < 0 || last.substring(colon + 1).equals("latest") ? "Always" : "IfNotPresent";
  }

  private static void service(ObjectNode spec) {
    putIfAbsent(spec, "type", "ClusterIP");
    putIfAbsent(spec, "sessionAffinity", "None");
    for (JsonNode port : spec.path("ports")) {
      if (port instanceof ObjectNode p && !p.has("targetPort") && p.has("port")) {
        p.set("targetPort", p.get("port").deepCopy());
      }
    }
    ports(spec.path("ports"));
  }

  private static void ports(JsonNode ports) {
    for (JsonNode port : ports) {
      if (port instanceof ObjectNode p) {
        putIfAbsent(p, "protocol", "TCP");
      }
    }
  }

  private static void secret(ObjectNode object) {
    putIfAbsent(object, "type", "Opaque");
    if (object.remove("stringData") instanceof ObjectNode plain) {
      ObjectNode data = child(object, "data");
      for (Map.Entry<String, JsonNode> entry : plain.properties()) {
        data.put(
            entry.getKey(),
            Base64.getEncoder()
                .encodeToString(entry.getValue().asString("").getBytes(StandardCharsets.UTF_8)));
      }
    }
  }

  private static ObjectNode spec(ObjectNode object, ObjectNode spec) {
    return spec != null ? spec : object.putObject("spec");
  }

  private static ObjectNode child(ObjectNode parent, String field) {
    return parent.get(field) instanceof ObjectNode child ? child : parent.putObject(field);
  }

  private static void putIfAbsent(ObjectNode node, String field, Object value) {
    JsonNode present = node.get(field);
    if (present != null && !present.isNull()) {
      return;
    }
    if (value instanceof Integer number) {
      node.put(field, number);
    } else if (value instanceof Boolean flag) {
      node.put(field, flag);
    } else {
      node.put(field, value.toString());
    }
  }

  /**
   * A definition is accepted and established as soon as it is stored (kube-apiserver's controllers
   * take a moment; Helm and kubectl wait for these conditions).
   */
  private static void established(ObjectNode definition) {
    ObjectNode status = child(definition, "status");
    ArrayNode conditions = status.putArray("conditions");
    for (String type : List.of("NamesAccepted", "Established")) {
      conditions.addObject().put("type", type).put("status", "True").put("reason", type);
    }
    status.set("acceptedNames", definition.path("spec").path("names").deepCopy());
    ArrayNode stored = status.putArray("storedVersions");
    definition
        .path("spec")
        .path("versions")
        .forEach(
            v -> {
              if (v.path("storage").asBoolean(false)) {
                stored.add(v.path("name").asString());
              }
            });
  }
}
