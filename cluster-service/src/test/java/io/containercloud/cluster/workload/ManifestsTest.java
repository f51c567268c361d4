package io.containercloud.cluster.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.cluster.workload.model.Workload;
import io.containercloud.cluster.workload.model.WorkloadSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Every Deployment and Service is hardened the same way, whatever the workload asks. */
class ManifestsTest {

  private static final String IMAGE = "registry.example.com/shop/api:1.0";
  private static final WorkloadProperties PROPERTIES =
      new WorkloadProperties(
          "10Gi",
          75,
          Duration.ofSeconds(5),
          8,
          Duration.ofMinutes(1),
          Duration.ofSeconds(15),
          Duration.ofMinutes(5));
  private static final WorkloadSpec SPEC =
      new WorkloadSpec(
          "shop",
          new WorkloadSpec.Resources(
              new WorkloadSpec.Amounts("250m", "256Mi"),
              new WorkloadSpec.Amounts("1", "1Gi"),
              null),
          List.of(new WorkloadSpec.Port("http", 8080, null)),
          Map.of("MODE", "live", "LEVEL", "info"),
          new WorkloadSpec.Probe("/health", 8080, null, null),
          new WorkloadSpec.Probe(null, 8080, 30, 20),
          List.of(),
          null,
          null,
          null);

  private static Workload workload(WorkloadSpec spec) {
    return new Workload(
        1, "tenant-a", "api", spec, IMAGE, 4, null, false, 3, Instant.EPOCH, List.of());
  }

  private static Deployment deployment(WorkloadSpec spec) {
    return Manifests.deployment(workload(spec), IMAGE, 2, PROPERTIES);
  }

  private static PodSpec pod(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec();
  }

  private static Container container(Deployment deployment) {
    return pod(deployment).getContainers().get(0);
  }

  private static WorkloadSpec withResources(WorkloadSpec.Resources resources) {
    return new WorkloadSpec(
        SPEC.application(),
        resources,
        SPEC.ports(),
        SPEC.env(),
        SPEC.readiness(),
        SPEC.liveness(),
        SPEC.clusters(),
        SPEC.jvmOptions(),
        SPEC.dnsPolicy(),
        SPEC.follow());
  }

  private static WorkloadSpec withEnv(Map<String, String> env, boolean jvmOptions) {
    return new WorkloadSpec(
        SPEC.application(),
        SPEC.resources(),
        SPEC.ports(),
        env,
        SPEC.readiness(),
        SPEC.liveness(),
        SPEC.clusters(),
        jvmOptions,
        SPEC.dnsPolicy(),
        SPEC.follow());
  }

  @Test
  void thePodGetsNoTokenNoHostNamespacesAndTheCompanyDns() {
    PodSpec pod = pod(deployment(SPEC));

    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getEnableServiceLinks()).isFalse();
    assertThat(pod.getHostNetwork()).isFalse();
    assertThat(pod.getHostPID()).isFalse();
    assertThat(pod.getHostIPC()).isFalse();
    assertThat(pod.getDnsPolicy()).isEqualTo("Default");
    assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(30L);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
  }

  @Test
  void theContainerIsNeverPrivilegedNorMayEscalate() {
    Container container = container(deployment(SPEC));

    assertThat(container.getSecurityContext().getPrivileged()).isFalse();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getImage()).isEqualTo(IMAGE);
    assertThat(container.getImagePullPolicy()).isEqualTo("IfNotPresent");
  }

  @Test
  void limitsAreAlwaysSetEphemeralStorageIncluded() {
    Container container = container(deployment(SPEC));

    assertThat(container.getResources().getRequests())
        .isEqualTo(Map.of("cpu", new Quantity("250m"), "memory", new Quantity("256Mi")));
    assertThat(container.getResources().getLimits())
        .isEqualTo(
            Map.of(
                "cpu",
                new Quantity("1"),
                "memory",
                new Quantity("1Gi"),
                "ephemeral-storage",
                new Quantity("10Gi")));
    WorkloadSpec.Resources ownStorage =
        new WorkloadSpec.Resources(SPEC.resources().requests(), SPEC.resources().limits(), "2Gi");
    assertThat(
            container(deployment(withResources(ownStorage)))
                .getResources()
                .getLimits()
                .get("ephemeral-storage"))
        .isEqualTo(new Quantity("2Gi"));
  }

  @Test
  void theJvmIsSizedFromTheLimitsUnlessTheWorkloadSaysOtherwise() {
    assertThat(container(deployment(SPEC)).getEnv())
        .containsExactly(
            new EnvVar("LEVEL", "info", null),
            new EnvVar("MODE", "live", null),
            new EnvVar(
                "JAVA_TOOL_OPTIONS",
                "-Xmx768m -XX:ActiveProcessorCount=1 -XX:+ExitOnOutOfMemoryError",
                null));
    WorkloadSpec.Resources halfCores =
        new WorkloadSpec.Resources(
            SPEC.resources().requests(), new WorkloadSpec.Amounts("1500m", "2Gi"), null);
    assertThat(container(deployment(withResources(halfCores))).getEnv())
        .contains(
            new EnvVar(
                "JAVA_TOOL_OPTIONS",
                "-Xmx1536m -XX:ActiveProcessorCount=2 -XX:+ExitOnOutOfMemoryError",
                null));
    assertThat(container(deployment(withEnv(Map.of("JAVA_TOOL_OPTIONS", "-Xmx1g"), true))).getEnv())
        .containsExactly(new EnvVar("JAVA_TOOL_OPTIONS", "-Xmx1g", null));
    assertThat(container(deployment(withEnv(Map.of(), false))).getEnv()).isEmpty();
  }

  @Test
  void replicasSpreadOverHostsAndRollOutWithoutDowntime() {
    Deployment deployment = deployment(SPEC);
    Map<String, String> selector =
        Map.of("app.kubernetes.io/name", "api", "containercloud.io/tenant", "tenant-a");

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(deployment.getSpec().getSelector().getMatchLabels()).isEqualTo(selector);
    assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable())
        .isEqualTo(new IntOrString(0));
    assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxSurge())
        .isEqualTo(new IntOrString("25%"));
    WeightedPodAffinityTerm spread =
        pod(deployment)
            .getAffinity()
            .getPodAntiAffinity()
            .getPreferredDuringSchedulingIgnoredDuringExecution()
            .get(0);
    assertThat(spread.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname");
    assertThat(spread.getPodAffinityTerm().getLabelSelector().getMatchLabels()).isEqualTo(selector);
    assertThat(deployment.getMetadata().getLabels())
        .containsAllEntriesOf(selector)
        .containsEntry("app.kubernetes.io/part-of", "shop")
        .containsEntry("app.kubernetes.io/managed-by", "container-cloud");
  }

  @Test
  void probesAreHttpWithAPathAndTcpWithout() {
    Container container = container(deployment(SPEC));

    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health");
    assertThat(container.getReadinessProbe().getPeriodSeconds()).isEqualTo(10);
    assertThat(container.getLivenessProbe().getHttpGet()).isNull();
    assertThat(container.getLivenessProbe().getTcpSocket().getPort())
        .isEqualTo(new IntOrString(8080));
    assertThat(container.getLivenessProbe().getInitialDelaySeconds()).isEqualTo(30);
  }

  @Test
  void theDigestChangesWithWhatIsWrittenAndOnlyThen() {
    String digest = applied(deployment(SPEC));

    assertThat(applied(deployment(SPEC))).isEqualTo(digest);
    assertThat(applied(Manifests.deployment(workload(SPEC), IMAGE, 3, PROPERTIES)))
        .isNotEqualTo(digest);
    assertThat(applied(Manifests.deployment(workload(SPEC), IMAGE + "-rc", 2, PROPERTIES)))
        .isNotEqualTo(digest);
  }

  @Test
  void theServiceServesEveryNamedPortByName() {
    Service service = Manifests.service(workload(SPEC));

    assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(service.getSpec().getSelector())
        .isEqualTo(Map.of("app.kubernetes.io/name", "api", "containercloud.io/tenant", "tenant-a"));
    assertThat(service.getSpec().getPorts())
        .singleElement()
        .satisfies(
            port -> {
              assertThat(port.getName()).isEqualTo("http");
              assertThat(port.getPort()).isEqualTo(8080);
              assertThat(port.getTargetPort()).isEqualTo(new IntOrString("http"));
              assertThat(port.getProtocol()).isEqualTo("TCP");
            });
    assertThat(applied(service)).isNotBlank();
  }

  private static String applied(io.fabric8.kubernetes.api.model.HasMetadata object) {
    return object.getMetadata().getAnnotations().get(Manifests.APPLIED);
  }

  @Test
  void anUnchangedManifestIsComparedWithoutBuildingItAgain() {
    ManifestDigests digests = new ManifestDigests();
    AtomicInteger builds = new AtomicInteger();
    Supplier<Deployment> build =
        () -> {
          builds.incrementAndGet();
          return deployment(SPEC);
        };
    var inputs = new ManifestDigests.Inputs(Deployment.class, "tenant-a", "api", SPEC, IMAGE, 2);

    Deployment first = digests.changed(inputs, null, build);
    String written = Manifests.applied(first);
    assertThat(digests.changed(inputs, written, build)).isNull();
    assertThat(digests.changed(inputs, written, build)).isNull();
    assertThat(builds).hasValue(1);

    assertThat(digests.changed(inputs, "edited-in-the-cluster", build))
        .as("an object that drifted is written again")
        .isNotNull();
    var scaled = new ManifestDigests.Inputs(Deployment.class, "tenant-a", "api", SPEC, IMAGE, 3);
    assertThat(
            digests.changed(
                scaled, written, () -> Manifests.deployment(workload(SPEC), IMAGE, 3, PROPERTIES)))
        .satisfies(d -> assertThat(d.getSpec().getReplicas()).isEqualTo(3));
  }
}
