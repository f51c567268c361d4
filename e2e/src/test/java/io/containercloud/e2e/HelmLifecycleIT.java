package io.containercloud.e2e;

import static io.containercloud.e2e.HelmChart.PREFIX;
import static io.containercloud.e2e.HelmChart.RELEASE;
import static io.containercloud.e2e.HelmChart.SERVICES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import com.marcnuri.helm.ReleaseHistory;
import com.marcnuri.helm.UpgradeCommand;
import io.containercloud.common.testing.LocalInfra;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an operator does with the chart every week, done by Helm itself (helm-java) in a simulated
 * cluster of kube-sim with its default validation, every server bundled (ci/trial-values.yaml):
 * install and wait (Helm's wait reads the Deployments' ReplicaSets, the StatefulSets' and the
 * DaemonSet's status), {@code kubectl rollout status} for each, an upgrade that rolls the changed
 * service only and keeps the generated secrets, {@code helm test} (its Job's outcome is kube-sim's;
 * HelmTestScriptIT runs the script against the real gateway), an upgrade that never becomes ready
 * rolled back by Helm ({@code --atomic}: Helm's rollback action; helm-java has no rollback command
 * of its own), and an uninstall that leaves nothing behind but the bundled servers' claims.
 */
class HelmLifecycleIT {

  private static final String NAMESPACE = "platform";
  private static final Duration KUBECTL = Duration.ofSeconds(90);
  private static final List<String> BUNDLED =
      List.of("mariadb", "etcd", "kafka", "elasticsearch", "bind", "registry");

  private static ServiceProcess kubeSim;
  private static Path kubeconfig;
  private static Path home;
  private static KubernetesClient client;

  @BeforeAll
  static void cluster() throws Exception {
    home = Files.createTempDirectory("helm-home");
    kubeSim =
        new ServiceProcess("kube-sim", "kube-sim-helm")
            .start(
                List.of(
                    "kube-sim.clusters=1",
                    "kube-sim.nodes=3",
                    "kube-sim.base-port=0",
                    "kube-sim.pod-ready-delay=200ms",
                    "kube-sim.job-duration=300ms",
                    "kube-sim.kubeconfig-dir=" + home.resolve("kubeconfigs")))
            .awaitReady();
    kubeconfig = home.resolve("kubeconfigs/room-1.kubeconfig");
    // the Prometheus Operator's kind, as a cluster that runs it has it
    Path definition =
        LocalInfra.projectRoot().resolve("kube-sim/src/test/resources/servicemonitor-crd.yaml");
    kubectl("apply", "-f", definition.toString());
    client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
            .build();
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (kubeSim != null) {
      kubeSim.close();
    }
  }

  @Test
  void installsUpgradesRollsBackAndUninstalls() throws Exception {
    Release installed =
        HelmChart.helm()
            .install()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .createNamespace()
            .withKubeConfig(kubeconfig)
            .withValuesFile(HelmChart.values("trial"))
            .set("serviceMonitor.enabled", true)
            .waitReady()
            .withTimeout(120)
            .call();
    assertThat(installed.getStatus()).isEqualTo("deployed");
    assertThat(serviceMonitors())
        .as("a ServiceMonitor per service, the kind found through discovery")
        .hasSize(SERVICES.size());
    assertThat(installed.getOutput())
        .as("NOTES: the gateway, the first login, nginx hosts outside the cluster")
        .contains(
            "GATEWAY=http://127.0.0.1:8080",
            "/api/auth/login",
            "systemctl enable --now nginx-agent");
    for (String service : SERVICES) {
      rolledOut("deployment/" + PREFIX + service);
    }
    rolledOut("daemonset/" + PREFIX + "log-agent");
    for (String server : BUNDLED) {
      rolledOut("statefulset/" + PREFIX + server);
    }
    assertThat(
            client
                .pods()
                .inNamespace(NAMESPACE)
                .withLabel("app.kubernetes.io/name", "log-agent")
                .list()
                .getItems())
        .as("one log-agent per node")
        .hasSize(3);
    // helm test: the hook Job (its pod's outcome simulated by kube-sim's Job controller), seen
    // completing, then deleted as its hook-succeeded policy says
    Set<String> completed = ConcurrentHashMap.newKeySet();
    try (Watch jobs =
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(NAMESPACE)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, Job job) {
                    if (job.getStatus() != null
                        && job.getStatus().getConditions() != null
                        && job.getStatus().getConditions().stream()
                            .anyMatch(c -> c.getType().equals("Complete"))) {
                      completed.add(job.getMetadata().getName());
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                })) {
      Release tested =
          Helm.test(RELEASE)
              .withNamespace(NAMESPACE)
              .withKubeConfig(kubeconfig)
              .withTimeout(60)
              .call();
      assertThat(tested.getStatus()).isEqualTo("deployed");
      await().atMost(Duration.ofSeconds(10)).until(() -> completed.contains(PREFIX + "test-login"));
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems())
                    .isEmpty());
    Map<String, String> secrets = secrets();
    Map<String, Set<String>> podsBefore = podsByService();

    Release upgraded = upgrade().set("services.gateway.env.LOGGING_LEVEL_ROOT", "DEBUG").call();
    assertThat(upgraded.getRevision()).isEqualTo("2");
    rolledOut("deployment/" + PREFIX + "gateway");
    Map<String, Set<String>> podsAfter = podsByService();
    assertThat(podsAfter.get("gateway")).doesNotContainAnyElementsOf(podsBefore.get("gateway"));
    for (String service : SERVICES) {
      if (!service.equals("gateway")) {
        assertThat(podsAfter.get(service))
            .as("%s not rolled", service)
            .isEqualTo(podsBefore.get(service));
      }
    }
    assertThat(env(deployment("gateway"))).containsEntry("LOGGING_LEVEL_ROOT", "DEBUG");
    assertThat(secrets()).as("generated once, kept by the upgrade").isEqualTo(secrets);

    // a change no node can take: its pods stay Pending, Helm's wait runs out and it rolls back
    assertThatThrownBy(
            () ->
                upgrade()
                    .set("services.gateway.env.LOGGING_LEVEL_ROOT", "DEBUG")
                    .set("pods.nodeSelector.zone", "nowhere")
                    .atomic()
                    .withTimeout(15)
                    .call())
        .hasMessageContaining("has been rolled back");
    List<Revision> history = history();
    assertThat(history.get(history.size() - 1).description()).isEqualTo("Rollback to 2");
    assertThat(history.get(history.size() - 1).status()).isEqualTo("deployed");
    for (String service : SERVICES) {
      rolledOut("deployment/" + PREFIX + service);
      assertThat(deployment(service).getSpec().getTemplate().getSpec().getNodeSelector())
          .as("%s back on the revision before", service)
          .isNullOrEmpty();
    }
    assertThat(env(deployment("gateway"))).containsEntry("LOGGING_LEVEL_ROOT", "DEBUG");
    assertThat(secrets()).as("kept by the rollback").isEqualTo(secrets);

    Helm.uninstall(RELEASE).withNamespace(NAMESPACE).withKubeConfig(kubeconfig).call();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(client.apps().deployments().inNamespace(NAMESPACE).list().getItems())
                  .isEmpty();
              assertThat(client.apps().replicaSets().inNamespace(NAMESPACE).list().getItems())
                  .isEmpty();
              assertThat(client.apps().daemonSets().inNamespace(NAMESPACE).list().getItems())
                  .isEmpty();
              assertThat(client.apps().statefulSets().inNamespace(NAMESPACE).list().getItems())
                  .isEmpty();
              assertThat(client.configMaps().inNamespace(NAMESPACE).list().getItems()).isEmpty();
              assertThat(serviceMonitors()).isEmpty();
              assertThat(client.persistentVolumeClaims().inNamespace(NAMESPACE).list().getItems())
                  .as(
                      "only the bundled servers' data, kept as Kubernetes keeps a StatefulSet's claims")
                  .extracting(c -> c.getMetadata().getName())
                  .containsExactlyInAnyOrderElementsOf(
                      BUNDLED.stream().map(b -> "data-" + PREFIX + b + "-0").toList());
              assertThat(
                      client.rbac().clusterRoles().list().getItems().stream()
                          .map(r -> r.getMetadata().getName())
                          .filter(n -> n.startsWith(PREFIX)))
                  .as("cluster-scoped, gone too")
                  .isEmpty();
              assertThat(client.rbac().clusterRoleBindings().withName(PREFIX + "log-agent").get())
                  .isNull();
              assertThat(client.pods().inNamespace(NAMESPACE).list().getItems()).isEmpty();
              assertThat(client.services().inNamespace(NAMESPACE).list().getItems()).isEmpty();
              assertThat(client.secrets().inNamespace(NAMESPACE).list().getItems())
                  .as("the generated secrets and Helm's release records")
                  .isEmpty();
              assertThat(client.serviceAccounts().inNamespace(NAMESPACE).list().getItems())
                  .isEmpty();
              assertThat(
                      client
                          .policy()
                          .v1()
                          .podDisruptionBudget()
                          .inNamespace(NAMESPACE)
                          .list()
                          .getItems())
                  .isEmpty();
            });
  }

  private static UpgradeCommand upgrade() {
    return HelmChart.helm()
        .upgrade()
        .withName(RELEASE)
        .withNamespace(NAMESPACE)
        .withKubeConfig(kubeconfig)
        .withValuesFile(HelmChart.values("trial"))
        .set("serviceMonitor.enabled", true)
        .waitReady()
        .withTimeout(120);
  }

  private record Revision(String status, String description) {}

  private static List<Revision> history() {
    List<Revision> revisions = new ArrayList<>();
    for (ReleaseHistory revision :
        Helm.history(RELEASE).withNamespace(NAMESPACE).withKubeConfig(kubeconfig).call()) {
      revisions.add(new Revision(revision.getStatus(), revision.getDescription()));
    }
    return revisions;
  }

  @Test
  void aWorkloadClusterReleaseRunsTheAgentsAndGrantsClusterServiceItsAccessOnly() throws Exception {
    String release = "agents";
    String prefix = release + "-container-cloud-";
    Release installed =
        HelmChart.helm()
            .install()
            .withName(release)
            .withNamespace(release)
            .createNamespace()
            .withKubeConfig(kubeconfig)
            .set("components", "workload-cluster")
            .set("daemons.log-agent.cluster", "room-1")
            .set("elasticsearch.uris", "http://search.example.com:9200")
            .waitReady()
            .withTimeout(120)
            .call();
    assertThat(installed.getStatus()).isEqualTo("deployed");
    assertThat(installed.getOutput())
        .as("NOTES: how to register this cluster with the platform")
        .contains(prefix + "cluster-access-token", "/api/clusters/clusters");
    String output =
        kubectl(
            "rollout",
            "status",
            "daemonset/" + prefix + "log-agent",
            "-n",
            release,
            "--timeout=60s");
    assertThat(output).contains("successfully rolled out");
    assertThat(client.apps().deployments().inNamespace(release).list().getItems()).isEmpty();
    assertThat(client.rbac().clusterRoles().withName(prefix + "cluster-access").get().getRules())
        .anyMatch(rule -> rule.getResources().contains("pods/exec"));

    Helm.uninstall(release).withNamespace(release).withKubeConfig(kubeconfig).call();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> client.rbac().clusterRoles().withName(prefix + "cluster-access").get() == null);
  }

  private static void rolledOut(String workload) throws Exception {
    String output = kubectl("rollout", "status", workload, "-n", NAMESPACE, "--timeout=60s");
    // a StatefulSet with a partition (kube-apiserver defaults it to 0) reports a partitioned one
    assertThat(output).containsAnyOf("successfully rolled out", "partitioned roll out complete");
  }

  /** Runs the machine's kubectl on the cluster; fails unless it exits 0; answers its output. */
  private static String kubectl(String... args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
    command.addAll(List.of(args));
    Process kubectl =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(home.resolve("kubectl.out").toFile())
            .start();
    kubectl.getOutputStream().close();
    assertThat(kubectl.waitFor(KUBECTL.toSeconds(), TimeUnit.SECONDS)).isTrue();
    String output = Files.readString(home.resolve("kubectl.out"));
    assertThat(kubectl.exitValue()).as(output).isZero();
    return output;
  }

  private static List<GenericKubernetesResource> serviceMonitors() {
    return client
        .genericKubernetesResources("monitoring.coreos.com/v1", "ServiceMonitor")
        .inNamespace(NAMESPACE)
        .list()
        .getItems();
  }

  private static Deployment deployment(String service) {
    return client.apps().deployments().inNamespace(NAMESPACE).withName(PREFIX + service).get();
  }

  private static Map<String, String> env(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(e -> e.getName(), e -> e.getValue()));
  }

  private static Map<String, String> secrets() {
    return client.secrets().inNamespace(NAMESPACE).withName(PREFIX + "secrets").get().getData();
  }

  private static Map<String, Set<String>> podsByService() {
    return client.pods().inNamespace(NAMESPACE).list().getItems().stream()
        .collect(
            Collectors.groupingBy(
                p -> p.getMetadata().getLabels().get("app.kubernetes.io/name"),
                Collectors.mapping((Pod p) -> p.getMetadata().getName(), Collectors.toSet())));
  }
}
