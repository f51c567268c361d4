package io.containercloud.build.run;

import static io.containercloud.build.run.Podman.podman;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.testing.FreePorts;
import io.containercloud.common.testing.GitServer;
import io.containercloud.common.testing.ServiceIntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Gradle, Node and Go samples built for real by the local executor (their builder and base
 * images made from Debian's packages by the first build on a host), and each image run with podman
 * as it is (its entrypoint, its user, a published port): the service answers.
 */
@ServiceIntegrationTest
class ToolchainsIT {

  private static final Duration FIRST_BUILD = Duration.ofMinutes(15);

  private static GitServer git;

  @LocalServerPort int port;
  @Autowired JsonMapper json;

  private BuildApi api;

  @BeforeAll
  static void repositories() throws Exception {
    git = new GitServer();
  }

  @AfterAll
  static void stop() {
    git.close();
  }

  @BeforeEach
  void api() {
    api = new BuildApi(port, json);
  }

  @Test
  void aGradleServiceIsBuiltWithTheAgentItsBuildFetchedAndRunsOnTheJavaBaseImage()
      throws Exception {
    String image = build("java-gradle", "hello-gradle", "\"apm\":true,").path("image").asString();
    // the JVM's options load the agent the compile fetched; then the service answers
    assertThat(Podman.java(image, "-version"))
        .contains("opentelemetry-javaagent - version: 2.33.1", "openjdk version \"17");
    assertThat(serve(image)).isEqualTo("hello\n");
  }

  @Test
  void aNodeServiceIsInstalledAndRunsOnTheNodeBaseImage() throws Exception {
    assertThat(serve(build("node", "hello-node", "").path("image").asString()))
        .isEqualTo("hello\n");
  }

  @Test
  void aGoServiceIsCompiledToOneProgramOnTheBareBaseImage() throws Exception {
    assertThat(serve(build("go", "hello-go", "").path("image").asString())).isEqualTo("hello\n");
  }

  /**
   * Builds {@code sample} with {@code toolchain} and more fields of the spec ({@code "apm":true,}).
   */
  private JsonNode build(String toolchain, String sample, String more) throws Exception {
    String repository = sample + "-" + UUID.randomUUID().toString().substring(0, 8);
    git.sample(repository, sample);
    String name = "b-" + toolchain + "-" + UUID.randomUUID().toString().substring(0, 6);
    api.create(
        name,
        """
        {%s"repositoryUrl":"%s","ref":"main","toolchain":"%s",
             "image":"%s","resources":{"cpu":"1","memory":"1Gi"},"timeoutSeconds":1800}"""
            .formatted(more, git.url(repository), toolchain, name));
    JsonNode done = api.awaitEnd(name, api.trigger(name).path("number").asLong(), FIRST_BUILD);
    assertThat(done.path("status").asString()).as(api.log(name, 1)).isEqualTo("SUCCEEDED");
    assertThat(done.path("steps").findValuesAsString("name"))
        .containsExactly("clone", "compile", "image", "push");
    return done;
  }

  /** Runs the image as it is (its entrypoint, its user) and asks the service once. */
  private static String serve(String image) throws Exception {
    int port = FreePorts.pick();
    String container = "toolchains-it-" + port;
    podman(
        "run",
        "--detach",
        "--name",
        container,
        "--tls-verify=false",
        "--memory=256m",
        "--ulimit",
        "nofile=1024:1024",
        "--ulimit",
        "nproc=1000:1000",
        "--publish",
        "127.0.0.1:" + port + ":8080",
        image);
    try {
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build();
      return await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(
              () -> http.send(request, HttpResponse.BodyHandlers.ofString()).body(),
              b -> !b.isEmpty());
    } finally {
      podman("rm", "--force", "--time", "0", container);
      podman("rmi", "--ignore", image); // the host's storage keeps no copy of what a test pulled
    }
  }
}
