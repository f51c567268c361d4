package io.containercloud.kubesim.api;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A kind of object the API server stores, as its paths name it ({@code /api/v1/pods}, {@code
 * /apis/apps/v1/deployments}). The built-in kinds are listed with their kind name, scope and
 * subresources; a path naming any other resource is served too (for the kinds of CRDs the platform
 * writes), namespaced when its path has a namespace, with its objects' own kind.
 *
 * @param group the API group, empty for the core group
 * @param status whether {@code status} is a subresource: writes to the object keep the stored
 *     status, writes to {@code /status} change nothing else
 * @param scale whether the object has a {@code scale} subresource (its {@code spec.replicas})
 */
record ResourceType(
    String group,
    String version,
    String plural,
    String kind,
    boolean namespaced,
    boolean status,
    boolean scale) {

  private static final Map<String, ResourceType> BUILT_IN = new LinkedHashMap<>();

  static {
    List.of(
            core("namespaces", "Namespace", false, true),
            core("nodes", "Node", false, true),
            core("pods", "Pod", true, true),
            core("services", "Service", true, true),
            core("endpoints", "Endpoints", true, false),
            core("configmaps", "ConfigMap", true, false),
            core("secrets", "Secret", true, false),
            core("serviceaccounts", "ServiceAccount", true, false),
            core("persistentvolumeclaims", "PersistentVolumeClaim", true, true),
            core("persistentvolumes", "PersistentVolume", false, true),
            core("events", "Event", true, false),
            core("limitranges", "LimitRange", true, false),
            core("resourcequotas", "ResourceQuota", true, true),
            new ResourceType("apps", "v1", "deployments", "Deployment", true, true, true),
            new ResourceType("apps", "v1", "replicasets", "ReplicaSet", true, true, true),
            new ResourceType("apps", "v1", "statefulsets", "StatefulSet", true, true, true),
            new ResourceType("apps", "v1", "daemonsets", "DaemonSet", true, true, false),
            new ResourceType("batch", "v1", "jobs", "Job", true, true, false),
            new ResourceType("batch", "v1", "cronjobs", "CronJob", true, true, false),
            new ResourceType(
                "discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true, false, false),
            new ResourceType(
                "autoscaling",
                "v2",
                "horizontalpodautoscalers",
                "HorizontalPodAutoscaler",
                true,
                true,
                false),
            new ResourceType(
                "policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, true, false),
            new ResourceType(
                "networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, false, false),
            new ResourceType("networking.k8s.io", "v1", "ingresses", "Ingress", true, true, false),
            new ResourceType(
                "rbac.authorization.k8s.io", "v1", "roles", "Role", true, false, false),
            new ResourceType(
                "rbac.authorization.k8s.io",
                "v1",
                "rolebindings",
                "RoleBinding",
                true,
                false,
                false),
            new ResourceType(
                "rbac.authorization.k8s.io",
                "v1",
                "clusterroles",
                "ClusterRole",
                false,
                false,
                false),
            new ResourceType(
                "rbac.authorization.k8s.io",
                "v1",
                "clusterrolebindings",
                "ClusterRoleBinding",
                false,
                false,
                false),
            new ResourceType("coordination.k8s.io", "v1", "leases", "Lease", true, false, false),
            new ResourceType(
                "apiextensions.k8s.io",
                "v1",
                "customresourcedefinitions",
                "CustomResourceDefinition",
                false,
                true,
                false),
            new ResourceType("metrics.k8s.io", "v1beta1", "pods", "PodMetrics", true, false, false),
            new ResourceType(
                "metrics.k8s.io", "v1beta1", "nodes", "NodeMetrics", false, false, false))
        .forEach(type -> BUILT_IN.put(type.group() + "/" + type.plural(), type));
  }

  private static ResourceType core(String plural, String kind, boolean namespaced, boolean status) {
    return new ResourceType("", "v1", plural, kind, namespaced, status, false);
  }

  /** The built-in types, in a stable order. */
  static Collection<ResourceType> builtIn() {
    return BUILT_IN.values();
  }

  /**
   * The type a path names; {@code namespaced} is what the path says when the kind is not built in.
   */
  static ResourceType of(String group, String version, String plural, boolean namespaced) {
    ResourceType known = BUILT_IN.get(group + "/" + plural);
    return known != null
        ? known
        : new ResourceType(group, version, plural, null, namespaced, false, false);
  }

  /** What the store files the type's objects under: one collection per group and plural. */
  String key() {
    return group + "/" + plural;
  }

  String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** {@code deployments.apps}, as the API server's messages name a resource. */
  String qualified() {
    return group.isEmpty() ? plural : plural + "." + group;
  }
}
