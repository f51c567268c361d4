package io.containercloud.kubesim.api;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Server-side apply ({@code kubectl apply --server-side}: a PATCH of {@value #MEDIA_TYPE} with a
 * {@code fieldManager}), simplified: a missing object is created from the configuration; otherwise
 * the configuration is merged in (strategic merge for built-in kinds, merge patch for custom
 * resources) and what the same manager applied before and no longer applies is removed, while
 * fields set by others stay. Kept in memory per manager, as kube-sim keeps everything. Not done:
 * ownership conflicts between managers (no 409, so {@code --force-conflicts} changes nothing) and
 * {@code metadata.managedFields}.
 */
final class ServerSideApply {

  static final String MEDIA_TYPE = "application/apply-patch+yaml";

  private final JsonMapper json;
  private final Map<String, ObjectNode> applied = new ConcurrentHashMap<>();

  ServerSideApply(JsonMapper json) {
    this.json = json;
  }

  /** The configuration a request applies (JSON or YAML) to the object {@code name}. */
  ObjectNode configuration(byte[] body, ResourceType type, String name) {
    JsonNode parsed;
    try {
      parsed = json.readTree(body);
    } catch (JacksonException notJson) {
      try {
        Object yaml =
            new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(new String(body, StandardCharsets.UTF_8));
        parsed = json.valueToTree(yaml);
      } catch (RuntimeException e) {
        throw ApiException.badRequest("the apply configuration is neither JSON nor YAML");
      }
    }
    if (!(parsed instanceof ObjectNode configuration)) {
      throw ApiException.badRequest("the apply configuration must be an object");
    }
    String named = ObjectStore.metadata(configuration).path("name").asString("");
    if (!named.equals(name)) {
      throw ApiException.nameMismatch(named, name);
    }
    return configuration;
  }

  /** What {@code configuration} makes of {@code current}, {@code manager} having applied it. */
  ObjectNode apply(
      ObjectNode current,
      ObjectNode configuration,
      ResourceType type,
      String namespace,
      String manager) {
    ObjectNode patch =
        StrategicMerge.applyPatch(
            applied.get(key(type, namespace, current.path("metadata").path("name"), manager)),
            configuration,
            type);
    return type.kind() == null
        ? (ObjectNode) Patches.merge(current, patch)
        : StrategicMerge.apply(
            patch, current, type, current.path("metadata").path("name").asString());
  }

  /** Keeps what {@code manager} applied, for its next apply. */
  void applied(ResourceType type, String namespace, ObjectNode configuration, String manager) {
    applied.put(
        key(type, namespace, configuration.path("metadata").path("name"), manager),
        configuration.deepCopy());
  }

  private static String key(ResourceType type, String namespace, JsonNode name, String manager) {
    return type.key() + "|" + namespace + "|" + name.asString() + "|" + manager;
  }
}
