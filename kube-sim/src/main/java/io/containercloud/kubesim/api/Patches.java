package io.containercloud.kubesim.api;

import io.fabric8.zjsonpatch.JsonPatch;
import io.fabric8.zjsonpatch.JsonPatchException;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The patch types kube-apiserver takes that clients of kube-sim send: JSON Patch (RFC 6902, what
 * fabric8's {@code edit} sends), JSON merge patch (RFC 7386) and strategic merge patch (kubectl and
 * Helm, {@link StrategicMerge}). Apply patches are {@link ServerSideApply}'s.
 */
final class Patches {

  static final String JSON_PATCH = "application/json-patch+json";
  static final String MERGE_PATCH = "application/merge-patch+json";
  static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";

  private Patches() {}

  /** What {@code patch} of {@code contentType} makes of {@code target} (left unchanged). */
  static ObjectNode apply(
      String contentType, JsonNode patch, ObjectNode target, ResourceType type, String name) {
    String media = contentType == null ? "" : contentType.split(";", 2)[0].trim();
    JsonNode result;
    switch (media) {
      case JSON_PATCH -> {
        if (!patch.isArray()) {
          throw ApiException.badRequest("a JSON patch must be an array of operations");
        }
        try {
          result = JsonPatch.apply(patch, target);
        } catch (JsonPatchException | IllegalArgumentException e) {
          throw ApiException.invalid(type, name, "the patch cannot be applied: " + e.getMessage());
        }
      }
      case MERGE_PATCH -> result = merge(target, patch);
      case STRATEGIC_MERGE_PATCH -> result = StrategicMerge.apply(patch, target, type, name);
      default -> throw ApiException.unsupportedMediaType(media);
    }
    if (!(result instanceof ObjectNode object)) {
      throw ApiException.badRequest("the patch must leave an object");
    }
    return object;
  }

  static JsonNode merge(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result =
        target instanceof ObjectNode object
            ? object.deepCopy()
            : JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> field : patch.properties()) {
      if (field.getValue().isNull()) {
        result.remove(field.getKey());
      } else {
        result.set(field.getKey(), merge(result.get(field.getKey()), field.getValue()));
      }
    }
    return result;
  }
}
