package io.containercloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.testing.FreePorts;
import io.containercloud.common.testing.LocalInfra;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml run for real, with podman-compose: the infrastructure from the images of
 * docker/compose.local.yml, the modules' images from scripts/images.sh. Every container turns
 * healthy by its own health check; the admin logs in through the gateway, registers kube-sim's
 * clusters and deploys a workload that turns ready in each; the chart's `helm test` script passes
 * on the compose network.
 */
class ComposeIT {

  private static final Path ROOT = LocalInfra.projectRoot();
  private static final List<String> INFRA =
      List.of("mysql", "etcd", "kafka", "elasticsearch", "bind", "kube-sim");
  private static final List<String> ROOMS = List.of("room-1", "room-2", "room-3");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private static Path project;
  private static String name;
  private static int gatewayPort;
  private static final Map<String, String> ENV = new HashMap<>();
  private static final String PASSWORD =
      "compose-" + Long.toHexString(new SecureRandom().nextLong());

  @BeforeAll
  static void up() throws Exception {
    Map<String, String> jarsBuilt = Map.of("PLATFORM_IMAGES_JARS", "built");
    Commands.run(Duration.ofMinutes(20), jarsBuilt, images("build"));
    Commands.run(Duration.ofMinutes(20), Map.of(), images("infra"));

    gatewayPort = FreePorts.pick();
    name = "cc-compose-" + gatewayPort;
    project = Files.createTempDirectory("compose-it");
    copyProjectFiles();
    ENV.putAll(settings());

    // the infrastructure and kube-sim first: podman-compose does not wait for a dependency's
    // health, and services started before their database would only restart until it answers
    compose(Duration.ofMinutes(5), concat(List.of("up", "--detach", "--no-build"), INFRA));
    awaitHealthy(INFRA, Duration.ofMinutes(5));
    // podman-compose 1.0 runs every container again; those running already are only started
    compose(Duration.ofMinutes(5), List.of("up", "--detach", "--no-build"));
    awaitHealthy(services(), Duration.ofMinutes(8));
  }

  @AfterAll
  static void down() throws IOException {
    if (project != null) {
      Commands.attempt(Duration.ofMinutes(3), ENV, composeCommand(List.of("down", "--volumes")));
      // podman-compose 1.0 leaves the project's network behind
      Commands.attempt(
          Duration.ofMinutes(1), Map.of(), List.of("podman", "network", "rm", name + "_default"));
      FileSystemUtils.deleteRecursively(project);
    }
  }

  @Test
  void theAdminLogsInThroughTheGatewayAndDeploysToEveryRoomOfKubeSim() throws Exception {
    Session admin =
        new Session(
            "http://127.0.0.1:" + gatewayPort,
            "admin",
            () -> {
              try {
                return token("admin", PASSWORD);
              } catch (Exception e) {
                throw new IllegalStateException("login of admin", e);
              }
            });
    for (String room : ROOMS) {
      // kube-sim writes each room's kubeconfig, naming the server by its compose host name
      String kubeconfig =
          Commands.run(
              Duration.ofSeconds(30),
              "podman",
              "exec",
              container("kube-sim"),
              "cat",
              "/var/lib/kube-sim/" + room + ".kubeconfig");
      admin.ok(
          "POST",
          "/api/clusters/clusters",
          "{\"name\":\"%s\",\"machineRoom\":\"hall-%s\",\"kubeconfig\":\"%s\"}"
              .formatted(room, room, json(kubeconfig)));
    }
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                admin
                            .ok("GET", "/api/clusters/clusters", null)
                            .split("\"reachable\":true", -1)
                            .length
                        - 1
                    == ROOMS.size());
    admin.ok(
        "POST",
        "/api/clusters/workloads",
        """
        {"name":"hello","image":"registry.example.com/shop/hello:1.0","replicas":3,
         "spec":{"application":"shop","ports":[{"name":"http","port":8080}],
                 "resources":{"requests":{"cpu":"100m","memory":"128Mi"},
                              "limits":{"cpu":"200m","memory":"256Mi"}}}}""");
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () ->
                assertThat(admin.ok("GET", "/api/clusters/workloads/platform/hello", null))
                    .contains("\"replicas\":3,\"ready\":3"));
  }

  @Test
  void theChartsTestScriptPassesOnTheComposeNetwork() {
    String script = "/test/test-login.sh";
    List<String> argv =
        Commands.podman(
            "run",
            "--rm",
            "--network",
            name + "_default",
            "--volume",
            ROOT.resolve("helm/container-cloud/files/test-login.sh") + ":" + script + ":ro",
            "--env",
            "GATEWAY=http://gateway:8080",
            "--env",
            "PASSWORD=" + PASSWORD,
            "--entrypoint",
            "sh",
            "localhost/container-cloud/gateway:local",
            script);
    assertThat(Commands.run(Duration.ofMinutes(1), Map.of(), argv)).contains("admin logged in");
  }

  private static List<String> images(String action) {
    return List.of("bash", ROOT.resolve("scripts/images.sh").toString(), action);
  }

  /**
   * The files docker-compose.yml mounts, in a folder of this run: the secrets it names are written
   * there, not in the checkout.
   */
  private static void copyProjectFiles() throws Exception {
    Files.copy(ROOT.resolve("docker-compose.yml"), project.resolve("docker-compose.yml"));
    FileSystemUtils.copyRecursively(ROOT.resolve("docker"), project.resolve("docker"));
    Files.createDirectories(project.resolve("scripts/infra"));
    Files.copy(ROOT.resolve("scripts/infra/tsig.key"), project.resolve("scripts/infra/tsig.key"));
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    Path signingKey = project.resolve("docker/gateway-signing-key.pem");
    Path serviceSecret = project.resolve("docker/app-orchestrator-secret");
    Files.writeString(
        signingKey,
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n");
    Files.writeString(serviceSecret, key(27));
    // as the README has them made: readable by the containers' user only (compose mounts a file
    // secret with the file's owner and mode)
    for (Path secret : List.of(signingKey, serviceSecret)) {
      Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
      Commands.run(Duration.ofSeconds(10), "chown", "10001:10001", secret.toString());
    }
    Files.createDirectories(project.resolve("pod-logs"));
  }

  /** What the README has a user export before `compose up`. */
  private static Map<String, String> settings() throws IOException {
    Path conf = project.resolve("containers.conf");
    Files.writeString(
        conf,
        """
        [engine]
        runtime = "runc"
        [containers]
        default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
        """);
    Matcher tsig =
        Pattern.compile("secret \"([^\"]+)\"")
            .matcher(Files.readString(ROOT.resolve("scripts/infra/tsig.key")));
    assertThat(tsig.find()).isTrue();
    Map<String, String> env = new HashMap<>();
    env.put("CONTAINERS_CONF", conf.toString());
    env.put("PLATFORM_GATEWAY_PORT", String.valueOf(gatewayPort));
    env.put("PLATFORM_POD_LOGS", project.resolve("pod-logs").toString());
    env.put("PLATFORM_ADMIN_PASSWORD", PASSWORD);
    env.put("PLATFORM_CLUSTER_CREDENTIALS_KEY", key(32));
    env.put("PLATFORM_NGINX_CERTIFICATES_KEY", key(32));
    env.put("PLATFORM_BUILD_SECRETS_KEY", key(32));
    env.put("PLATFORM_DNS_TSIG_SECRET", tsig.group(1));
    env.put(
        "PLATFORM_REGISTRY_EVENTS_SECRET",
        Files.readString(ROOT.resolve("scripts/infra/registry-notify.secret")).trim());
    return env;
  }

  private static String key(int bytes) {
    byte[] key = new byte[bytes];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  /** The compose services that are modules (not the infrastructure, nor kube-sim). */
  @SuppressWarnings("unchecked")
  private static List<String> services() throws IOException {
    Map<String, Object> compose =
        new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
    List<String> services =
        new ArrayList<>(((Map<String, Object>) compose.get("services")).keySet());
    services.removeAll(INFRA);
    return services;
  }

  private static void awaitHealthy(List<String> services, Duration limit) {
    await()
        .atMost(limit)
        .pollInterval(Duration.ofSeconds(5))
        .failFast(
            "a container stopped for good",
            () -> services.stream().anyMatch(service -> stoppedForGood(container(service))))
        .untilAsserted(
            () -> {
              for (String service : services) {
                Commands.Result check =
                    Commands.attempt(
                        Duration.ofSeconds(30),
                        Map.of(),
                        List.of("podman", "healthcheck", "run", container(service)));
                assertThat(check.exit())
                    .as("%s's health check: %s\n%s", service, check.output(), logs(service))
                    .isZero();
              }
            });
  }

  private static boolean stoppedForGood(String container) {
    Commands.Result state =
        Commands.attempt(
            Duration.ofSeconds(30),
            Map.of(),
            List.of(
                "podman", "inspect", "--format", "{{.State.Status}} {{.RestartCount}}", container));
    // a restart policy brings a crashed one back; only one that stays down fails the wait
    return state.exit() == 0 && state.output().startsWith("exited") && !restarting(container);
  }

  private static boolean restarting(String container) {
    return Commands.attempt(
            Duration.ofSeconds(30),
            Map.of(),
            List.of(
                "podman", "inspect", "--format", "{{.HostConfig.RestartPolicy.Name}}", container))
        .output()
        .trim()
        .equals("unless-stopped");
  }

  private static String logs(String service) {
    return Commands.attempt(
            Duration.ofSeconds(30),
            Map.of(),
            List.of("podman", "logs", "--tail", "15", container(service)))
        .output();
  }

  /** podman-compose 1.0's name of a service's container. */
  private static String container(String service) {
    return name + "_" + service + "_1";
  }

  private static void compose(Duration limit, List<String> args) {
    Commands.run(limit, ENV, composeCommand(args));
  }

  private static List<String> composeCommand(List<String> args) {
    List<String> argv =
        new ArrayList<>(
            List.of(
                "podman-compose",
                "--project-name",
                name,
                "--file",
                project.resolve("docker-compose.yml").toString(),
                "--file",
                project.resolve("docker/compose.local.yml").toString()));
    argv.addAll(args);
    return argv;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static String token(String user, String password) throws Exception {
    HttpResponse<String> login =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + gatewayPort + "/api/auth/login"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"%s\",\"password\":\"%s\"}".formatted(user, password)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Matcher matcher = Pattern.compile("\"access_token\":\"([^\"]+)\"").matcher(login.body());
    assertThat(matcher.find()).as(login.body()).isTrue();
    return matcher.group(1);
  }

  private static String json(String text) {
    return text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "");
  }
}
