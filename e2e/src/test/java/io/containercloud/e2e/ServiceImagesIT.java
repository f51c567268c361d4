package io.containercloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.testing.FreePorts;
import io.containercloud.common.testing.LocalInfra;
import io.containercloud.common.testing.OciRegistry;
import io.containercloud.common.testing.OciRegistry.ImageConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The platform's images as scripts/images.sh builds them with buildah and pushes them to the local
 * registry: the chart's default image references are exactly those, each runs its module as the
 * unprivileged user with a health check, and they start in a real container (podman).
 */
class ServiceImagesIT {

  private static final Path ROOT = LocalInfra.projectRoot();
  private static final Path SCRIPT = ROOT.resolve("scripts/images.sh");
  private static final String REPOSITORY = "container-cloud/";

  /** Image reference to module, as `images.sh list` prints them. */
  private static final Map<String, String> IMAGES = new LinkedHashMap<>();

  private static String revision;

  @BeforeAll
  static void buildAndPush() throws Exception {
    // the reactor has just packaged every module this test depends on
    String output = images(Duration.ofMinutes(20), Map.of("PLATFORM_IMAGES_JARS", "built"), "push");
    assertThat(output).contains("pushing ");
    for (String reference : images(Duration.ofSeconds(10), Map.of(), "list").trim().split("\n")) {
      String path = reference.substring(reference.indexOf('/') + 1, reference.lastIndexOf(':'));
      IMAGES.put(reference, path.substring(REPOSITORY.length()));
    }
    revision =
        Commands.run(Duration.ofSeconds(10), "git", "-C", ROOT.toString(), "rev-parse", "HEAD");
  }

  @Test
  void theChartsDefaultImagesAreTheOnesPushed() {
    // nginx-agent's DaemonSet is an option: VM hosts run it by its systemd unit
    List<HasMetadata> manifests =
        HelmChart.render(
            List.of(HelmChart.values("default")),
            HelmChart.set(
                Map.of(
                    "daemons.nginx-agent.enabled",
                    true,
                    "daemons.nginx-agent.nodeSelector.role",
                    "edge")));
    Set<String> referenced = new TreeSet<>();
    for (HasMetadata object : manifests) {
      PodTemplateSpec template =
          object instanceof Deployment deployment
              ? deployment.getSpec().getTemplate()
              : object instanceof DaemonSet daemonSet ? daemonSet.getSpec().getTemplate() : null;
      if (template != null) {
        Stream.concat(
                template.getSpec().getContainers().stream(),
                template.getSpec().getInitContainers().stream())
            .map(Container::getImage)
            .forEach(referenced::add);
      }
    }
    // kube-sim stands in for the clusters the chart is installed into: compose runs it, Helm not
    Set<String> pushed = new TreeSet<>(IMAGES.keySet());
    pushed.removeIf(reference -> IMAGES.get(reference).equals("kube-sim"));
    assertThat(referenced).isEqualTo(pushed);
  }

  @Test
  void everyImageRunsItsModuleAsTheUnprivilegedUserAndIsTheOneBuilt() throws Exception {
    for (Map.Entry<String, String> image : IMAGES.entrySet()) {
      String reference = image.getKey();
      String module = image.getValue();
      String tag = reference.substring(reference.lastIndexOf(':') + 1);
      ImageConfig pushed = OciRegistry.imageConfig(REPOSITORY + module, tag);
      // the registry holds exactly what buildah built here
      assertThat(pushed.digest())
          .as(reference)
          .isEqualTo(
              "sha256:"
                  + Commands.run(
                      Duration.ofSeconds(30),
                      "podman",
                      "image",
                      "inspect",
                      "--format",
                      "{{.Id}}",
                      reference));
      JsonNode config = pushed.config();
      assertThat(config.path("User").asString()).as(reference).isEqualTo("10001:10001");
      assertThat(strings(config.path("Env"))).as(reference).contains("SERVICE=" + module);
      assertThat(strings(config.path("Entrypoint")))
          .as(reference)
          .containsExactly("java", "org.springframework.boot.loader.launch.JarLauncher");
      assertThat(String.join(" ", strings(config.path("Healthcheck").path("Test"))))
          .as(reference)
          .contains("/actuator/health/readiness");
      assertThat(config.path("Labels").path("org.opencontainers.image.revision").asString())
          .as(reference)
          .isEqualTo(revision);
    }
  }

  @Test
  void kubeSimsImageStartsInAContainerAndTurnsHealthy() throws Exception {
    String image = reference("kube-sim");
    int port = FreePorts.pick();
    String name = "cc-images-it-" + port;
    Commands.run(
        Duration.ofMinutes(1),
        Map.of(),
        Commands.podman(
            "run",
            "--detach",
            "--name",
            name,
            "--publish",
            "127.0.0.1:" + port + ":8092",
            "--env",
            "SERVER_PORT=8092",
            image));
    try {
      HttpClient http = HttpClient.newHttpClient();
      await()
          .atMost(Duration.ofMinutes(2))
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  assertThat(
                          http.send(
                                  HttpRequest.newBuilder(
                                          URI.create(
                                              "http://127.0.0.1:"
                                                  + port
                                                  + "/actuator/health/readiness"))
                                      .build(),
                                  HttpResponse.BodyHandlers.ofString())
                              .body())
                      .contains("\"UP\""));
      // the image's own health check, run by podman inside the container
      Commands.run(Duration.ofSeconds(30), "podman", "healthcheck", "run", name);
      assertThat(Commands.run(Duration.ofSeconds(10), "podman", "exec", name, "id", "-u"))
          .isEqualTo("10001");
    } finally {
      Commands.run(Duration.ofSeconds(60), "podman", "rm", "--force", "--time", "2", name);
    }
  }

  @Test
  void nginxAgentsImageHasTheNginxAndLuaModulesTheAgentLoads() throws Exception {
    // nginx-agent's default lua-modules, and cjson (its Lua code decodes the pushed config)
    String config =
        "load_module /usr/lib/nginx/modules/ndk_http_module.so;"
            + " load_module /usr/lib/nginx/modules/ngx_http_lua_module.so;"
            + " error_log stderr; pid /tmp/nginx.pid; events {}"
            + " http { init_by_lua_block { require \"cjson\" } }";
    String output =
        Commands.run(
            Duration.ofMinutes(1),
            Map.of(),
            Commands.podman(
                "run",
                "--rm",
                "--entrypoint",
                "sh",
                reference("nginx-agent"),
                "-c",
                "printf '%s' '" + config + "' > /tmp/t.conf && nginx -t -c /tmp/t.conf 2>&1"));
    assertThat(output).contains("test is successful");
  }

  private static String reference(String module) {
    return IMAGES.entrySet().stream()
        .filter(image -> image.getValue().equals(module))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElseThrow(() -> new AssertionError("images.sh lists no image of " + module));
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asString()));
    return values;
  }

  /** {@code images.sh <action>}. */
  private static String images(Duration limit, Map<String, String> env, String action) {
    return Commands.run(limit, env, List.of("bash", SCRIPT.toString(), action));
  }
}
