package io.containercloud.kubesim.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI v3 documents kubectl and Helm read before they write: {@code /openapi/v3} (the
 * group-versions) and one document per group-version, each with the PATCH operation of every kind,
 * marked with its group, version and kind and taking the {@code fieldValidation} parameter. That is
 * what a client checks to leave validation to the server: it then sends {@code
 * fieldValidation=Strict} and kube-sim refuses unknown fields ({@link FieldValidation}).
 *
 * <p>The documents hold no schemas: {@code kubectl explain} finds nothing, and {@code kubectl
 * apply} computes its patches from its own built-in types, as it does against a server without
 * OpenAPI. {@code /openapi/v2} stays unserved (clients ask for it only when v3 fails).
 */
final class OpenApi {

  private static final String ROOT = "/openapi/v3";

  /** The release the documents describe (clients cache a document by its hash). */
  private static final String RELEASE = "v1.33.0-kube-sim";

  private static final List<String> PATCH_PARAMETERS =
      List.of("dryRun", "fieldManager", "fieldValidation", "force", "pretty");

  private final JsonMapper json;

  /** Each group-version's document path ({@code api/v1}, {@code apis/apps/v1}) and its kinds. */
  private final Map<String, List<ResourceType>> byPath = new TreeMap<>();

  OpenApi(JsonMapper json) {
    this.json = json;
    for (ResourceType type : ResourceType.builtIn()) {
      if (!type.group().equals("metrics.k8s.io")) { // read-only: nothing to patch
        byPath.computeIfAbsent(path(type), p -> new ArrayList<>()).add(type);
      }
    }
  }

  /** The document at {@code path}, if it names one. */
  Optional<String> document(String path) {
    if (path.equals(ROOT) || path.equals(ROOT + "/")) {
      return Optional.of(root());
    }
    if (path.startsWith(ROOT + "/")) {
      List<ResourceType> types = byPath.get(path.substring(ROOT.length() + 1));
      return types == null ? Optional.empty() : Optional.of(groupVersion(types));
    }
    return Optional.empty();
  }

  private String root() {
    ObjectNode root = json.createObjectNode();
    ObjectNode paths = root.putObject("paths");
    // the documents are the same for a release: it stands for their hash
    byPath
        .keySet()
        .forEach(
            p -> paths.putObject(p).put("serverRelativeURL", ROOT + "/" + p + "?hash=" + RELEASE));
    return json.writeValueAsString(root);
  }

  private String groupVersion(List<ResourceType> types) {
    ObjectNode document = json.createObjectNode().put("openapi", "3.0.0");
    document.putObject("info").put("title", "Kubernetes").put("version", RELEASE);
    ObjectNode paths = document.putObject("paths");
    for (ResourceType type : types) {
      String collection =
          "/"
              + path(type)
              + (type.namespaced() ? "/namespaces/{namespace}/" : "/")
              + type.plural()
              + "/{name}";
      ObjectNode patch = paths.putObject(collection).putObject("patch");
      patch
          .put("operationId", "patch" + type.kind())
          .putObject("x-kubernetes-group-version-kind")
          .put("group", type.group())
          .put("version", type.version())
          .put("kind", type.kind());
      ArrayNode parameters = patch.putArray("parameters");
      PATCH_PARAMETERS.forEach(
          name ->
              parameters
                  .addObject()
                  .put("name", name)
                  .put("in", "query")
                  .putObject("schema")
                  .put("type", "string"));
      patch.putObject("responses").putObject("200").put("description", "OK");
    }
    document.putObject("components").putObject("schemas");
    return json.writeValueAsString(document);
  }

  private static String path(ResourceType type) {
    return type.group().isEmpty() ? "api/" + type.version() : "apis/" + type.apiVersion();
  }
}
