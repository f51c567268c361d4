package io.containercloud.build.executor.kubernetes;

import io.containercloud.build.executor.ProjectCredentials;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each tenant's build namespace with what its Jobs mount: the registry credential as a Docker
 * config Secret and the dependency cache claim. Made once per tenant and process; the Secret is
 * written again at each start, so a changed credential reaches the next builds.
 */
final class BuildNamespaces {

  private final KubernetesClient client;
  private final KubernetesProperties properties;
  private final JobTemplate template;
  private final Set<String> ready = ConcurrentHashMap.newKeySet();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  private final ProjectCredentials projects;

  BuildNamespaces(
      KubernetesClient client,
      KubernetesProperties properties,
      JobTemplate template,
      ProjectCredentials projects) {
    this.client = client;
    this.properties = properties;
    this.template = template;
    this.projects = projects;
  }

  /** The tenant's namespace, made with its Secret and claim when this process has not yet. */
  String ensure(String tenant) {
    String namespace = template.namespace(tenant);
    if (ready.contains(tenant)) {
      return namespace;
    }
    synchronized (locks.computeIfAbsent(tenant, t -> new Object())) {
      if (!ready.contains(tenant)) {
        prepare(tenant, namespace);
        ready.add(tenant);
      }
    }
    return namespace;
  }

  private void prepare(String tenant, String namespace) {
    Map<String, String> labels =
        Map.of(
            "app.kubernetes.io/managed-by",
            JobTemplate.MANAGED_BY,
            "platform.containercloud.io/tenant",
            tenant,
            // BuildKit rootless runs unconfined (BUILDS.md): baseline would refuse its pods
            "pod-security.kubernetes.io/enforce",
            "privileged");
    Namespace existing = client.namespaces().withName(namespace).get();
    if (existing == null) {
      client
          .namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName(namespace)
                  .withLabels(labels)
                  .endMetadata()
                  .build())
          .create();
    } else if (!Optional.ofNullable(existing.getMetadata().getLabels())
        .orElse(Map.of())
        .entrySet()
        .containsAll(labels.entrySet())) {
      // only the labels: a namespace is never written whole while Jobs live in it
      client
          .namespaces()
          .withName(namespace)
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              Serialization.asJson(Map.of("metadata", Map.of("labels", labels))));
    }
    client
        .secrets()
        .inNamespace(namespace)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(JobTemplate.REGISTRY_SECRET)
                .withLabels(Map.of("app.kubernetes.io/managed-by", JobTemplate.MANAGED_BY))
                .endMetadata()
                .withType("kubernetes.io/dockerconfigjson")
                .withData(Map.of(".dockerconfigjson", base64(dockerConfig(tenant))))
                .build())
        .createOr(NonDeletingOperation::update);
    if (client
            .persistentVolumeClaims()
            .inNamespace(namespace)
            .withName(JobTemplate.CACHE_CLAIM)
            .get()
        == null) {
      client
          .persistentVolumeClaims()
          .inNamespace(namespace)
          .resource(
              new PersistentVolumeClaimBuilder()
                  .withNewMetadata()
                  .withName(JobTemplate.CACHE_CLAIM)
                  .withLabels(Map.of("app.kubernetes.io/managed-by", JobTemplate.MANAGED_BY))
                  .endMetadata()
                  .withNewSpec()
                  .withAccessModes(properties.cacheAccessMode())
                  .withStorageClassName(properties.cacheStorageClass())
                  .withNewResources()
                  .withRequests(Map.of("storage", new Quantity(properties.cacheSize())))
                  .endResources()
                  .endSpec()
                  .build())
          .create();
    }
  }

  /**
   * {@code {"auths":{"<registry>":{"auth":"<user:password in base64>"}}}} with the tenant's own
   * account (its project only) where the registry has accounts per project, else the runner's
   * configured one, or no auths.
   */
  private String dockerConfig(String tenant) {
    String login =
        projects
            .forTenant(tenant)
            .map(c -> c.username() + ":" + c.password())
            .orElseGet(
                () ->
                    properties.registryUsername() == null || properties.registryUsername().isBlank()
                        ? null
                        : properties.registryUsername() + ":" + properties.registryPassword());
    if (login == null) {
      return "{\"auths\":{}}";
    }
    return "{\"auths\":{\"" + template.registry() + "\":{\"auth\":\"" + base64(login) + "\"}}}";
  }

  private static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }
}
