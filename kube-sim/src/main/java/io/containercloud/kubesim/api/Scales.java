package io.containercloud.kubesim.api;

import java.util.Map;
import java.util.StringJoiner;
import java.util.function.UnaryOperator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code scale} subresource of one object ({@code autoscaling/v1} {@code Scale}): its {@code
 * spec.replicas}, the replicas its status counts and its selector; a write changes the object's
 * {@code spec.replicas} and nothing else (a version it names must be the object's).
 */
final class Scales {

  private final JsonMapper json;
  private final ObjectStore store;
  private final ResourceType type;
  private final String namespace;
  private final String name;

  Scales(JsonMapper json, ObjectStore store, ResourceType type, String namespace, String name) {
    this.json = json;
    this.store = store;
    this.type = type;
    this.namespace = namespace;
    this.name = name;
  }

  String read() {
    return json.writeValueAsString(scale(store.get(type, namespace, name).object()));
  }

  /**
   * Applies what {@code change} makes of the current scale (with {@code dryRun} only checks it);
   * the scale after it.
   */
  String write(UnaryOperator<ObjectNode> change, boolean dryRun) {
    ObjectStore.Stored stored =
        store.replace(
            type,
            namespace,
            name,
            current -> {
              ObjectNode wanted = change.apply(scale(current));
              JsonNode replicas = wanted.path("spec").path("replicas");
              if (!replicas.canConvertToInt() || replicas.asInt() < 0) {
                throw ApiException.invalid(
                    type, name, "spec.replicas: Invalid value: must be greater than or equal to 0");
              }
              String version = wanted.path("metadata").path("resourceVersion").asString("");
              ObjectNode next = current;
              ObjectNode metadata = ObjectStore.metadata(next);
              if (version.isEmpty()) {
                metadata.remove("resourceVersion");
              } else {
                metadata.put("resourceVersion", version);
              }
              JsonNode spec = next.get("spec");
              (spec instanceof ObjectNode node ? node : next.putObject("spec"))
                  .put("replicas", replicas.asInt());
              return next;
            },
            false,
            dryRun);
    return json.writeValueAsString(scale(stored.object()));
  }

  private ObjectNode scale(ObjectNode object) {
    ObjectNode scale = json.createObjectNode();
    scale.put("kind", "Scale").put("apiVersion", "autoscaling/v1");
    ObjectNode metadata = scale.putObject("metadata");
    JsonNode source = object.path("metadata");
    for (String field :
        new String[] {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
      if (source.has(field)) {
        metadata.set(field, source.get(field));
      }
    }
    scale.putObject("spec").put("replicas", object.path("spec").path("replicas").asInt(1));
    ObjectNode status = scale.putObject("status");
    status.put("replicas", object.path("status").path("replicas").asInt(0));
    StringJoiner selector = new StringJoiner(",");
    for (Map.Entry<String, JsonNode> label :
        object.path("spec").path("selector").path("matchLabels").properties()) {
      selector.add(label.getKey() + "=" + label.getValue().asString());
    }
    status.put("selector", selector.toString());
    return scale;
  }
}
