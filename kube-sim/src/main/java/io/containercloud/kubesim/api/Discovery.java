package io.containercloud.kubesim.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The API server's discovery documents, as kubectl and Helm read them before anything else: {@code
 * /api} ({@code APIVersions}), {@code /apis} ({@code APIGroupList}), {@code /apis/<group>} ({@code
 * APIGroup}) and each group-version's {@code APIResourceList}, made from the built-in {@link
 * ResourceType}s with their verbs, short names, categories and subresources ({@code status}, {@code
 * scale} as {@code autoscaling/v1 Scale}, a pod's {@code log} and {@code exec}).
 *
 * <p>Only the legacy documents: a client that asks for the aggregated ones ({@code
 * apidiscovery.k8s.io/v2}) gets these as {@code application/json} and reads them as such, as it
 * does from an API server older than 1.26. The kinds stored CustomResourceDefinitions define are
 * listed too ({@link CustomResources}); resources of undeclared kinds are stored when written but
 * not listed.
 */
final class Discovery {

  private static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
  private static final List<String> READ_ONLY = List.of("get", "list");
  private static final List<String> SUBRESOURCE_VERBS = List.of("get", "patch", "update");

  /** kube-apiserver's short names, by group and plural. */
  private static final Map<String, List<String>> SHORT_NAMES =
      Map.ofEntries(
          Map.entry("/namespaces", List.of("ns")),
          Map.entry("/nodes", List.of("no")),
          Map.entry("/pods", List.of("po")),
          Map.entry("/services", List.of("svc")),
          Map.entry("/endpoints", List.of("ep")),
          Map.entry("/configmaps", List.of("cm")),
          Map.entry("/serviceaccounts", List.of("sa")),
          Map.entry("/persistentvolumeclaims", List.of("pvc")),
          Map.entry("/persistentvolumes", List.of("pv")),
          Map.entry("/events", List.of("ev")),
          Map.entry("/limitranges", List.of("limits")),
          Map.entry("/resourcequotas", List.of("quota")),
          Map.entry("apps/deployments", List.of("deploy")),
          Map.entry("apps/replicasets", List.of("rs")),
          Map.entry("apps/statefulsets", List.of("sts")),
          Map.entry("apps/daemonsets", List.of("ds")),
          Map.entry("batch/cronjobs", List.of("cj")),
          Map.entry("autoscaling/horizontalpodautoscalers", List.of("hpa")),
          Map.entry("policy/poddisruptionbudgets", List.of("pdb")),
          Map.entry("networking.k8s.io/networkpolicies", List.of("netpol")),
          Map.entry("networking.k8s.io/ingresses", List.of("ing")),
          Map.entry("apiextensions.k8s.io/customresourcedefinitions", List.of("crd", "crds")));

  /** What {@code kubectl get all} lists. */
  private static final List<String> ALL =
      List.of(
          "/pods",
          "/services",
          "apps/deployments",
          "apps/replicasets",
          "apps/statefulsets",
          "apps/daemonsets",
          "batch/jobs",
          "batch/cronjobs",
          "autoscaling/horizontalpodautoscalers");

  private final JsonMapper json;
  private final Supplier<List<ResourceType>> custom;

  Discovery(JsonMapper json, Supplier<List<ResourceType>> custom) {
    this.json = json;
    this.custom = custom;
  }

  /** The types by group-version: the built-in ones, then those CRDs define. */
  private Map<String, List<ResourceType>> byGroupVersion() {
    Map<String, List<ResourceType>> byGroupVersion = new TreeMap<>();
    List<ResourceType> types = new ArrayList<>(ResourceType.builtIn());
    types.addAll(custom.get());
    for (ResourceType type : types) {
      byGroupVersion.computeIfAbsent(type.apiVersion(), v -> new ArrayList<>()).add(type);
    }
    return byGroupVersion;
  }

  /**
   * The discovery document at {@code path}, if it names one; {@code address} is the host and port
   * the client reached the server at.
   */
  Optional<String> document(String path, String address) {
    String trimmed =
        path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
    String[] parts = trimmed.split("/");
    // built once per document: the CRDs' types are read from the store
    Map<String, List<ResourceType>> types = byGroupVersion();
    if (trimmed.equals("/api")) {
      return Optional.of(apiVersions(address));
    }
    if (trimmed.equals("/apis")) {
      return Optional.of(groupList(types));
    }
    if (trimmed.equals("/api/v1")) {
      return Optional.of(resources(types, "v1"));
    }
    if (parts.length == 3 && parts[1].equals("apis")) {
      return groupVersions(types, parts[2]).map(this::group);
    }
    if (parts.length == 4 && parts[1].equals("apis")) {
      String groupVersion = parts[2] + "/" + parts[3];
      return types.containsKey(groupVersion)
          ? Optional.of(resources(types, groupVersion))
          : Optional.empty();
    }
    return Optional.empty();
  }

  private String apiVersions(String address) {
    ObjectNode versions = json.createObjectNode().put("kind", "APIVersions");
    versions.putArray("versions").add("v1");
    versions
        .putArray("serverAddressByClientCIDRs")
        .addObject()
        .put("clientCIDR", "0.0.0.0/0")
        .put("serverAddress", address);
    return json.writeValueAsString(versions);
  }

  private String groupList(Map<String, List<ResourceType>> types) {
    ObjectNode list = json.createObjectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
    ArrayNode groups = list.putArray("groups");
    groupNames(types)
        .forEach(name -> groups.add(groupNode(groupVersions(types, name).orElseThrow())));
    return json.writeValueAsString(list);
  }

  private String group(List<String> groupVersions) {
    return json.writeValueAsString(
        groupNode(groupVersions).put("kind", "APIGroup").put("apiVersion", "v1"));
  }

  /** A group with its versions, the first one preferred. */
  private ObjectNode groupNode(List<String> groupVersions) {
    ObjectNode group = json.createObjectNode();
    group.put("name", groupVersions.get(0).substring(0, groupVersions.get(0).indexOf('/')));
    ArrayNode versions = group.putArray("versions");
    groupVersions.forEach(v -> versions.add(version(v)));
    group.set("preferredVersion", version(groupVersions.get(0)));
    return group;
  }

  private ObjectNode version(String groupVersion) {
    return json.createObjectNode()
        .put("groupVersion", groupVersion)
        .put("version", groupVersion.substring(groupVersion.indexOf('/') + 1));
  }

  /** The named groups (not the core one), in name order. */
  private static List<String> groupNames(Map<String, List<ResourceType>> types) {
    Map<String, Boolean> names = new LinkedHashMap<>();
    types.keySet().stream()
        .filter(v -> v.contains("/"))
        .map(v -> v.substring(0, v.indexOf('/')))
        .forEach(name -> names.put(name, true));
    return List.copyOf(names.keySet());
  }

  /** The group-versions of a named group, or empty when there is no such group. */
  private static Optional<List<String>> groupVersions(
      Map<String, List<ResourceType>> types, String group) {
    List<String> versions = types.keySet().stream().filter(v -> v.startsWith(group + "/")).toList();
    return versions.isEmpty() ? Optional.empty() : Optional.of(versions);
  }

  private String resources(Map<String, List<ResourceType>> types, String groupVersion) {
    ObjectNode list =
        json.createObjectNode()
            .put("kind", "APIResourceList")
            .put("apiVersion", "v1")
            .put("groupVersion", groupVersion);
    ArrayNode resources = list.putArray("resources");
    for (ResourceType type : types.get(groupVersion)) {
      boolean metrics = type.group().equals("metrics.k8s.io");
      ObjectNode resource =
          resource(resources, type.plural(), type, type.kind(), metrics ? READ_ONLY : VERBS)
              .put("singularName", type.kind().toLowerCase(Locale.ROOT));
      List<String> shortNames = SHORT_NAMES.get(type.key());
      if (shortNames != null) {
        shortNames.forEach(resource.putArray("shortNames")::add);
      }
      if (ALL.contains(type.key())) {
        resource.putArray("categories").add("all");
      }
      if (type.status()) {
        resource(resources, type.plural() + "/status", type, type.kind(), SUBRESOURCE_VERBS);
      }
      if (type.scale()) {
        resource(resources, type.plural() + "/scale", type, "Scale", SUBRESOURCE_VERBS)
            .put("group", "autoscaling")
            .put("version", "v1");
      }
      if (type.key().equals("/pods")) {
        resource(resources, "pods/log", type, "Pod", List.of("get"));
        resource(resources, "pods/exec", type, "PodExecOptions", List.of("create", "get"));
      }
      if (type.key().equals("/namespaces")) {
        resource(resources, "namespaces/finalize", type, "Namespace", List.of("update"));
      }
    }
    return json.writeValueAsString(list);
  }

  private static ObjectNode resource(
      ArrayNode resources, String name, ResourceType type, String kind, List<String> verbs) {
    ObjectNode resource =
        resources
            .addObject()
            .put("name", name)
            .put("singularName", "")
            .put("namespaced", type.namespaced())
            .put("kind", kind);
    verbs.forEach(resource.putArray("verbs")::add);
    return resource;
  }
}
