package io.containercloud.kubesim.api;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Strategic merge patch, what {@code kubectl apply}, {@code kubectl patch} and Helm 3 send for
 * built-in kinds: a merge patch whose lists of named things (containers, env, ports, volumes...)
 * merge item by item on a key instead of being replaced, with the directives {@code $patch}
 * (replace, delete, merge), {@code $retainKeys}, {@code $setElementOrder/<list>} and {@code
 * $deleteFromPrimitiveList/<list>}. Which lists merge on which key is kube-apiserver's, from the
 * {@code patchMergeKey} tags of k8s.io/api, for the kinds the platform and its chart write; every
 * other list is replaced whole, as an atomic list is. A CRD's objects take no strategic merge (415,
 * as kube-apiserver answers).
 */
final class StrategicMerge {

  /** How an object's fields merge: the shapes of nested objects, list keys, primitive sets. */
  private record Shape(Map<String, Shape> fields, Map<String, String> keys, Set<String> sets) {

    static Shape of() {
      return new Shape(new LinkedHashMap<>(), new LinkedHashMap<>(), new HashSet<>());
    }

    Shape field(String name, Shape shape) {
      fields.put(name, shape);
      return this;
    }

    /** A list of objects merged on {@code key}, each item of {@code shape}. */
    Shape list(String name, String key, Shape shape) {
      keys.put(name, key);
      fields.put(name, shape);
      return this;
    }

    Shape set(String name) {
      sets.add(name);
      return this;
    }

    Shape child(String name) {
      return fields.getOrDefault(name, PLAIN);
    }
  }

  private static final Shape PLAIN = Shape.of();
  private static final Shape OBJECT_META =
      Shape.of().list("ownerReferences", "uid", PLAIN).set("finalizers");
  private static final Shape CONTAINER =
      Shape.of()
          .list("ports", "containerPort", PLAIN)
          .list("env", "name", PLAIN)
          .list("volumeMounts", "mountPath", PLAIN)
          .list("volumeDevices", "devicePath", PLAIN);
  private static final Shape POD_SPEC =
      Shape.of()
          .list("containers", "name", CONTAINER)
          .list("initContainers", "name", CONTAINER)
          .list("ephemeralContainers", "name", CONTAINER)
          .list("volumes", "name", PLAIN)
          .list("imagePullSecrets", "name", PLAIN)
          .list("hostAliases", "ip", PLAIN)
          .list("topologySpreadConstraints", "topologyKey", PLAIN)
          .list("resourceClaims", "name", PLAIN)
          .list("schedulingGates", "name", PLAIN);
  private static final Shape POD_TEMPLATE =
      Shape.of().field("metadata", OBJECT_META).field("spec", POD_SPEC);
  private static final Shape WORKLOAD_SPEC = Shape.of().field("template", POD_TEMPLATE);
  private static final Map<String, Shape> SPECS =
      Map.of(
          "Pod",
          POD_SPEC,
          "Deployment",
          WORKLOAD_SPEC,
          "ReplicaSet",
          WORKLOAD_SPEC,
          "StatefulSet",
          WORKLOAD_SPEC,
          "DaemonSet",
          WORKLOAD_SPEC,
          "Job",
          WORKLOAD_SPEC,
          "CronJob",
          Shape.of()
              .field(
                  "jobTemplate",
                  Shape.of().field("metadata", OBJECT_META).field("spec", WORKLOAD_SPEC)),
          "Service",
          Shape.of().list("ports", "port", PLAIN));

  private static final String PATCH = "$patch";
  private static final String RETAIN_KEYS = "$retainKeys";
  private static final String ORDER = "$setElementOrder/";
  private static final String DELETE_FROM = "$deleteFromPrimitiveList/";

  private final ResourceType type;
  private final String name;

  private StrategicMerge(ResourceType type, String name) {
    this.type = type;
    this.name = name;
  }

  /** What {@code patch} makes of {@code target} (left unchanged). */
  static ObjectNode apply(JsonNode patch, ObjectNode target, ResourceType type, String name) {
    if (type.kind() == null) {
      throw ApiException.unsupportedMediaType(
          "application/strategic-merge-patch+json (not supported for custom resources)");
    }
    if (!patch.isObject()) {
      throw ApiException.badRequest("a strategic merge patch must be an object");
    }
    ObjectNode result = new StrategicMerge(type, name).map(target, (ObjectNode) patch, top(type));
    if (result == null) {
      throw ApiException.invalid(type, name, "$patch: delete cannot delete the object itself");
    }
    return result;
  }

  /**
   * The patch that turns what a field manager applied before ({@code previous}, null for nothing)
   * into what it applies now: {@code applied}, with a deletion for each field, keyed list item and
   * set value only the previous configuration held. Fields others set are left as they are, as
   * server-side apply leaves fields other managers own.
   */
  static ObjectNode applyPatch(JsonNode previous, ObjectNode applied, ResourceType type) {
    Shape shape = type.kind() == null ? PLAIN : top(type);
    return previous instanceof ObjectNode before
        ? deletions(before, applied, shape)
        : applied.deepCopy();
  }

  private static ObjectNode deletions(ObjectNode before, ObjectNode now, Shape shape) {
    ObjectNode patch = now.deepCopy();
    for (Map.Entry<String, JsonNode> field : before.properties()) {
      String key = field.getKey();
      JsonNode was = field.getValue();
      JsonNode is = now.get(key);
      if (is == null) {
        patch.putNull(key);
      } else if (was instanceof ObjectNode wasObject && is instanceof ObjectNode isObject) {
        patch.set(key, deletions(wasObject, isObject, shape.child(key)));
      } else if (was instanceof ArrayNode wasList && is instanceof ArrayNode isList) {
        if (shape.sets().contains(key)) {
          ArrayNode gone = patch.putArray(DELETE_FROM + key);
          wasList.forEach(
              v -> {
                if (!contains(isList, v)) {
                  gone.add(v);
                }
              });
        } else if (shape.keys().containsKey(key)) {
          patch.set(key, itemDeletions(wasList, isList, shape.keys().get(key), shape.child(key)));
        }
      }
    }
    return patch;
  }

  private static ArrayNode itemDeletions(ArrayNode before, ArrayNode now, String key, Shape item) {
    ArrayNode patch = JsonNodeFactory.instance.arrayNode();
    for (JsonNode is : now) {
      JsonNode was = is.has(key) ? find(before, key, is.get(key)) : null;
      patch.add(
          was instanceof ObjectNode wasObject && is instanceof ObjectNode isObject
              ? deletions(wasObject, isObject, item)
              : is.deepCopy());
    }
    for (JsonNode was : before) {
      if (was.has(key) && find(now, key, was.get(key)) == null) {
        patch.addObject().put(PATCH, "delete").set(key, was.get(key).deepCopy());
      }
    }
    return patch;
  }

  private static JsonNode find(ArrayNode items, String key, JsonNode id) {
    for (JsonNode item : items) {
      if (id.equals(item.get(key))) {
        return item;
      }
    }
    return null;
  }

  private static Shape top(ResourceType type) {
    return Shape.of()
        .field("metadata", OBJECT_META)
        .field("spec", SPECS.getOrDefault(type.kind(), PLAIN))
        .field("template", type.kind().equals("PodTemplate") ? POD_TEMPLATE : PLAIN);
  }

  /** The merge of two objects; null when the patch deletes the object. */
  private ObjectNode map(ObjectNode original, ObjectNode patch, Shape shape) {
    String directive = patch.path(PATCH).asString("merge");
    switch (directive) {
      case "delete" -> {
        return null;
      }
      case "replace" -> {
        return map(JsonNodeFactory.instance.objectNode(), without(patch, PATCH), shape);
      }
      case "merge" -> {}
      default -> throw invalid("unknown $patch directive " + directive);
    }
    ObjectNode result =
        original == null ? JsonNodeFactory.instance.objectNode() : original.deepCopy();
    for (Map.Entry<String, JsonNode> field : patch.properties()) {
      String key = field.getKey();
      JsonNode value = field.getValue();
      if (key.startsWith("$")) {
        if (!key.equals(PATCH)
            && !key.equals(RETAIN_KEYS)
            && !key.startsWith(ORDER)
            && !key.startsWith(DELETE_FROM)) {
          throw invalid("unknown directive " + key);
        }
        continue;
      }
      if (value.isNull()) {
        result.remove(key);
      } else if (value.isObject()) {
        ObjectNode merged =
            map(
                result.get(key) instanceof ObjectNode o ? o : null,
                (ObjectNode) value,
                shape.child(key));
        if (merged == null) {
          result.remove(key);
        } else {
          result.set(key, merged);
        }
      } else if (value.isArray()) {
        result.set(key, list(result.get(key), (ArrayNode) value, key, shape));
      } else {
        result.set(key, value.deepCopy());
      }
    }
    for (Map.Entry<String, JsonNode> field : patch.properties()) {
      String key = field.getKey();
      if (key.startsWith(DELETE_FROM)) {
        String list = key.substring(DELETE_FROM.length());
        if (result.get(list) instanceof ArrayNode items) {
          result.set(list, withoutValues(items, field.getValue()));
        }
      } else if (key.startsWith(ORDER)) {
        String list = key.substring(ORDER.length());
        if (result.get(list) instanceof ArrayNode items) {
          result.set(list, ordered(items, field.getValue(), shape.keys().get(list)));
        }
      }
    }
    if (patch.get(RETAIN_KEYS) instanceof ArrayNode retained) {
      Set<String> keep = new HashSet<>();
      retained.forEach(k -> keep.add(k.asString()));
      result.propertyNames().stream()
          .filter(k -> !keep.contains(k))
          .toList()
          .forEach(result::remove);
    }
    return result;
  }

  private JsonNode list(JsonNode original, ArrayNode patch, String field, Shape shape) {
    ArrayNode current = original instanceof ArrayNode a ? a : JsonNodeFactory.instance.arrayNode();
    if (shape.sets().contains(field)) {
      ArrayNode result = current.deepCopy();
      patch.forEach(
          value -> {
            if (!contains(result, value)) {
              result.add(value.deepCopy());
            }
          });
      return result;
    }
    String key = shape.keys().get(field);
    if (key == null) {
      return patch.deepCopy();
    }
    Shape items = shape.child(field);
    List<JsonNode> patchItems = new ArrayList<>();
    patch.forEach(patchItems::add);
    if (patchItems.stream().anyMatch(i -> i.path(PATCH).asString("").equals("replace"))) {
      ArrayNode result = JsonNodeFactory.instance.arrayNode();
      patchItems.stream()
          .filter(i -> !i.path(PATCH).asString("").equals("replace"))
          .forEach(i -> result.add(map(null, object(i, field), items)));
      return result;
    }
    ArrayNode result = current.deepCopy();
    for (JsonNode item : patchItems) {
      ObjectNode patchItem = object(item, field);
      JsonNode id = patchItem.get(key);
      if (id == null || id.isNull()) {
        throw invalid("an item of " + field + " has no " + key + ", the key it merges on");
      }
      int at = indexOf(result, key, id);
      ObjectNode merged = map(at < 0 ? null : (ObjectNode) result.get(at), patchItem, items);
      if (merged == null) {
        if (at >= 0) {
          result.remove(at);
        }
      } else if (at < 0) {
        result.add(merged);
      } else {
        result.set(at, merged);
      }
    }
    return result;
  }

  /** The list ordered as {@code order} says; items it does not name follow, in their order. */
  private static ArrayNode ordered(ArrayNode items, JsonNode order, String key) {
    List<JsonNode> rest = new ArrayList<>();
    items.forEach(rest::add);
    ArrayNode result = JsonNodeFactory.instance.arrayNode();
    for (JsonNode wanted : order) {
      JsonNode id = key == null ? wanted : wanted.get(key);
      for (int i = 0; i < rest.size(); i++) {
        JsonNode item = rest.get(i);
        if ((key == null ? item : item.get(key)) != null
            && (key == null ? item : item.get(key)).equals(id)) {
          result.add(rest.remove(i));
          break;
        }
      }
    }
    rest.forEach(result::add);
    return result;
  }

  private static ArrayNode withoutValues(ArrayNode items, JsonNode values) {
    ArrayNode result = JsonNodeFactory.instance.arrayNode();
    items.forEach(
        item -> {
          if (!contains(values, item)) {
            result.add(item);
          }
        });
    return result;
  }

  private static boolean contains(JsonNode list, JsonNode value) {
    for (JsonNode item : list) {
      if (item.equals(value)) {
        return true;
      }
    }
    return false;
  }

  private static int indexOf(ArrayNode items, String key, JsonNode id) {
    for (int i = 0; i < items.size(); i++) {
      if (id.equals(items.get(i).get(key))) {
        return i;
      }
    }
    return -1;
  }

  private ObjectNode object(JsonNode item, String field) {
    if (!(item instanceof ObjectNode object)) {
      throw invalid("the items of " + field + " must be objects");
    }
    return object;
  }

  private static ObjectNode without(ObjectNode node, String key) {
    ObjectNode copy = node.deepCopy();
    copy.remove(key);
    return copy;
  }

  private ApiException invalid(String why) {
    return ApiException.invalid(type, name, "the strategic merge patch cannot be applied: " + why);
  }
}
