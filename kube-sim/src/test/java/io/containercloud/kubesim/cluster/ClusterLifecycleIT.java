package io.containercloud.kubesim.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.containercloud.kubesim.cluster.controller.ClusterLifecycle;
import io.containercloud.kubesim.cluster.controller.ContainerLogs;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NodeSpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/**
 * One simulated cluster of three 4-CPU nodes, driven through its own API with fabric8. Its tick is
 * longer than any wait here: the controllers must act on changes and due times, not on a clock.
 */
class ClusterLifecycleIT {

  private SimulatedCluster cluster;
  private KubernetesClient client;
  @TempDir Path logs;

  @BeforeEach
  void aCluster() throws IOException {
    KubeSimProperties properties =
        new KubeSimProperties(
            1,
            3,
            0,
            "room",
            Files.createTempDirectory("kube-sim"),
            "4",
            "16Gi",
            110,
            "127.0.0.1",
            "127.0.0.1",
            Duration.ofMillis(300),
            10,
            Duration.ofSeconds(30),
            Duration.ofMillis(20),
            Duration.ofSeconds(1),
            Duration.ofDays(3650),
            Duration.ofDays(365));
    cluster =
        new SimulatedCluster(
            "room-1",
            0,
            0,
            properties,
            new ContainerLogProperties(
                logs, DataSize.ofKilobytes(64), 3, Duration.ofSeconds(1), Duration.ofMillis(50)));
    cluster.start();
    client = cluster.client();
  }

  @AfterEach
  void stop() {
    cluster.stop();
  }

  @Test
  void aDeploymentGetsReadyPodsWithAddressesSpreadOverNodesAndScales() {
    client
        .apps()
        .deployments()
        .inNamespace("shop")
        .resource(deployment("api", 3, "1", "app:1"))
        .create();

    await().atMost(Duration.ofSeconds(10)).until(() -> readyReplicas("api") == 3);
    List<Pod> pods = pods("api");
    assertThat(pods).allSatisfy(p -> assertThat(p.getStatus().getPodIP()).startsWith("10.100."));
    assertThat(pods.stream().map(p -> p.getSpec().getNodeName()).collect(Collectors.toSet()))
        .hasSize(3);

    client.apps().deployments().inNamespace("shop").withName("api").scale(5);
    await().atMost(Duration.ofSeconds(10)).until(() -> readyReplicas("api") == 5);
    client.apps().deployments().inNamespace("shop").withName("api").scale(2);
    await().atMost(Duration.ofSeconds(10)).until(() -> pods("api").size() == 2);

    // deleted, its pods go as well (background propagation), and none is made again
    client.apps().deployments().inNamespace("shop").withName("api").delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> pods("api").isEmpty());
    client
        .apps()
        .deployments()
        .inNamespace("shop")
        .resource(deployment("other", 1, "1", "app:1"))
        .create();
    await().atMost(Duration.ofSeconds(10)).until(() -> readyReplicas("other") == 1);
    assertThat(pods("api")).isEmpty();
  }

  @Test
  void aDeploymentIsReadyAsSoonAsItsPodsAreDue() {
    long start = System.nanoTime();
    client
        .apps()
        .deployments()
        .inNamespace("shop")
        .resource(deployment("quick", 3, "100m", "app:1"))
        .create();

    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> readyReplicas("quick") == 3);
    // the 300 ms readiness delay plus a few rounds' gaps, not a 30 s tick
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void podsTurningReadyCountInTheirDeploymentInTheRoundTheyDo() {
    client
        .apps()
        .deployments()
        .inNamespace("shop")
        .resource(deployment("prompt", 2, "100m", "app:1"))
        .create();

    await().atMost(Duration.ofSeconds(10)).until(() -> readyReplicas("prompt") == 2);
    // a pod's containers start at the time of the round that made it Ready
    Instant lastReady =
        pods("prompt").stream()
            .map(p -> p.getStatus().getContainerStatuses().get(0).getState().getRunning())
            .map(running -> Instant.parse(running.getStartedAt()))
            .max(Instant::compareTo)
            .orElseThrow();
    assertThat(cluster.timeline("shop"))
        .filteredOn(e -> e.deployment().equals("prompt") && e.event().equals("ready"))
        .singleElement()
        .extracting(ClusterLifecycle.TimelineEntry::at)
        .as("the Deployment's status said Ready in that same round, not the next")
        .isEqualTo(lastReady);
  }

  @Test
  void aChattyDeploymentsPodsWriteTheirLogsOnTheirNodeUntilTheyAreGone() throws IOException {
    cluster.chatter("shop", "talk", new ContainerLogs.Chatter(100, 100, 0.1, 0.05, 0));
    client
        .apps()
        .deployments()
        .inNamespace("shop")
        .resource(deployment("talk", 1, "100m", "app:1"))
        .create();
    await().atMost(Duration.ofSeconds(10)).until(() -> readyReplicas("talk") == 1);
    Pod pod = pods("talk").get(0);
    Path folder =
        logs.resolve(pod.getSpec().getNodeName())
            .resolve("pods")
            .resolve("shop_" + pod.getMetadata().getName() + "_" + pod.getMetadata().getUid());
    Path file = folder.resolve("talk").resolve("0.log");

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> Files.exists(file) && Files.readString(file).contains(" seq=50 "));
    assertThat(Files.readAllLines(file).get(0)).matches("\\S+ (stdout|stderr) F .*seq=1 .*");

    client.apps().deployments().inNamespace("shop").withName("talk").delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(folder));
  }

  @Test
  void podsThatFitNowhereStayPending() {
    // 3 nodes of 4 CPUs: three 3-CPU pods fit, the fourth does not
    client
        .apps()
        .deployments()
        .inNamespace("shop")
        .resource(deployment("big", 4, "3", "app:1"))
        .create();

    await().atMost(Duration.ofSeconds(10)).until(() -> readyReplicas("big") == 3);
    List<Pod> pending =
        pods("big").stream().filter(p -> p.getSpec().getNodeName() == null).toList();
    assertThat(pending).hasSize(1);
    assertThat(pending.get(0).getStatus().getConditions())
        .anySatisfy(c -> assertThat(c.getReason()).isEqualTo("Unschedulable"));
  }

  @Test
  void requiredAntiAffinityKeepsOnePodPerNode() {
    Deployment d = deployment("spread", 4, "100m", "app:1");
    d.getSpec()
        .getTemplate()
        .getSpec()
        .setAffinity(
            new io.fabric8.kubernetes.api.model.AffinityBuilder()
                .withNewPodAntiAffinity()
                .addNewRequiredDuringSchedulingIgnoredDuringExecution()
                .withTopologyKey("kubernetes.io/hostname")
                .withNewLabelSelector()
                .addToMatchLabels("app", "spread")
                .endLabelSelector()
                .endRequiredDuringSchedulingIgnoredDuringExecution()
                .endPodAntiAffinity()
                .build());
    client.apps().deployments().inNamespace("shop").resource(d).create();

    await().atMost(Duration.ofSeconds(10)).until(() -> readyReplicas("spread") == 3);
    assertThat(pods("spread").stream().filter(p -> p.getSpec().getNodeName() == null)).hasSize(1);
  }

  @Test
  void aRollingUpdateNeverDropsBelowTheAvailableMinimumAndEndsOnTheNewImage() {
    Deployment d = deployment("roll", 4, "100m", "app:1");
    d.getSpec()
        .setStrategy(
            new io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder()
                .withType("RollingUpdate")
                .withNewRollingUpdate()
                .withMaxSurge(new IntOrString(1))
                .withMaxUnavailable(new IntOrString(1))
                .endRollingUpdate()
                .build());
    client.apps().deployments().inNamespace("shop").resource(d).create();
    await().atMost(Duration.ofSeconds(10)).until(() -> readyReplicas("roll") == 4);

    client
        .apps()
        .deployments()
        .inNamespace("shop")
        .withName("roll")
        .edit(
            x -> {
              x.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("app:2");
              return x;
            });

    int lowest = Integer.MAX_VALUE;
    int highest = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      List<Pod> pods = pods("roll");
      lowest = Math.min(lowest, (int) pods.stream().filter(ClusterLifecycleIT::ready).count());
      highest = Math.max(highest, pods.size());
      if (pods.size() == 4 && pods.stream().allMatch(p -> ready(p) && image(p).equals("app:2"))) {
        break;
      }
    }
    assertThat(pods("roll")).hasSize(4).allSatisfy(p -> assertThat(image(p)).isEqualTo("app:2"));
    assertThat(lowest).as("ready pods during the rollout").isGreaterThanOrEqualTo(3);
    assertThat(highest).as("pods during the rollout").isLessThanOrEqualTo(5);
  }

  @Test
  void aDeploymentKeepsAReplicaSetPerTemplateThatOwnsAndCountsItsPods() {
    Deployment d = deployment("hist", 2, "100m", "app:1");
    d.getSpec().setRevisionHistoryLimit(1);
    Deployment created = client.apps().deployments().inNamespace("shop").resource(d).create();
    await().atMost(Duration.ofSeconds(10)).until(() -> readyReplicas("hist") == 2);

    ReplicaSet first =
        await().atMost(Duration.ofSeconds(10)).until(() -> sets("hist"), l -> l.size() == 1).get(0);
    String hash = first.getMetadata().getLabels().get("pod-template-hash");
    assertThat(first.getMetadata().getName()).isEqualTo("hist-" + hash);
    assertThat(first.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("Deployment");
              assertThat(o.getUid()).isEqualTo(created.getMetadata().getUid());
              assertThat(o.getController()).isTrue();
            });
    assertThat(first.getMetadata().getAnnotations())
        .containsEntry("deployment.kubernetes.io/revision", "1");
    assertThat(first.getSpec().getSelector().getMatchLabels())
        .containsEntry("pod-template-hash", hash);
    // what Helm's wait compares: the Deployment's template, but for the hash label
    Deployment stored = client.apps().deployments().inNamespace("shop").withName("hist").get();
    ReplicaSet copy = Serialization.clone(first);
    copy.getSpec().getTemplate().getMetadata().getLabels().remove("pod-template-hash");
    assertThat(copy.getSpec().getTemplate()).isEqualTo(stored.getSpec().getTemplate());
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              ReplicaSet now = sets("hist").get(0);
              assertThat(now.getSpec().getReplicas()).isEqualTo(2);
              assertThat(now.getStatus().getReadyReplicas()).isEqualTo(2);
            });
    assertThat(pods("hist"))
        .allSatisfy(
            p ->
                assertThat(p.getMetadata().getOwnerReferences().get(0).getUid())
                    .isEqualTo(first.getMetadata().getUid()));

    for (String image : List.of("app:2", "app:3")) {
      client
          .apps()
          .deployments()
          .inNamespace("shop")
          .withName("hist")
          .edit(
              x -> {
                x.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(image);
                return x;
              });
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  pods("hist").size() == 2
                      && pods("hist").stream().allMatch(p -> ready(p) && image(p).equals(image)));
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              List<ReplicaSet> sets = sets("hist");
              assertThat(sets)
                  .as("the current one and, by the history limit, one old one at zero")
                  .extracting(
                      s ->
                          s.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision")
                              + "="
                              + s.getSpec().getReplicas()
                              + "/"
                              + s.getStatus().getReplicas())
                  .containsExactlyInAnyOrder("2=0/0", "3=2/2");
            });

    client.apps().deployments().inNamespace("shop").withName("hist").delete();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> sets("hist").isEmpty() && pods("hist").isEmpty());
  }

  @Test
  void aDaemonSetRunsAPodOnEachNodeItToleratesAndReplacesThemOnATemplateChange() {
    client
        .nodes()
        .withName("room-1-node-3")
        .edit(
            n -> {
              n.setSpec(new NodeSpec());
              n.getSpec()
                  .setTaints(
                      List.of(
                          new TaintBuilder()
                              .withKey("dedicated")
                              .withValue("infra")
                              .withEffect("NoSchedule")
                              .build()));
              return n;
            });
    DaemonSet agents =
        new DaemonSetBuilder()
            .withNewMetadata()
            .withName("agent")
            .withNamespace("shop")
            .endMetadata()
            .withNewSpec()
            .withNewSelector()
            .addToMatchLabels("app", "agent")
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .addToLabels("app", "agent")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("agent")
            .withImage("agent:1")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    client.apps().daemonSets().inNamespace("shop").resource(agents).create();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              DaemonSet set =
                  client.apps().daemonSets().inNamespace("shop").withName("agent").get();
              assertThat(set.getStatus().getDesiredNumberScheduled()).isEqualTo(2);
              assertThat(set.getStatus().getNumberReady()).isEqualTo(2);
            });
    assertThat(daemons())
        .extracting(p -> p.getSpec().getNodeName())
        .containsExactlyInAnyOrder("room-1-node-1", "room-1-node-2");

    // tolerating the taint, on a new image: every node, each pod replaced
    client
        .apps()
        .daemonSets()
        .inNamespace("shop")
        .withName("agent")
        .edit(
            d -> {
              d.getSpec()
                  .getTemplate()
                  .getSpec()
                  .setTolerations(
                      List.of(
                          new TolerationBuilder()
                              .withKey("dedicated")
                              .withOperator("Exists")
                              .build()));
              d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("agent:2");
              return d;
            });
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              DaemonSet set =
                  client.apps().daemonSets().inNamespace("shop").withName("agent").get();
              assertThat(set.getStatus().getDesiredNumberScheduled()).isEqualTo(3);
              assertThat(set.getStatus().getUpdatedNumberScheduled()).isEqualTo(3);
              assertThat(set.getStatus().getNumberReady()).isEqualTo(3);
              assertThat(set.getStatus().getObservedGeneration())
                  .isEqualTo(set.getMetadata().getGeneration());
              assertThat(daemons())
                  .hasSize(3)
                  .allSatisfy(p -> assertThat(image(p)).isEqualTo("agent:2"));
            });
    assertThat(daemons().get(0).getMetadata().getOwnerReferences().get(0).getKind())
        .isEqualTo("DaemonSet");

    client.apps().daemonSets().inNamespace("shop").withName("agent").delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> daemons().isEmpty());
  }

  @Test
  void aPodWaitsForTheSecretItNeedsAndStartsOnceItIsThere() {
    Deployment d = deployment("needy", 1, "100m", "app:1");
    d.getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .setEnv(
            List.of(
                new EnvVarBuilder()
                    .withName("PASSWORD")
                    .withNewValueFrom()
                    .withNewSecretKeyRef()
                    .withName("db")
                    .withKey("password")
                    .endSecretKeyRef()
                    .endValueFrom()
                    .build()));
    client.apps().deployments().inNamespace("shop").resource(d).create();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(pods("needy"))
                    .singleElement()
                    .satisfies(
                        p ->
                            assertThat(
                                    p.getStatus()
                                        .getContainerStatuses()
                                        .get(0)
                                        .getState()
                                        .getWaiting())
                                .satisfies(
                                    w -> {
                                      assertThat(w.getReason())
                                          .isEqualTo("CreateContainerConfigError");
                                      assertThat(w.getMessage())
                                          .isEqualTo("secret \"db\" not found");
                                    })));
    assertThat(readyReplicas("needy")).isZero();

    client
        .secrets()
        .inNamespace("shop")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("db")
                .endMetadata()
                .addToData("password", "c2VjcmV0")
                .build())
        .create();
    await().atMost(Duration.ofSeconds(10)).until(() -> readyReplicas("needy") == 1);
  }

  @Test
  void aStatefulSetHasOrderedPodsWithStableNamesAndClaimsThatOutliveThem() {
    StatefulSet db =
        new StatefulSetBuilder()
            .withNewMetadata()
            .withName("db")
            .withNamespace("shop")
            .endMetadata()
            .withNewSpec()
            .withReplicas(3)
            .withServiceName("db")
            .withNewSelector()
            .addToMatchLabels("app", "db")
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .addToLabels("app", "db")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("db")
            .withImage("db:1")
            .endContainer()
            .endSpec()
            .endTemplate()
            .addNewVolumeClaimTemplate()
            .withNewMetadata()
            .withName("data")
            .endMetadata()
            .withNewSpec()
            .withAccessModes("ReadWriteOnce")
            .withNewResources()
            .addToRequests("storage", new Quantity("1Gi"))
            .endResources()
            .endSpec()
            .endVolumeClaimTemplate()
            .endSpec()
            .build();
    client.apps().statefulSets().inNamespace("shop").resource(db).create();

    await().atMost(Duration.ofSeconds(15)).until(() -> statefulReady("db") == 3);
    List<Pod> pods = statefulPods();
    assertThat(pods)
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("db-0", "db-1", "db-2");
    // one after the other: each started once the one before was Ready
    for (int i = 1; i < 3; i++) {
      assertThat(Instant.parse(pods.get(i).getStatus().getStartTime()))
          .isAfterOrEqualTo(
              Instant.parse(pods.get(i - 1).getStatus().getStartTime()).plusMillis(300));
    }
    assertThat(pods.get(1).getSpec().getHostname()).isEqualTo("db-1");
    assertThat(pods.get(1).getSpec().getSubdomain()).isEqualTo("db");
    assertThat(pods.get(1).getSpec().getVolumes())
        .anySatisfy(
            v -> assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("data-db-1"));
    assertThat(
            client
                .persistentVolumeClaims()
                .inNamespace("shop")
                .withName("data-db-2")
                .get()
                .getStatus()
                .getPhase())
        .isEqualTo("Bound");

    client
        .apps()
        .statefulSets()
        .inNamespace("shop")
        .withName("db")
        .edit(
            s -> {
              s.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("db:2");
              return s;
            });
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              StatefulSet set =
                  client.apps().statefulSets().inNamespace("shop").withName("db").get();
              assertThat(set.getStatus().getUpdatedReplicas()).isEqualTo(3);
              assertThat(set.getStatus().getReadyReplicas()).isEqualTo(3);
              assertThat(set.getStatus().getCurrentRevision())
                  .isEqualTo(set.getStatus().getUpdateRevision());
              assertThat(statefulPods()).allSatisfy(p -> assertThat(image(p)).isEqualTo("db:2"));
            });

    client.apps().statefulSets().inNamespace("shop").withName("db").scale(1);
    await().atMost(Duration.ofSeconds(15)).until(() -> statefulPods().size() == 1);
    client.apps().statefulSets().inNamespace("shop").withName("db").delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> statefulPods().isEmpty());
    assertThat(client.persistentVolumeClaims().inNamespace("shop").list().getItems())
        .extracting(c -> c.getMetadata().getName())
        .as("kept, as the default retention policy says")
        .contains("data-db-0", "data-db-1", "data-db-2");
  }

  @Test
  void aServiceGetsTheReadyPodsAddresses() {
    client
        .apps()
        .deployments()
        .inNamespace("shop")
        .resource(deployment("web", 2, "100m", "app:1"))
        .create();
    client
        .services()
        .inNamespace("shop")
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("web")
                .endMetadata()
                .withNewSpec()
                .addToSelector("app", "web")
                .addNewPort()
                .withName("http")
                .withPort(80)
                .withTargetPort(new IntOrString(8080))
                .endPort()
                .endSpec()
                .build())
        .create();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              var endpoints = client.endpoints().inNamespace("shop").withName("web").get();
              return endpoints != null
                  && !endpoints.getSubsets().isEmpty()
                  && endpoints.getSubsets().get(0).getAddresses().size() == 2;
            });
    var subset = client.endpoints().inNamespace("shop").withName("web").get().getSubsets().get(0);
    Set<String> ips =
        pods("web").stream().map(p -> p.getStatus().getPodIP()).collect(Collectors.toSet());
    assertThat(subset.getAddresses())
        .extracting(a -> a.getIp())
        .containsExactlyInAnyOrderElementsOf(ips);
    assertThat(subset.getPorts()).extracting(p -> p.getPort()).containsExactly(8080);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              var slice =
                  client
                      .discovery()
                      .v1()
                      .endpointSlices()
                      .inNamespace("shop")
                      .withName("web-kube-sim")
                      .get();
              return slice != null
                  && slice.getEndpoints().stream()
                      .flatMap(e -> e.getAddresses().stream())
                      .collect(Collectors.toSet())
                      .equals(ips);
            });
  }

  @Test
  void aJobRunsOnePodThatEndsAsItsAnnotationsSay() {
    for (String outcome : List.of("Succeeded", "Failed")) {
      String name = "build-" + outcome.toLowerCase();
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace("ci")
          .resource(
              new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .addToAnnotations("kube-sim/duration", "500ms")
                  .addToAnnotations("kube-sim/outcome", outcome)
                  .addToAnnotations("kube-sim/termination-message.build", "{\"digest\":\"x\"}")
                  .endMetadata()
                  .withNewSpec()
                  .withNewTemplate()
                  .withNewSpec()
                  .addNewInitContainer()
                  .withName("clone")
                  .withImage("git:1")
                  .endInitContainer()
                  .addNewContainer()
                  .withName("build")
                  .withImage("builder:1")
                  .endContainer()
                  .withRestartPolicy("Never")
                  .endSpec()
                  .endTemplate()
                  .endSpec()
                  .build())
          .create();
    }

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              var ok =
                  client.batch().v1().jobs().inNamespace("ci").withName("build-succeeded").get();
              var ko = client.batch().v1().jobs().inNamespace("ci").withName("build-failed").get();
              return ok.getStatus() != null
                  && Integer.valueOf(1).equals(ok.getStatus().getSucceeded())
                  && ko.getStatus() != null
                  && Integer.valueOf(1).equals(ko.getStatus().getFailed());
            });
    var done = client.batch().v1().jobs().inNamespace("ci").withName("build-succeeded").get();
    assertThat(done.getStatus().getConditions())
        .anySatisfy(c -> assertThat(c.getType()).isEqualTo("Complete"));
    assertThat(
            client.pods().inNamespace("ci").withLabel("job-name", "build-failed").list().getItems())
        .singleElement()
        .satisfies(p -> assertThat(p.getStatus().getPhase()).isEqualTo("Failed"));

    Pod pod =
        client
            .pods()
            .inNamespace("ci")
            .withLabel("job-name", "build-succeeded")
            .list()
            .getItems()
            .get(0);
    assertThat(pod.getStatus().getInitContainerStatuses())
        .singleElement()
        .satisfies(c -> assertThat(c.getState().getTerminated().getExitCode()).isZero());
    assertThat(pod.getStatus().getContainerStatuses())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getState().getTerminated().getExitCode()).isZero();
              assertThat(c.getState().getTerminated().getMessage()).isEqualTo("{\"digest\":\"x\"}");
            });
    var logs = client.pods().inNamespace("ci").withName(pod.getMetadata().getName());
    assertThat(logs.inContainer("clone").getLog())
        .isEqualTo("clone: started git:1\nclone: exited 0\n");
    assertThat(logs.inContainer("build").getLog())
        .isEqualTo("build: started builder:1\nbuild: exited 0\n");
    String finished =
        pod.getStatus().getContainerStatuses().get(0).getState().getTerminated().getFinishedAt();
    assertThat(logs.inContainer("build").usingTimestamps().getLog())
        .matches("\\S+Z build: started builder:1\n" + finished + " build: exited 0\n");
    assertThat(logs.inContainer("build").usingTimestamps().sinceTime(finished).getLog())
        .isEqualTo(finished + " build: exited 0\n");
    assertThatThrownBy(() -> logs.inContainer("other").getLog())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("container other is not valid");

    // deleted, its pod goes too; made again under the same name, it gets a pod of its own (what
    // Helm's test hooks do on every run)
    String first = pod.getMetadata().getName();
    var job = client.batch().v1().jobs().inNamespace("ci").withName("build-succeeded");
    var again = job.get();
    job.delete();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> client.pods().inNamespace("ci").withName(first).get() == null);
    again.getMetadata().setResourceVersion(null);
    again.getMetadata().setUid(null);
    again.setStatus(null);
    client.batch().v1().jobs().inNamespace("ci").resource(again).create();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              var status = job.get().getStatus();
              return status != null && Integer.valueOf(1).equals(status.getSucceeded());
            });
    assertThat(
            client
                .pods()
                .inNamespace("ci")
                .withLabel("job-name", "build-succeeded")
                .list()
                .getItems())
        .singleElement()
        .satisfies(p -> assertThat(p.getMetadata().getName()).isNotEqualTo(first));
  }

  private int readyReplicas(String name) {
    Deployment d = client.apps().deployments().inNamespace("shop").withName(name).get();
    return d.getStatus() == null || d.getStatus().getReadyReplicas() == null
        ? 0
        : d.getStatus().getReadyReplicas();
  }

  private int statefulReady(String name) {
    StatefulSet set = client.apps().statefulSets().inNamespace("shop").withName(name).get();
    return set.getStatus() == null || set.getStatus().getReadyReplicas() == null
        ? 0
        : set.getStatus().getReadyReplicas();
  }

  private List<Pod> statefulPods() {
    return client.pods().inNamespace("shop").withLabel("app", "db").list().getItems().stream()
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .toList();
  }

  private List<Pod> daemons() {
    return client.pods().inNamespace("shop").withLabel("app", "agent").list().getItems();
  }

  private List<ReplicaSet> sets(String deployment) {
    return client.apps().replicaSets().inNamespace("shop").list().getItems().stream()
        .filter(s -> s.getMetadata().getName().startsWith(deployment + "-"))
        .toList();
  }

  private List<Pod> pods(String name) {
    return client
        .pods()
        .inNamespace("shop")
        .withLabel("kube-sim/deployment", name)
        .list()
        .getItems();
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static String image(Pod pod) {
    return pod.getSpec().getContainers().get(0).getImage();
  }

  private static Deployment deployment(String name, int replicas, String cpu, String image) {
    return TestDeployments.deployment(name, replicas, cpu, image);
  }
}
