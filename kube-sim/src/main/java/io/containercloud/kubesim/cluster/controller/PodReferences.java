package io.containercloud.kubesim.cluster.controller;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * What a pod's containers cannot start without, as the kubelet checks it: the ConfigMaps and
 * Secrets its volumes (also projected ones), {@code envFrom} and {@code valueFrom} name, and the
 * keys it takes from them, unless marked optional; its PersistentVolumeClaims, Bound. Pure: the
 * objects come from the caller.
 */
final class PodReferences {

  private PodReferences() {}

  /**
   * Why the pod cannot start yet ({@code configmap "x" not found}, {@code couldn't find key k in
   * Secret ns/y}), empty when nothing is missing.
   */
  static List<String> missing(
      Pod pod,
      BiFunction<String, String, Optional<ConfigMap>> configMaps,
      BiFunction<String, String, Optional<Secret>> secrets,
      BiFunction<String, String, Optional<PersistentVolumeClaim>> claims) {
    String namespace = pod.getMetadata().getNamespace();
    List<String> missing = new ArrayList<>();
    for (Volume volume : Optional.ofNullable(pod.getSpec().getVolumes()).orElse(List.of())) {
      if (volume.getPersistentVolumeClaim() != null) {
        String name = volume.getPersistentVolumeClaim().getClaimName();
        Optional<PersistentVolumeClaim> claim = claims.apply(namespace, name);
        if (claim.isEmpty()) {
          missing.add("persistentvolumeclaim \"" + name + "\" not found");
        } else if (claim.get().getStatus() == null
            || !"Bound".equals(claim.get().getStatus().getPhase())) {
          missing.add("persistentvolumeclaim \"" + name + "\" is not bound");
        }
      }
      if (volume.getConfigMap() != null && !optional(volume.getConfigMap().getOptional())) {
        configMap(namespace, volume.getConfigMap().getName(), null, configMaps, missing);
      }
      if (volume.getSecret() != null && !optional(volume.getSecret().getOptional())) {
        secret(namespace, volume.getSecret().getSecretName(), null, secrets, missing);
      }
      if (volume.getProjected() != null) {
        for (VolumeProjection source :
            Optional.ofNullable(volume.getProjected().getSources()).orElse(List.of())) {
          if (source.getConfigMap() != null && !optional(source.getConfigMap().getOptional())) {
            configMap(namespace, source.getConfigMap().getName(), null, configMaps, missing);
          }
          if (source.getSecret() != null && !optional(source.getSecret().getOptional())) {
            secret(namespace, source.getSecret().getName(), null, secrets, missing);
          }
        }
      }
    }
    List<Container> containers = new ArrayList<>(pod.getSpec().getContainers());
    containers.addAll(Optional.ofNullable(pod.getSpec().getInitContainers()).orElse(List.of()));
    for (Container container : containers) {
      for (EnvFromSource from : Optional.ofNullable(container.getEnvFrom()).orElse(List.of())) {
        if (from.getConfigMapRef() != null && !optional(from.getConfigMapRef().getOptional())) {
          configMap(namespace, from.getConfigMapRef().getName(), null, configMaps, missing);
        }
        if (from.getSecretRef() != null && !optional(from.getSecretRef().getOptional())) {
          secret(namespace, from.getSecretRef().getName(), null, secrets, missing);
        }
      }
      for (EnvVar env : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
        if (env.getValueFrom() == null) {
          continue;
        }
        var configMapKey = env.getValueFrom().getConfigMapKeyRef();
        if (configMapKey != null && !optional(configMapKey.getOptional())) {
          configMap(namespace, configMapKey.getName(), configMapKey.getKey(), configMaps, missing);
        }
        var secretKey = env.getValueFrom().getSecretKeyRef();
        if (secretKey != null && !optional(secretKey.getOptional())) {
          secret(namespace, secretKey.getName(), secretKey.getKey(), secrets, missing);
        }
      }
    }
    return missing.stream().distinct().toList();
  }

  private static void configMap(
      String namespace,
      String name,
      String key,
      BiFunction<String, String, Optional<ConfigMap>> configMaps,
      List<String> missing) {
    Optional<ConfigMap> map = configMaps.apply(namespace, name);
    if (map.isEmpty()) {
      missing.add("configmap \"" + name + "\" not found");
    } else if (key != null
        && !has(map.get().getData(), key)
        && !has(map.get().getBinaryData(), key)) {
      missing.add("couldn't find key " + key + " in ConfigMap " + namespace + "/" + name);
    }
  }

  private static void secret(
      String namespace,
      String name,
      String key,
      BiFunction<String, String, Optional<Secret>> secrets,
      List<String> missing) {
    Optional<Secret> secret = secrets.apply(namespace, name);
    if (secret.isEmpty()) {
      missing.add("secret \"" + name + "\" not found");
    } else if (key != null && !has(secret.get().getData(), key)) {
      missing.add("couldn't find key " + key + " in Secret " + namespace + "/" + name);
    }
  }

  private static boolean has(Map<String, String> data, String key) {
    return data != null && data.containsKey(key);
  }

  private static boolean optional(Boolean optional) {
    return Boolean.TRUE.equals(optional);
  }
}
