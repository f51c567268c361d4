package io.containercloud.e2e;

import static io.containercloud.e2e.HelmChart.PREFIX;
import static io.containercloud.e2e.HelmChart.RELEASE;
import static io.containercloud.e2e.HelmChart.SERVICES;
import static io.containercloud.e2e.HelmChart.find;
import static io.containercloud.e2e.HelmChart.render;
import static io.containercloud.e2e.HelmChart.set;
import static io.containercloud.e2e.HelmChart.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.LintResult;
import io.containercloud.common.testing.LocalInfra;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * helm/container-cloud as Helm itself lints and renders it (helm-java: Helm's own code through
 * JNA): every service's objects hardened the same way with the three ci values files, and the
 * values Helm must refuse refused with the value's name.
 */
class ChartRenderIT {

  @Test
  void lintsCleanEvenStrict() {
    LintResult result = HelmChart.helm().lint().strict().call();
    assertThat(result.isFailed()).as("%s", result.getMessages()).isFalse();
    assertThat(result.getMessages())
        .noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"default", "minimal", "production", "trial"})
  void everyServiceIsAHardenedDeploymentWithServiceBudgetAndAccount(String valuesFile) {
    List<HasMetadata> objects = render(valuesFile);
    for (String service : SERVICES) {
      String name = PREFIX + service;
      Deployment deployment = find(objects, Deployment.class, name);
      Map<String, String> selector = deployment.getSpec().getSelector().getMatchLabels();
      assertThat(selector)
          .containsEntry("app.kubernetes.io/name", service)
          .containsEntry("app.kubernetes.io/instance", HelmChart.RELEASE);
      assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
          .containsAllEntriesOf(selector);
      assertThat(
              deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
          .as("%s keeps its capacity while rolling", service)
          .isZero();

      PodSpec pod = deployment.getSpec().getTemplate().getSpec();
      assertThat(pod.getServiceAccountName()).isEqualTo(name);
      assertThat(pod.getAutomountServiceAccountToken())
          .as("%s mounts a service-account token only when it calls this cluster", service)
          .isEqualTo(service.equals("build-service"));
      assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
      assertThat(pod.getVolumes()).allSatisfy(volume -> assertThat(volume.getHostPath()).isNull());
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
      assertThat(pod.getSecurityContext().getSeccompProfile().getType())
          .isEqualTo("RuntimeDefault");
      assertThat(pod.getAffinity().getPodAntiAffinity().toString())
          .contains("kubernetes.io/hostname");

      assertThat(pod.getContainers()).hasSize(1);
      Container container = pod.getContainers().get(0);
      assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
      assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
      assertThat(container.getSecurityContext().getPrivileged()).isNotEqualTo(Boolean.TRUE);
      assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(container.getVolumeMounts())
          .as("the JVM's temporary files on a writable volume")
          .anyMatch(mount -> mount.getMountPath().equals("/tmp"));
      assertThat(container.getLivenessProbe().getHttpGet().getPath())
          .isEqualTo("/actuator/health/liveness");
      assertThat(container.getReadinessProbe().getHttpGet().getPath())
          .isEqualTo("/actuator/health/readiness");
      assertThat(container.getStartupProbe().getHttpGet().getPath())
          .isEqualTo("/actuator/health/liveness");
      int port = container.getPorts().get(0).getContainerPort();
      assertThat(env(container)).containsEntry("SERVER_PORT", String.valueOf(port));
      assertThat(env(container).get("JAVA_TOOL_OPTIONS")).contains("-XX:MaxRAMPercentage=");
      Quantity limit = container.getResources().getLimits().get("memory");
      assertThat(limit).as("%s: a memory limit the heap is sized from", service).isNotNull();
      Quantity request = container.getResources().getRequests().get("memory");
      assertThat(Quantity.getAmountInBytes(request))
          .as("%s requests no more memory than its limit", service)
          .isLessThanOrEqualTo(Quantity.getAmountInBytes(limit));

      Service svc = find(objects, Service.class, name);
      assertThat(svc.getSpec().getSelector()).isEqualTo(selector);
      assertThat(svc.getSpec().getPorts().get(0).getPort()).isEqualTo(port);
      assertThat(svc.getSpec().getPorts().get(0).getTargetPort().getStrVal()).isEqualTo("http");
      assertThat(container.getPorts().get(0).getName()).isEqualTo("http");

      PodDisruptionBudget budget = find(objects, PodDisruptionBudget.class, name);
      assertThat(budget.getSpec().getSelector().getMatchLabels()).isEqualTo(selector);
      assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
      assertThat(find(objects, ServiceAccount.class, name).getAutomountServiceAccountToken())
          .isEqualTo(pod.getAutomountServiceAccountToken());
    }
    assertThat(objects)
        .allSatisfy(
            o ->
                assertThat(o.getMetadata().getLabels())
                    .containsEntry("app.kubernetes.io/part-of", "container-cloud")
                    .containsEntry("app.kubernetes.io/instance", HelmChart.RELEASE)
                    .containsEntry("app.kubernetes.io/managed-by", "Helm"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"default", "minimal", "production"})
  void logAgentRunsOnEveryNodeReadingPodLogsOnlyWithRightsToReadPodsOnly(String valuesFile) {
    List<HasMetadata> objects = render(valuesFile);
    String name = PREFIX + "log-agent";
    DaemonSet agents = find(objects, DaemonSet.class, name);
    PodSpec pod = agents.getSpec().getTemplate().getSpec();
    assertThat(agents.getSpec().getUpdateStrategy().getType()).isEqualTo("RollingUpdate");
    assertThat(pod.getTolerations())
        .singleElement()
        .satisfies(t -> assertThat(t.getOperator()).isEqualTo("Exists"));
    assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    Container container = pod.getContainers().get(0);
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(container.getVolumeMounts())
        .filteredOn(m -> m.getMountPath().equals("/var/log/pods"))
        .singleElement()
        .satisfies(m -> assertThat(m.getReadOnly()).isTrue());
    assertThat(container.getEnv())
        .anyMatch(
            e ->
                e.getName().equals("PLATFORM_LOG_AGENT_NODE")
                    && e.getValueFrom().getFieldRef().getFieldPath().equals("spec.nodeName"));
    assertThat(container.getResources().getLimits()).containsKey("memory");
    assertThat(container.getReadinessProbe().getHttpGet().getPath())
        .isEqualTo("/actuator/health/readiness");
    assertThat(pod.getServiceAccountName()).isEqualTo(name);
    ClusterRole role = find(objects, ClusterRole.class, name);
    assertThat(role.getRules())
        .singleElement()
        .satisfies(
            rule -> {
              assertThat(rule.getResources()).containsExactly("pods");
              assertThat(rule.getVerbs()).containsExactly("get", "list", "watch");
            });
    ClusterRoleBinding binding = find(objects, ClusterRoleBinding.class, name);
    assertThat(binding.getSubjects().get(0).getName()).isEqualTo(name);
    assertThat(binding.getRoleRef().getName()).isEqualTo(name);
  }

  @Test
  void nginxAgentRunsNginxOnTheSelectedNodesWithTheirNetworkWhenAskedTo() {
    assertThat(render("default"))
        .noneMatch(o -> o.getMetadata().getName().equals(PREFIX + "nginx-agent"));

    List<HasMetadata> objects = render("production");
    DaemonSet nginx = find(objects, DaemonSet.class, PREFIX + "nginx-agent");
    PodSpec pod = nginx.getSpec().getTemplate().getSpec();
    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(pod.getNodeSelector()).containsEntry("node-role.example.com/edge", "true");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    Container container = pod.getContainers().get(0);
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getSecurityContext().getCapabilities().getAdd())
        .containsExactly("NET_BIND_SERVICE");
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(env(container))
        .containsEntry("PLATFORM_NGINX_CLUSTER", "edge-room-1")
        .containsEntry("PLATFORM_NGINX_HOST_ID", "field:spec.nodeName")
        .containsEntry(
            "PLATFORM_NGINX_CERTIFICATES_KEY", "secret:platform-secrets/nginx-certificates-key");
    assertThatThrownBy(
            () ->
                render(List.of(values("default")), c -> c.set("daemons.nginx-agent.enabled", true)))
        .hasMessageContaining("daemons.nginx-agent.nodeSelector is required");
  }

  @Test
  void aTrialBundlesEveryServerWithItsDataOnAClaimAndTheServicesUseThem() throws Exception {
    List<HasMetadata> objects = render("trial");
    for (String server : List.of("mariadb", "etcd", "kafka", "elasticsearch", "bind", "registry")) {
      StatefulSet set = find(objects, StatefulSet.class, PREFIX + server);
      assertThat(set.getSpec().getReplicas()).isEqualTo(1);
      assertThat(set.getSpec().getVolumeClaimTemplates())
          .singleElement()
          .satisfies(
              c -> assertThat(c.getSpec().getResources().getRequests()).containsKey("storage"));
      assertThat(find(objects, Service.class, PREFIX + server).getSpec().getClusterIP())
          .isEqualTo("None");
    }
    assertThat(
            find(objects, StatefulSet.class, PREFIX + "etcd")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getCommand())
        .as("compacted, capped")
        .contains(
            "--auto-compaction-mode=periodic",
            "--auto-compaction-retention=1h",
            "--quota-backend-bytes=2147483648");
    assertThat(env(container(objects, "audit-service")))
        .containsEntry("PLATFORM_DB_URL", "jdbc:mysql://" + PREFIX + "mariadb:3306/audit")
        .containsEntry("PLATFORM_KAFKA_BOOTSTRAP", PREFIX + "kafka:9092");
    assertThat(env(container(objects, "nginx-mgr")))
        .containsEntry("PLATFORM_ETCD_ENDPOINTS", "http://" + PREFIX + "etcd:2379");
    assertThat(env(container(objects, "log-center")))
        .containsEntry("PLATFORM_ELASTICSEARCH_URIS", "http://" + PREFIX + "elasticsearch:9200");
    assertThat(env(container(objects, "dns-service")))
        .containsEntry("PLATFORM_BIND_HOST", PREFIX + "bind");
    assertThat(env(container(objects, "build-service")))
        .containsEntry("PLATFORM_BUILD_REGISTRY", PREFIX + "registry:5000");
    Map<String, byte[]> keys = decoded(find(objects, Secret.class, PREFIX + "secrets"));
    assertThat(Base64.getDecoder().decode(keys.get("dns-tsig-secret")))
        .as("generated TSIG key")
        .hasSize(32);
    assertThat(
            new String(
                decoded(find(objects, Secret.class, PREFIX + "database")).get("password"),
                StandardCharsets.US_ASCII))
        .as("generated database password")
        .matches("[A-Za-z0-9]{24}");
  }

  @Test
  void networkPoliciesLetInOnlyTheReleaseMetricsAndTheDoors() {
    assertThat(render("default")).noneMatch(NetworkPolicy.class::isInstance);
    List<HasMetadata> objects = render("production");
    for (String service : SERVICES) {
      NetworkPolicy policy = find(objects, NetworkPolicy.class, PREFIX + service);
      assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
      assertThat(policy.getSpec().getPodSelector().getMatchLabels())
          .containsEntry("app.kubernetes.io/name", service);
      NetworkPolicyIngressRule inside = policy.getSpec().getIngress().get(0);
      assertThat(inside.getFrom().get(0).getPodSelector().getMatchLabels())
          .containsEntry("app.kubernetes.io/instance", RELEASE);
      assertThat(inside.getFrom().get(1).getNamespaceSelector().getMatchLabels())
          .containsEntry("kubernetes.io/metadata.name", "monitoring");
      switch (service) {
        case "gateway" ->
            assertThat(policy.getSpec().getIngress().get(1).getFrom())
                .singleElement()
                .satisfies(
                    peer ->
                        assertThat(peer.getNamespaceSelector().getMatchLabels())
                            .containsEntry("kubernetes.io/metadata.name", "ingress"));
        case "build-service" ->
            assertThat(policy.getSpec().getIngress().get(1).getFrom())
                .as("registries post from anywhere, checked by their secret")
                .isNullOrEmpty();
        default -> assertThat(policy.getSpec().getIngress()).hasSize(1);
      }
    }
  }

  @Test
  void serviceMonitorsNeedTheirKindInTheCluster() {
    assertThatThrownBy(
            () -> render(List.of(values("default")), c -> c.set("serviceMonitor.enabled", true)))
        .hasMessageContaining(
            "serviceMonitor.enabled needs the Prometheus Operator's ServiceMonitor kind");
  }

  @Test
  void buildServiceMayDoWhatBuildingNeedsAndNothingElse() {
    List<HasMetadata> objects = render("default");
    String name = PREFIX + "build-service";
    ClusterRole role = find(objects, ClusterRole.class, name);
    assertThat(role.getRules())
        .extracting(r -> String.join(",", r.getResources()) + ":" + String.join(",", r.getVerbs()))
        .containsExactlyInAnyOrder(
            "namespaces:create,get,patch",
            "secrets:create,get,update",
            "persistentvolumeclaims:create,get",
            "jobs:create,delete,list,watch",
            "pods:list,watch",
            "pods/log:get");
    ClusterRoleBinding binding = find(objects, ClusterRoleBinding.class, name);
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(s -> assertThat(s.getName()).isEqualTo(name));
    assertThat(env(container(objects, "build-service")))
        .containsEntry("PLATFORM_BUILD_EXECUTOR", "kubernetes")
        .doesNotContainKey("PLATFORM_BUILD_KUBERNETES_KUBECONFIG");
    assertThat(objects)
        .filteredOn(o -> o instanceof ClusterRole)
        .extracting(o -> o.getMetadata().getName())
        .as("no other service gets rights in the cluster")
        .containsExactlyInAnyOrder(name, PREFIX + "log-agent");
  }

  @Test
  void aWorkloadClusterGetsTheAgentsAndClusterServicesAccessOnly() {
    // what the platform's release gives every service is not asked for here: nothing uses it
    List<HasMetadata> objects = workloadCluster(Map.of());
    assertThat(objects).noneMatch(o -> o instanceof Deployment || o instanceof StatefulSet);
    assertThat(objects)
        .filteredOn(o -> o instanceof DaemonSet)
        .extracting(o -> o.getMetadata().getName())
        .containsExactly(PREFIX + "log-agent");
    String access = PREFIX + "cluster-access";
    assertThat(objects)
        .filteredOn(o -> o instanceof Secret)
        .extracting(o -> o.getMetadata().getName())
        .as("the access token's Secret only: the platform's keys stay with the platform")
        .containsExactly(access + "-token");
    Secret token = find(objects, Secret.class, access + "-token");
    assertThat(token.getType()).isEqualTo("kubernetes.io/service-account-token");
    assertThat(token.getMetadata().getAnnotations())
        .containsEntry("kubernetes.io/service-account.name", access);
    assertThat(find(objects, ServiceAccount.class, access).getAutomountServiceAccountToken())
        .isFalse();
    assertThat(rules(find(objects, ClusterRole.class, access)))
        .as("exactly the calls cluster-service makes (its README, Access to a cluster)")
        .containsExactlyInAnyOrder(
            "nodes:list",
            "namespaces:get,create",
            "pods:get,list",
            "services:get,list,watch,create,update,delete",
            "endpoints:get,list,watch",
            "deployments:get,list,watch,create,update,delete",
            "metrics.k8s.io/pods:list",
            "pods/exec:create,get");
    assertThat(find(objects, ClusterRoleBinding.class, access).getSubjects())
        .singleElement()
        .satisfies(s -> assertThat(s.getName()).isEqualTo(access));

    List<HasMetadata> noShell = workloadCluster(Map.of("clusterAccess.webShell", false));
    assertThat(rules(find(noShell, ClusterRole.class, access)))
        .doesNotContain("pods/exec:create,get");
    // a platform install makes the access only when asked (the platform deploys into its cluster)
    assertThat(render("default")).noneMatch(o -> o.getMetadata().getName().equals(access));
    assertThat(render(List.of(values("default")), c -> c.set("clusterAccess.enabled", true)))
        .anyMatch(o -> o instanceof ClusterRole && o.getMetadata().getName().equals(access));
  }

  @Test
  void aWorkloadClusterRefusesWhatOnlyThePlatformRuns() {
    assertThatThrownBy(() -> workloadCluster(Map.of("bundled.mariadb.enabled", true)))
        .hasMessageContaining("bundled.mariadb.enabled: a workload-cluster install runs no");
    assertThatThrownBy(() -> workloadCluster(Map.of("ingress.enabled", true)))
        .hasMessageContaining("ingress.enabled: the option is the platform services'");
    assertThatThrownBy(
            () ->
                workloadCluster(
                    Map.of(
                        "daemons.nginx-agent.enabled",
                        true,
                        "daemons.nginx-agent.nodeSelector.role",
                        "edge")))
        .hasMessageContaining("secrets.existingSecret is required for nginx-agent");
  }

  /** A workload-cluster install with what it needs, and {@code more}. */
  private static List<HasMetadata> workloadCluster(Map<String, Object> more) {
    Map<String, Object> settings =
        new HashMap<>(
            Map.of(
                "components", "workload-cluster",
                "elasticsearch.uris", "http://search.example.com:9200",
                "daemons.log-agent.cluster", "room-4"));
    settings.putAll(more);
    return render(List.of(), set(settings));
  }

  private static List<String> rules(ClusterRole role) {
    return role.getRules().stream()
        .map(
            r ->
                (r.getApiGroups().get(0).isEmpty() || r.getApiGroups().get(0).equals("apps")
                        ? ""
                        : r.getApiGroups().get(0) + "/")
                    + String.join(",", r.getResources())
                    + ":"
                    + String.join(",", r.getVerbs()))
        .toList();
  }

  @Test
  void defaultsPullThePlatformImagesAndGenerateEveryKeyInItsForm() throws Exception {
    List<HasMetadata> objects = render("default");
    for (String service : SERVICES) {
      assertThat(container(objects, service).getImage())
          .isEqualTo("127.0.0.1:15000/container-cloud/" + service + ":0.1.0");
    }
    Map<String, byte[]> keys =
        decoded(find(objects, Secret.class, PREFIX.replaceAll("-$", "") + "-secrets"));
    assertThat(new String(keys.get("admin-password"), StandardCharsets.US_ASCII))
        .matches("[A-Za-z0-9]{24}");
    assertThat(new String(keys.get("app-orchestrator-secret"), StandardCharsets.US_ASCII))
        .hasSizeGreaterThanOrEqualTo(32);
    assertThat(new String(keys.get("registry-events-secret"), StandardCharsets.US_ASCII))
        .hasSizeGreaterThanOrEqualTo(16);
    for (String aesKey :
        List.of("cluster-credentials-key", "nginx-certificates-key", "build-secrets-key")) {
      assertThat(Base64.getDecoder().decode(keys.get(aesKey)))
          .as("%s: AES-256", aesKey)
          .hasSize(32);
    }
    String signingKey = new String(keys.get("gateway-signing-key.pem"), StandardCharsets.US_ASCII);
    assertThat(signingKey).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    try (PEMParser pem = new PEMParser(new StringReader(signingKey))) {
      KeyPair pair = new JcaPEMKeyConverter().getKeyPair((PEMKeyPair) pem.readObject());
      assertThat(((RSAPrivateCrtKey) pair.getPrivate()).getModulus().bitLength())
          .isGreaterThanOrEqualTo(2048);
    }
    assertThat(new String(keys.get("dns-tsig-secret"), StandardCharsets.US_ASCII))
        .isEqualTo("c2VjcmV0LWtub3duLXRvLWJpbmQtb25seQ==");
    assertThat(
            decoded(find(objects, Secret.class, HelmChart.RELEASE + "-container-cloud-database")))
        .containsEntry("password", "platform".getBytes(StandardCharsets.US_ASCII));

    Container gateway = container(objects, "gateway");
    assertThat(env(gateway))
        .containsEntry(
            "PLATFORM_GATEWAY_SIGNINGKEY",
            "/var/run/secrets/container-cloud/gateway-signing-key.pem")
        .containsEntry("PLATFORM_CLUSTER_SERVICE_URL", "http://" + PREFIX + "cluster-service:8081");
    assertThat(env(container(objects, "audit-service")))
        .containsEntry("PLATFORM_DB_URL", "jdbc:mysql://mysql:3306/audit")
        .containsEntry(
            "PLATFORM_JWKS_URI", "http://" + PREFIX + "gateway:8080/.well-known/jwks.json");
  }

  @Test
  void existingSecretsAreUsedAndNoneIsMade() {
    List<HasMetadata> objects = render("minimal");
    assertThat(objects).noneMatch(Secret.class::isInstance);
    Deployment gateway = find(objects, Deployment.class, PREFIX + "gateway");
    assertThat(gateway.getSpec().getReplicas()).isEqualTo(1);
    assertThat(gateway.getSpec().getTemplate().getSpec().getVolumes())
        .anyMatch(
            v -> v.getSecret() != null && v.getSecret().getSecretName().equals("platform-secrets"));
    assertThat(container(objects, "gateway").getEnv())
        .anyMatch(
            e ->
                e.getName().equals("PLATFORM_DB_PASSWORD")
                    && e.getValueFrom().getSecretKeyRef().getName().equals("platform-database"))
        .anyMatch(
            e ->
                e.getName().equals("PLATFORM_ADMIN_PASSWORD")
                    && e.getValueFrom().getSecretKeyRef().getName().equals("platform-secrets"));
  }

  @Test
  void productionValuesSpreadPodsStrictlyOnDedicatedNodesFromTheRoomsRegistry() {
    List<HasMetadata> objects = render("production");
    for (String service : SERVICES) {
      PodSpec pod =
          find(objects, Deployment.class, PREFIX + service).getSpec().getTemplate().getSpec();
      assertThat(
              pod.getAffinity()
                  .getPodAntiAffinity()
                  .getRequiredDuringSchedulingIgnoredDuringExecution())
          .singleElement()
          .satisfies(term -> assertThat(term.getTopologyKey()).isEqualTo("kubernetes.io/hostname"));
      assertThat(pod.getNodeSelector()).containsEntry("node-role.example.com/platform", "true");
      assertThat(pod.getTolerations()).anyMatch(t -> "dedicated".equals(t.getKey()));
      assertThat(pod.getImagePullSecrets())
          .singleElement()
          .satisfies(s -> assertThat(s.getName()).isEqualTo("harbor-pull"));
      assertThat(pod.getContainers().get(0).getImage())
          .isEqualTo("harbor.room-1.example.com/platform/" + service + ":0.1.0");
    }
    Ingress ingress = find(objects, Ingress.class, PREFIX + "gateway");
    assertThat(ingress.getSpec().getIngressClassName()).isEqualTo("nginx");
    assertThat(ingress.getSpec().getTls())
        .singleElement()
        .satisfies(t -> assertThat(t.getSecretName()).isEqualTo("platform-tls"));
    assertThat(ingress.getSpec().getRules().get(0).getHost())
        .isEqualTo("platform.room-1.example.com");
    assertThat(
            ingress
                .getSpec()
                .getRules()
                .get(0)
                .getHttp()
                .getPaths()
                .get(0)
                .getBackend()
                .getService()
                .getName())
        .isEqualTo(PREFIX + "gateway");
    Service gateway = find(objects, Service.class, PREFIX + "gateway");
    assertThat(gateway.getSpec().getType()).isEqualTo("NodePort");
    assertThat(gateway.getSpec().getPorts().get(0).getNodePort()).isEqualTo(30080);
    assertThat(
            find(objects, Deployment.class, PREFIX + "log-center")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getVolumes())
        .anyMatch(
            v ->
                v.getPersistentVolumeClaim() != null
                    && v.getPersistentVolumeClaim().getClaimName().equals("log-exports"));
    assertThat(env(container(objects, "nginx-mgr")))
        .containsEntry("LOGGING_LEVEL_IO_CONTAINERCLOUD", "INFO");
  }

  /** What compose gives a service, the chart gives it too: the two cannot drift apart. */
  @Test
  void everySettingComposeGivesAServiceTheChartGivesIt() throws IOException {
    Map<String, Object> compose =
        new Yaml(new LoaderOptions())
            .load(Files.readString(LocalInfra.projectRoot().resolve("docker-compose.yml")));
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> services =
        (Map<String, Map<String, Object>>) compose.get("services");
    List<HasMetadata> objects = render("default");
    for (String service : SERVICES) {
      @SuppressWarnings("unchecked")
      Set<String> composeEnv =
          ((Map<String, Object>) services.get(service).get("environment")).keySet();
      assertThat(env(container(objects, service)).keySet())
          .as("environment of %s in the chart", service)
          .containsAll(composeEnv);
    }
  }

  @Test
  void aMistypedValueFailsNamingIt() {
    assertThatThrownBy(
            () ->
                render(
                    List.of(values("default")),
                    set(
                        Map.of(
                            "services.gateway.replicaCount", 3, "pods.podAntiAffinity", "always"))))
        .hasMessageContaining("/services/gateway")
        .hasMessageContaining("replicaCount")
        .hasMessageContaining("/pods/podAntiAffinity");
  }

  @Test
  void whatOnlyTheOperatorKnowsIsAskedForByName() {
    assertThatThrownBy(() -> render(List.of(), c -> c.set("bind.tsigSecret", "c2VjcmV0")))
        .hasMessageContaining("database.password or database.existingSecret is required");
    assertThatThrownBy(() -> render(List.of(), c -> c.set("database.password", "x")))
        .hasMessageContaining("bind.tsigSecret is required");
    assertThatThrownBy(
            () -> render(List.of(values("default")), c -> c.set("services.log-center.replicas", 2)))
        .hasMessageContaining("services.log-center.exportsClaim");
    assertThatThrownBy(
            () -> render(List.of(values("default")), c -> c.set("daemons.log-agent.cluster", "")))
        .hasMessageContaining("daemons.log-agent.cluster is required");
    assertThatThrownBy(
            () -> render(List.of(values("default")), c -> c.set("ingress.enabled", true)))
        .hasMessageContaining("ingress.host is required");
  }

  private static Container container(List<HasMetadata> objects, String service) {
    return find(objects, Deployment.class, PREFIX + service)
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0);
  }

  /** A container's environment, name to value ("secret:NAME/KEY" for one from a Secret). */
  private static Map<String, String> env(Container container) {
    return container.getEnv().stream()
        .collect(
            Collectors.toMap(
                EnvVar::getName,
                e ->
                    e.getValue() != null
                        ? e.getValue()
                        : e.getValueFrom().getSecretKeyRef() != null
                            ? "secret:"
                                + e.getValueFrom().getSecretKeyRef().getName()
                                + "/"
                                + e.getValueFrom().getSecretKeyRef().getKey()
                            : "field:" + e.getValueFrom().getFieldRef().getFieldPath()));
  }

  private static Map<String, byte[]> decoded(Secret secret) {
    return secret.getData().entrySet().stream()
        .collect(
            Collectors.toMap(Map.Entry::getKey, e -> Base64.getDecoder().decode(e.getValue())));
  }
}
