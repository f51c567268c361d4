package io.containercloud.cluster.workload;

import io.containercloud.cluster.workload.model.Workload;
import io.containercloud.cluster.workload.model.WorkloadSpec;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Deployment and Service a workload becomes in one cluster, hardened the same way everywhere:
 * preferred spreading over hosts, no service-account token, limits always set (ephemeral storage
 * included), the JVM sized from the limits, the company DNS by default, nothing privileged and no
 * host namespaces, no downtime in a rollout.
 */
final class Manifests {

  static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  static final String MANAGER = "container-cloud";
  static final String NAME = "app.kubernetes.io/name";
  static final String PART_OF = "app.kubernetes.io/part-of";
  static final String TENANT = "containercloud.io/tenant";

  /** A digest of what was written, so an unchanged object is not written again. */
  static final String APPLIED = "containercloud.io/applied";

  private Manifests() {}

  static Map<String, String> selector(String tenant, String name) {
    Map<String, String> labels = new TreeMap<>();
    labels.put(NAME, name);
    labels.put(TENANT, tenant);
    return labels;
  }

  static Deployment deployment(
      Workload workload, String image, int replicas, WorkloadProperties properties) {
    WorkloadSpec spec = workload.spec();
    Map<String, String> selector = selector(workload.tenant(), workload.name());
    Map<String, String> labels = labels(workload);
    Map<String, Quantity> limits = new TreeMap<>();
    limits.put("cpu", new Quantity(spec.resources().limits().cpu()));
    limits.put("memory", new Quantity(spec.resources().limits().memory()));
    limits.put(
        "ephemeral-storage",
        new Quantity(
            spec.resources().ephemeralStorage() == null
                ? properties.ephemeralStorageLimit()
                : spec.resources().ephemeralStorage()));
    Map<String, Quantity> requests = new TreeMap<>();
    requests.put("cpu", new Quantity(spec.resources().requests().cpu()));
    requests.put("memory", new Quantity(spec.resources().requests().memory()));

    Deployment deployment =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName(workload.name())
            .withNamespace(workload.tenant())
            .withLabels(labels)
            .endMetadata()
            .withNewSpec()
            .withReplicas(replicas)
            .withRevisionHistoryLimit(5)
            .withNewSelector()
            .withMatchLabels(selector)
            .endSelector()
            .withNewStrategy()
            .withType("RollingUpdate")
            .withNewRollingUpdate()
            .withMaxSurge(new IntOrString("25%"))
            .withMaxUnavailable(new IntOrString(0))
            .endRollingUpdate()
            .endStrategy()
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(labels)
            .endMetadata()
            .withNewSpec()
            .withAutomountServiceAccountToken(false)
            .withEnableServiceLinks(false)
            .withDnsPolicy(spec.dnsPolicy())
            .withHostNetwork(false)
            .withHostPID(false)
            .withHostIPC(false)
            .withTerminationGracePeriodSeconds(30L)
            .withNewSecurityContext()
            .withNewSeccompProfile()
            .withType("RuntimeDefault")
            .endSeccompProfile()
            .endSecurityContext()
            .withNewAffinity()
            .withNewPodAntiAffinity()
            .addNewPreferredDuringSchedulingIgnoredDuringExecution()
            .withWeight(100)
            .withNewPodAffinityTerm()
            .withTopologyKey("kubernetes.io/hostname")
            .withNewLabelSelector()
            .withMatchLabels(selector)
            .endLabelSelector()
            .endPodAffinityTerm()
            .endPreferredDuringSchedulingIgnoredDuringExecution()
            .endPodAntiAffinity()
            .endAffinity()
            .addNewContainer()
            .withName(workload.name())
            .withImage(image)
            .withImagePullPolicy("IfNotPresent")
            .withEnv(env(spec, properties))
            .withPorts(
                spec.ports().stream()
                    .map(
                        p ->
                            new ContainerPortBuilder()
                                .withName(p.name())
                                .withContainerPort(p.port())
                                .withProtocol(p.protocol())
                                .build())
                    .toList())
            .withNewResources()
            .withRequests(requests)
            .withLimits(limits)
            .endResources()
            .withReadinessProbe(probe(spec.readiness()))
            .withLivenessProbe(probe(spec.liveness()))
            .withNewSecurityContext()
            .withPrivileged(false)
            .withAllowPrivilegeEscalation(false)
            .endSecurityContext()
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    deployment.getMetadata().setAnnotations(Map.of(APPLIED, digest(deployment.getSpec())));
    return deployment;
  }

  static Service service(Workload workload) {
    Service service =
        new ServiceBuilder()
            .withNewMetadata()
            .withName(workload.name())
            .withNamespace(workload.tenant())
            .withLabels(labels(workload))
            .endMetadata()
            .withNewSpec()
            .withType("ClusterIP")
            .withSelector(selector(workload.tenant(), workload.name()))
            .withPorts(
                workload.spec().ports().stream()
                    .map(
                        p ->
                            new ServicePortBuilder()
                                .withName(p.name())
                                .withPort(p.port())
                                .withTargetPort(new IntOrString(p.name()))
                                .withProtocol(p.protocol())
                                .build())
                    .toList())
            .endSpec()
            .build();
    service.getMetadata().setAnnotations(Map.of(APPLIED, digest(service.getSpec())));
    return service;
  }

  private static Map<String, String> labels(Workload workload) {
    Map<String, String> labels = selector(workload.tenant(), workload.name());
    labels.put(PART_OF, workload.spec().application());
    labels.put(MANAGED_BY, MANAGER);
    return labels;
  }

  private static List<EnvVar> env(WorkloadSpec spec, WorkloadProperties properties) {
    Map<String, String> env = new LinkedHashMap<>(new TreeMap<>(spec.env()));
    if (spec.jvmOptions() && !env.containsKey("JAVA_TOOL_OPTIONS")) {
      env.put("JAVA_TOOL_OPTIONS", jvmOptions(spec.resources().limits(), properties));
    }
    List<EnvVar> vars = new ArrayList<>();
    env.forEach((name, value) -> vars.add(new EnvVar(name, value, null)));
    return vars;
  }

  /**
   * A heap that leaves room for metaspace, threads and buffers inside the memory limit, and as many
   * GC and compiler threads as the CPU limit pays for (the JVM would otherwise count the node's).
   */
  static String jvmOptions(WorkloadSpec.Amounts limits, WorkloadProperties properties) {
    long bytes = Quantity.getAmountInBytes(new Quantity(limits.memory())).longValue();
    long heapMiB = Math.max(16, bytes * properties.jvmHeapPercent() / 100 / (1024 * 1024));
    int processors =
        Quantity.getAmountInBytes(new Quantity(limits.cpu()))
            .setScale(0, RoundingMode.CEILING)
            .max(BigDecimal.ONE)
            .intValue();
    return "-Xmx"
        + heapMiB
        + "m -XX:ActiveProcessorCount="
        + processors
        + " -XX:+ExitOnOutOfMemoryError";
  }

  private static Probe probe(WorkloadSpec.Probe probe) {
    if (probe == null) {
      return null;
    }
    ProbeBuilder builder =
        new ProbeBuilder()
            .withInitialDelaySeconds(
                probe.initialDelaySeconds() == null ? 0 : probe.initialDelaySeconds())
            .withPeriodSeconds(probe.periodSeconds() == null ? 10 : probe.periodSeconds());
    return probe.path() == null
        ? builder.withNewTcpSocket().withPort(new IntOrString(probe.port())).endTcpSocket().build()
        : builder
            .withNewHttpGet()
            .withPath(probe.path())
            .withPort(new IntOrString(probe.port()))
            .endHttpGet()
            .build();
  }

  /** The digest an object was written with, empty when it has none. */
  static String applied(HasMetadata object) {
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    return annotations == null ? "" : annotations.getOrDefault(APPLIED, "");
  }

  private static String digest(Object spec) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(spec.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
