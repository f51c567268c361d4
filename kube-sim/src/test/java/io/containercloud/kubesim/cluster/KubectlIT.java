package io.containercloud.kubesim.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.kubesim.TestProperties;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real kubectl on the machine against a simulated cluster, through the kubeconfig kube-sim
 * writes: discovery, get (also as a watch), create, apply (strategic merge patches), rollout
 * status, scale, describe and delete, with kubectl's default validation (left to the server through
 * the OpenAPI documents). Typed subcommands send protobuf, which kube-sim reads for Secrets,
 * ConfigMaps and Namespaces (what Helm writes that way too); for other kinds they get a 415.
 */
class KubectlIT {

  private static final Duration COMMAND = Duration.ofSeconds(60);

  private static KubeSim sim;
  private static Path home;

  @BeforeAll
  static void cluster() throws Exception {
    home = Files.createTempDirectory("kubectl-home"); // kubectl's discovery cache, this run's own
    sim = KubeSim.start(TestProperties.of(1, 2, "16Gi", Duration.ofDays(365)));
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  @Test
  void listsTheApiResourcesWithTheirShortNamesGroupsAndKinds() throws Exception {
    Result resources = kubectl("api-resources");

    assertThat(resources.exit()).as(resources.err()).isZero();
    assertThat(resources.lines())
        .anyMatch(l -> l.matches("deployments +deploy +apps/v1 +true +Deployment"))
        .anyMatch(l -> l.matches("pods +po +v1 +true +Pod"))
        .anyMatch(l -> l.matches("nodes +no +v1 +false +Node"))
        .anyMatch(l -> l.matches("jobs +batch/v1 +true +Job"));
    Result nodes = kubectl("get", "nodes", "-o", "name");
    assertThat(nodes.lines()).containsExactly("node/room-1-node-1", "node/room-1-node-2");
  }

  @Test
  void createsScalesDescribesAndDeletesADeployment() throws Exception {
    Path manifest = Files.createTempFile(home, "web", ".yaml");
    Files.writeString(
        manifest,
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
        spec:
          replicas: 2
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: web
                image: registry.local/shop/web:1
        """);

    Result created = kubectl("create", "-f", manifest.toString());
    assertThat(created.exit()).as(created.err()).isZero();
    assertThat(created.out()).contains("deployment.apps/web created");
    awaitPods(2);

    Result scaled = kubectl("scale", "deployment/web", "-n", "shop", "--replicas=3");
    assertThat(scaled.exit()).as(scaled.err()).isZero();
    assertThat(scaled.out()).contains("deployment.apps/web scaled");
    assertThat(
            kubectl("get", "deploy", "web", "-n", "shop", "-o", "jsonpath={.spec.replicas}").out())
        .isEqualTo("3");
    awaitPods(3);

    Result table = kubectl("get", "deploy", "-n", "shop");
    assertThat(table.exit()).as(table.err()).isZero();
    assertThat(table.lines()).anyMatch(l -> l.startsWith("web "));
    Result described = kubectl("describe", "deployment", "web", "-n", "shop");
    assertThat(described.exit()).as(described.err()).isZero();
    assertThat(described.out()).contains("Name:", "web", "Replicas:", "registry.local/shop/web:1");

    Result deleted = kubectl("delete", "deployment", "web", "-n", "shop");
    assertThat(deleted.exit()).as(deleted.err()).isZero();
    assertThat(deleted.out()).contains("deployment.apps \"web\" deleted");
    Result gone = kubectl("get", "deployment", "web", "-n", "shop");
    assertThat(gone.exit()).isNotZero();
    assertThat(gone.err()).contains("NotFound");
  }

  @Test
  void appliesAManifestThenItsChangesAndFollowsEachRollout() throws Exception {
    Path manifest = Files.createTempFile(home, "api", ".yaml");
    Files.writeString(
        manifest,
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api, namespace: shop}
        spec:
          replicas: 2
          selector: {matchLabels: {app: api}}
          strategy:
            type: RollingUpdate
            rollingUpdate: {maxSurge: 1, maxUnavailable: 0}
          template:
            metadata: {labels: {app: api}}
            spec:
              containers:
              - name: api
                image: registry.local/shop/api:1
                env: [{name: MODE, value: blue}]
                ports: [{containerPort: 8080}, {containerPort: 9090}]
        """);
    Result created = kubectl("apply", "-f", manifest.toString());
    assertThat(created.exit()).as(created.err()).isZero();
    assertThat(created.out()).contains("deployment.apps/api created");
    assertRolledOut("api");

    Files.writeString(
        manifest,
        Files.readString(manifest)
            .replace("api:1", "api:2")
            .replace("value: blue}]", "value: green}, {name: LEVEL, value: \"3\"}]")
            .replace(", {containerPort: 9090}", "")
            .replace(
                "type: RollingUpdate\n    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}",
                "type: Recreate"));
    Result changed = kubectl("apply", "-f", manifest.toString());
    assertThat(changed.exit()).as(changed.err()).isZero();
    assertThat(changed.out()).contains("deployment.apps/api configured");
    assertRolledOut("api");

    String spec = "{.spec.template.spec.containers[0]}";
    assertThat(kubectl("get", "deploy", "api", "-n", "shop", "-o", "jsonpath=" + spec).out())
        .contains("registry.local/shop/api:2", "\"LEVEL\"", "green")
        .doesNotContain("9090", "blue");
    assertThat(
            kubectl("get", "deploy", "api", "-n", "shop", "-o", "jsonpath={.spec.strategy}").out())
        .as("the rolling-update settings go with the strategy they belonged to")
        .isEqualTo("{\"type\":\"Recreate\"}");
    assertThat(
            kubectl(
                    "get",
                    "pods",
                    "-n",
                    "shop",
                    "-l",
                    "app=api",
                    "-o",
                    "jsonpath={.items[*].spec.containers[0].image}")
                .out())
        .isEqualTo("registry.local/shop/api:2 registry.local/shop/api:2");
  }

  @Test
  void appliesServerSideThenRemovesWhatTheManifestDropsAndKeepsWhatOthersSet() throws Exception {
    Path manifest = Files.createTempFile(home, "ssa", ".yaml");
    Files.writeString(
        manifest,
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: ssa, namespace: shop, labels: {app: ssa}}
        spec:
          replicas: 1
          selector: {matchLabels: {app: ssa}}
          template:
            metadata: {labels: {app: ssa}}
            spec:
              containers:
              - name: ssa
                image: registry.local/shop/ssa:1
                env: [{name: MODE, value: blue}, {name: DEBUG, value: "1"}]
        """);
    Result created = kubectl("apply", "--server-side", "-f", manifest.toString());
    assertThat(created.exit()).as(created.err()).isZero();
    assertThat(created.out()).contains("deployment.apps/ssa serverside-applied");
    assertRolledOut("ssa");
    Result labelled = kubectl("label", "deployment", "ssa", "-n", "shop", "team=ops");
    assertThat(labelled.exit()).as(labelled.err()).isZero();

    Files.writeString(
        manifest,
        Files.readString(manifest)
            .replace("ssa:1", "ssa:2")
            .replace(", {name: DEBUG, value: \"1\"}]", "]"));
    Result changed = kubectl("apply", "--server-side", "-f", manifest.toString());
    assertThat(changed.exit()).as(changed.err()).isZero();
    assertRolledOut("ssa");

    String spec = "{.spec.template.spec.containers[0]}";
    assertThat(kubectl("get", "deploy", "ssa", "-n", "shop", "-o", "jsonpath=" + spec).out())
        .contains("registry.local/shop/ssa:2", "\"MODE\"")
        .doesNotContain("DEBUG");
    assertThat(
            kubectl("get", "deploy", "ssa", "-n", "shop", "-o", "jsonpath={.metadata.labels}")
                .out())
        .as("the label another manager set stays")
        .contains("\"team\":\"ops\"", "\"app\":\"ssa\"");
  }

  @Test
  void aBarePodIsScheduledAndOneThatFitsNowhereWaitsUntilANodeIsLabelledForIt() throws Exception {
    Result run =
        kubectl("run", "probe", "-n", "shop", "--image=registry.local/shop/probe:1", "--port=80");
    assertThat(run.exit()).as(run.err()).isZero();
    Result ready =
        kubectl("wait", "--for=condition=Ready", "pod/probe", "-n", "shop", "--timeout=30s");
    assertThat(ready.exit()).as(ready.err()).isZero();
    assertThat(
            kubectl(
                    "get",
                    "pod",
                    "probe",
                    "-n",
                    "shop",
                    "-o",
                    "jsonpath={.spec.nodeName} {.status.podIP} {.status.hostIP} {.status.startTime}")
                .out()
                .split(" "))
        .as("bound: a node, addresses and a start")
        .hasSize(4)
        .doesNotContain("");

    Path manifest = Files.createTempFile(home, "pinned", ".yaml");
    Files.writeString(
        manifest,
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: pinned, namespace: shop}
        spec:
          nodeSelector: {disk: ssd}
          containers: [{name: pinned, image: registry.local/shop/pinned:1}]
        """);
    Result created = kubectl("apply", "-f", manifest.toString());
    assertThat(created.exit()).as(created.err()).isZero();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        kubectl(
                                "get",
                                "pod",
                                "pinned",
                                "-n",
                                "shop",
                                "-o",
                                "jsonpath={.status.conditions[?(@.type==\"PodScheduled\")].reason}")
                            .out())
                    .isEqualTo("Unschedulable"));
    String node = kubectl("get", "nodes", "-o", "jsonpath={.items[0].metadata.name}").out();
    Result labelled = kubectl("label", "node", node, "disk=ssd");
    assertThat(labelled.exit()).as(labelled.err()).isZero();
    Result scheduled =
        kubectl("wait", "--for=condition=Ready", "pod/pinned", "-n", "shop", "--timeout=30s");
    assertThat(scheduled.exit()).as(scheduled.err()).isZero();
    assertThat(
            kubectl("get", "pod", "pinned", "-n", "shop", "-o", "jsonpath={.spec.nodeName}").out())
        .isEqualTo(node);
  }

  @Test
  void aBarePodThatRunsToCompletionEndsAsItsAnnotationsSayAndOneThatRestartsRunsOn()
      throws Exception {
    for (String outcome : List.of("Succeeded", "Failed")) {
      String name = "once-" + outcome.toLowerCase(Locale.ROOT);
      Result run =
          kubectl(
              "run",
              name,
              "-n",
              "shop",
              "--image=registry.local/shop/once:1",
              "--restart=Never",
              "--annotations=kube-sim/duration=200ms",
              "--annotations=kube-sim/outcome=" + outcome);
      assertThat(run.exit()).as(run.err()).isZero();
      Result ended =
          kubectl(
              "wait",
              "--for=jsonpath={.status.phase}=" + outcome,
              "pod/" + name,
              "-n",
              "shop",
              "--timeout=30s");
      assertThat(ended.exit())
          .as(ended.err() + kubectl("get", "pod", name, "-n", "shop", "-o", "yaml").out())
          .isZero();
      assertThat(
              kubectl(
                      "get",
                      "pod",
                      name,
                      "-n",
                      "shop",
                      "-o",
                      "jsonpath={.status.containerStatuses[0].state.terminated.exitCode}")
                  .out())
          .isEqualTo(outcome.equals("Succeeded") ? "0" : "1");
    }

    Result server = kubectl("run", "server", "-n", "shop", "--image=registry.local/shop/server:1");
    assertThat(server.exit()).as(server.err()).isZero();
    Result ready =
        kubectl("wait", "--for=condition=Ready", "pod/server", "-n", "shop", "--timeout=30s");
    assertThat(ready.exit()).as(ready.err()).isZero();
    // three times as long as a pod that ends runs by default (job-duration, 1 s here)
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                kubectl("get", "pod", "server", "-n", "shop", "-o", "jsonpath={.status.phase}")
                    .out()
                    .equals("Running"));
  }

  @Test
  void aNoExecuteTaintEvictsThePodsThatDoNotTolerateItAndLaterThoseThatDoForAWhile()
      throws Exception {
    String[] nodes =
        kubectl("get", "nodes", "-o", "jsonpath={.items[*].metadata.name}").out().split(" ");
    String tainted = nodes[0];
    Path manifest = Files.createTempFile(home, "evicted", ".yaml");
    Files.writeString(
        manifest,
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: evicted, namespace: shop}
        spec:
          replicas: 4
          selector: {matchLabels: {app: evicted}}
          template:
            metadata: {labels: {app: evicted}}
            spec:
              containers: [{name: evicted, image: registry.local/shop/evicted:1}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: patient, namespace: shop}
        spec:
          nodeName: %s
          tolerations:
          - {key: dedicated, operator: Exists, effect: NoExecute, tolerationSeconds: 2}
          containers: [{name: patient, image: registry.local/shop/patient:1}]
        """
            .formatted(tainted));
    Result applied = kubectl("apply", "-f", manifest.toString());
    assertThat(applied.exit()).as(applied.err()).isZero();
    Result rolled = kubectl("rollout", "status", "deploy/evicted", "-n", "shop", "--timeout=30s");
    assertThat(rolled.exit()).as(rolled.err()).isZero();
    assertThat(evictedNodes()).as("spread over the nodes").contains(tainted);

    long tainting = System.nanoTime();
    Result taint = kubectl("taint", "nodes", tainted, "dedicated=db:NoExecute");
    assertThat(taint.exit()).as(taint.err()).isZero();
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(evictedNodes()).hasSize(4).doesNotContain(tainted);
                assertThat(
                        kubectl(
                                "get",
                                "deploy",
                                "evicted",
                                "-n",
                                "shop",
                                "-o",
                                "jsonpath={.status.readyReplicas}")
                            .out())
                    .isEqualTo("4");
              });
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> kubectl("get", "pod", "patient", "-n", "shop").exit() != 0);
      assertThat(Duration.ofNanos(System.nanoTime() - tainting))
          .as("the tolerating pod stays its two seconds")
          .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    } finally {
      kubectl("taint", "nodes", tainted, "dedicated=db:NoExecute-");
      kubectl("delete", "deploy", "evicted", "-n", "shop");
    }
  }

  /** The nodes of deployment {@code evicted}'s pods. */
  private List<String> evictedNodes() throws Exception {
    String out =
        kubectl(
                "get",
                "pods",
                "-n",
                "shop",
                "-l",
                "app=evicted",
                "-o",
                "jsonpath={range .items[*]}{.spec.nodeName}{\"\\n\"}{end}")
            .out();
    return out.isBlank() ? List.of() : List.of(out.strip().split("\n"));
  }

  @Test
  void aCustomResourceDefinitionServesItsKind() throws Exception {
    Path definition = Path.of(KubectlIT.class.getResource("/servicemonitor-crd.yaml").toURI());
    Result defined = kubectl("apply", "-f", definition.toString());
    assertThat(defined.exit()).as(defined.err()).isZero();
    Result established =
        kubectl(
            "wait",
            "--for=condition=Established",
            "crd/servicemonitors.monitoring.coreos.com",
            "--timeout=30s");
    assertThat(established.exit()).as(established.err()).isZero();

    Path monitor = Files.createTempFile(home, "sm", ".yaml");
    Files.writeString(
        monitor,
        """
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata: {name: gateway, namespace: shop}
        spec:
          selector: {matchLabels: {app: gateway}}
          endpoints: [{port: http, path: /actuator/prometheus}]
        """);
    Result made = kubectl("apply", "-f", monitor.toString());
    assertThat(made.exit()).as(made.err()).isZero();
    assertThat(made.out()).contains("servicemonitor.monitoring.coreos.com/gateway created");
    assertThat(kubectl("get", "servicemonitors", "-n", "shop", "-o", "name").lines())
        .containsExactly("servicemonitor.monitoring.coreos.com/gateway");
    assertThat(kubectl("api-resources", "--api-group=monitoring.coreos.com").lines())
        .anyMatch(
            l -> l.matches("servicemonitors +monitoring.coreos.com/v1 +true +ServiceMonitor"));
  }

  @Test
  void aFieldTheKindDoesNotHaveIsRefusedOrWarnedAbout() throws Exception {
    Path manifest = Files.createTempFile(home, "typo", ".yaml");
    Files.writeString(
        manifest,
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: typo, namespace: shop}
        data: {a: "1"}
        dta: {b: "2"}
        """);

    Result refused = kubectl("apply", "-f", manifest.toString());
    assertThat(refused.exit()).isNotZero();
    assertThat(refused.err()).contains("strict decoding error: unknown field \"dta\"");
    assertThat(kubectl("get", "configmap", "typo", "-n", "shop").err()).contains("NotFound");

    Result warned = kubectl("apply", "--validate=warn", "-f", manifest.toString());
    assertThat(warned.exit()).as(warned.err()).isZero();
    assertThat(warned.err()).contains("Warning: unknown field \"dta\"");
  }

  @Test
  void aWatchShowsObjectsCreatedAfterItStarted() throws Exception {
    Process watch =
        command("get", "configmaps", "-n", "watched", "--watch", "-o", "name")
            .redirectErrorStream(true)
            .start();
    try {
      List<String> seen = new ArrayList<>();
      Thread reader = new Thread(() -> readLines(watch.getInputStream(), seen), "kubectl-watch");
      reader.setDaemon(true);
      reader.start();
      Path settings = Files.createTempFile(home, "settings", ".yaml");
      Files.writeString(
          settings,
          """
          apiVersion: v1
          kind: ConfigMap
          metadata: {name: settings, namespace: watched}
          data: {a: "1"}
          """);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                Result made = kubectl("create", "-f", settings.toString());
                assertThat(made.exit() == 0 || made.err().contains("AlreadyExists"))
                    .as(made.err())
                    .isTrue();
                synchronized (seen) {
                  assertThat(seen).contains("configmap/settings");
                }
              });
      reader.interrupt();
    } finally {
      watch.destroy();
      watch.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aServerDryRunChecksAndStoresNothing() throws Exception {
    Path manifest = Files.createTempFile(home, "dry", ".yaml");
    Files.writeString(
        manifest,
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: dry, namespace: shop}
        spec:
          replicas: 1
          selector: {matchLabels: {app: dry}}
          template:
            metadata: {labels: {app: dry}}
            spec:
              containers: [{name: dry, image: "registry.local/shop/dry:1"}]
        """);

    Result tried = kubectl("create", "-f", manifest.toString(), "--dry-run=server");
    assertThat(tried.exit()).as(tried.err()).isZero();
    assertThat(tried.out()).contains("deployment.apps/dry created (server dry run)");
    assertThat(kubectl("get", "deploy", "dry", "-n", "shop").err()).contains("NotFound");

    assertThat(kubectl("create", "-f", manifest.toString()).exit()).isZero();
    Result scaled =
        kubectl("scale", "deploy/dry", "-n", "shop", "--replicas=4", "--dry-run=server");
    assertThat(scaled.out()).as(scaled.err()).contains("scaled (server dry run)");
    Result deleted = kubectl("delete", "deploy", "dry", "-n", "shop", "--dry-run=server");
    assertThat(deleted.out()).as(deleted.err()).contains("deleted (server dry run)");
    assertThat(
            kubectl("get", "deploy", "dry", "-n", "shop", "-o", "jsonpath={.spec.replicas}").out())
        .as("still there, unscaled")
        .isEqualTo("1");
  }

  @Test
  void typedSubcommandsWriteSecretsConfigMapsAndNamespacesInProtobuf() throws Exception {
    assertThat(kubectl("create", "namespace", "typed").out()).contains("namespace/typed created");
    Result secret =
        kubectl("create", "secret", "generic", "creds", "-n", "typed", "--from-literal=user=admin");
    assertThat(secret.exit()).as(secret.err()).isZero();
    Result config = kubectl("create", "configmap", "settings", "-n", "typed", "--from-literal=a=1");
    assertThat(config.exit()).as(config.err()).isZero();
    assertThat(
            kubectl("get", "secret", "creds", "-n", "typed", "-o", "jsonpath={.data.user}").out())
        .isEqualTo("YWRtaW4=");
    assertThat(
            kubectl("get", "configmap", "settings", "-n", "typed", "-o", "jsonpath={.data}").out())
        .isEqualTo("{\"a\":\"1\"}");

    Result account = kubectl("create", "serviceaccount", "robot", "-n", "typed");
    assertThat(account.exit()).isNotZero();
    assertThat(account.err()).contains("the body of the request was in an unknown format");
    assertThat(kubectl("get", "serviceaccount", "robot", "-n", "typed").err()).contains("NotFound");
  }

  private static void assertRolledOut(String deployment) throws Exception {
    Result status =
        kubectl("rollout", "status", "deployment/" + deployment, "-n", "shop", "--timeout=50s");
    assertThat(status.exit()).as(status.err()).isZero();
    assertThat(status.out()).contains("deployment \"" + deployment + "\" successfully rolled out");
  }

  private static void awaitPods(int count) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        kubectl("get", "pods", "-n", "shop", "-l", "app=web", "-o", "name").lines())
                    .hasSize(count));
  }

  private static void readLines(InputStream in, List<String> seen) {
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        synchronized (seen) {
          seen.add(line.trim());
        }
      }
    } catch (IOException e) {
      // the watch ended
    }
  }

  private record Result(int exit, String out, String err) {
    List<String> lines() {
      return out.isBlank() ? List.of() : List.of(out.strip().split("\n"));
    }
  }

  private static Result kubectl(String... args) throws Exception {
    Path out = Files.createTempFile(home, "out", ".txt");
    Path err = Files.createTempFile(home, "err", ".txt");
    Process process =
        command(args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(COMMAND.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(
          "kubectl " + String.join(" ", args) + " took over " + COMMAND);
    }
    return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static ProcessBuilder command(String... args) {
    List<String> command =
        new ArrayList<>(List.of("kubectl", "--kubeconfig", sim.kubeconfig("room-1").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("HOME", home.toString());
    builder.environment().put("KUBECACHEDIR", home.resolve("cache").toString());
    return builder;
  }
}
