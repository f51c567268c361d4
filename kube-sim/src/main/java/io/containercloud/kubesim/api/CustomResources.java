package io.containercloud.kubesim.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The kinds the stored CustomResourceDefinitions define: served under their group, each served
 * version and plural, with their kind and scope, in discovery (so Helm's {@code
 * .Capabilities.APIVersions} and kubectl know them). Read from the store on each use, so a
 * definition is served as soon as it is stored.
 */
final class CustomResources {

  static final ResourceType DEFINITIONS =
      ResourceType.of("apiextensions.k8s.io", "v1", "customresourcedefinitions", false);

  private final ObjectStore store;

  CustomResources(ObjectStore store) {
    this.store = store;
  }

  /** The type a path names: a built-in one, one a CRD defines, or else an undeclared one. */
  ResourceType of(String group, String version, String plural, boolean namespaced) {
    ResourceType type = ResourceType.of(group, version, plural, namespaced);
    if (type.kind() != null) {
      return type;
    }
    // a definition's name is <plural>.<group>: one lookup, not a list, on every such request
    return store.find(DEFINITIONS, "", plural + "." + group).stream()
        .flatMap(stored -> served(stored.object()).stream())
        .filter(t -> t.version().equals(version))
        .findFirst()
        .orElse(type);
  }

  /** One type per served version of every stored definition. */
  List<ResourceType> all() {
    List<ResourceType> types = new ArrayList<>();
    for (ObjectStore.Stored stored : store.list(DEFINITIONS, null, Selector.ALL, 0, null).items()) {
      types.addAll(served(stored.object()));
    }
    return types;
  }

  private static List<ResourceType> served(JsonNode definition) {
    JsonNode spec = definition.path("spec");
    List<ResourceType> types = new ArrayList<>();
    for (JsonNode version : spec.path("versions")) {
      if (version.path("served").asBoolean(true)) {
        types.add(
            new ResourceType(
                spec.path("group").asString(),
                version.path("name").asString(),
                spec.path("names").path("plural").asString(),
                spec.path("names").path("kind").asString(),
                "Namespaced".equals(spec.path("scope").asString()),
                version.path("subresources").has("status"),
                version.path("subresources").has("scale")));
      }
    }
    return types;
  }

  /** Whether a definition names the group and plural it serves. */
  static Optional<String> problem(JsonNode definition) {
    JsonNode spec = definition.path("spec");
    if (spec.path("group").asString("").isEmpty()) {
      return Optional.of("spec.group: Required value");
    }
    if (spec.path("names").path("plural").asString("").isEmpty()
        || spec.path("names").path("kind").asString("").isEmpty()) {
      return Optional.of("spec.names: the plural and kind are required");
    }
    String name = definition.path("metadata").path("name").asString("");
    String expected =
        spec.path("names").path("plural").asString() + "." + spec.path("group").asString();
    if (!name.equals(expected)) {
      return Optional.of("metadata.name: must be spec.names.plural+\".\"+spec.group: " + expected);
    }
    if (!spec.path("versions").isArray() || spec.path("versions").isEmpty()) {
      return Optional.of("spec.versions: Required value");
    }
    return Optional.empty();
  }
}
