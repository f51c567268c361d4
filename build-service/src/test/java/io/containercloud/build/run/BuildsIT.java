package io.containercloud.build.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.security.Role;
import io.containercloud.common.testing.LocalInfra;
import io.containercloud.common.testing.OciRegistry;
import io.containercloud.common.testing.ServiceContract;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds through the API with the local executor, for real: the sample service in a repository
 * served by git daemon, cloned and compiled by Maven in containers, built into an image by buildah
 * and pushed to the local registry. The first build on a host also makes the builder and base
 * images (a few minutes).
 */
@ServiceIntegrationTest
class BuildsIT {

  // who calls: tokens are made per request, as a first build outlives one (five minutes)
  private static final String DEV = "dana";
  private static final String VIEWER = "vic";
  private static final String OTHER = "olga";
  private static final Duration FIRST_BUILD = Duration.ofMinutes(12);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static GitServer git;
  private static String repository;
  private static String mainCommit;

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired JsonMapper json;

  @Value("${platform.build.workspaces}")
  Path workspaces;

  @BeforeAll
  static void repository() throws Exception {
    git = new GitServer();
    repository = "hello-" + UUID.randomUUID().toString().substring(0, 8);
    mainCommit = git.sample(repository);
  }

  @AfterAll
  static void stop() {
    git.close();
  }

  @Test
  void theSampleIsClonedCompiledBuiltAndPushedWithItsStepsAndLog() throws Exception {
    String name = configure("main", "main");
    JsonNode build = trigger(name);
    assertThat(build.path("status").asString()).isIn("QUEUED", "RUNNING");
    JsonNode done = awaitEnd(name, build.path("number").asLong(), FIRST_BUILD);

    String log = log(name, 1);
    assertThat(done.path("status").asString()).as(log).isEqualTo("SUCCEEDED");
    assertThat(done.path("commit").asString()).isEqualTo(mainCommit);
    String tag = "main-" + mainCommit.substring(0, 7);
    assertThat(done.path("image").asString())
        .isEqualTo(OciRegistry.ADDRESS + "/tenant-a/" + name + ":" + tag);
    assertThat(done.path("digest").asString()).isEqualTo(manifestDigest("tenant-a/" + name, tag));
    assertThat(done.path("steps").findValuesAsString("name"))
        .containsExactly("clone", "compile", "image", "push");
    assertThat(done.path("steps").findValuesAsString("status")).containsOnly("SUCCEEDED");
    assertThat(log)
        .contains("BUILD SUCCESS", "[platform] pushed " + done.path("digest").asString());
    assertThat(Files.exists(workspaces.resolve(Long.toString(buildId(name, 1))))).isFalse();
    assertThat(events(name, "build.succeeded")).isEqualTo(1);
    assertThat(events(name, "build.step-finished")).isEqualTo(4);

    // another tenant sees neither the build nor its log; a viewer reads but cannot build
    String path = "/builds/tenant-a/" + name + "/1";
    assertThat(send("GET", path, null, OTHER).statusCode()).isEqualTo(404);
    assertThat(send("GET", path + "/log", null, OTHER).statusCode()).isEqualTo(404);
    assertThat(send("GET", path + "/log/stream", null, OTHER).statusCode()).isEqualTo(404);
    assertThat(send("GET", "/builds", null, OTHER).body()).doesNotContain(name);
    assertThat(send("GET", path + "/log", null, VIEWER).body()).contains("BUILD SUCCESS");
    assertThat(
            send("POST", "/configurations/tenant-a/" + name + "/builds", null, VIEWER).statusCode())
        .isEqualTo(403);
  }

  @Test
  void aFailingCompileFailsAtThatStepWithTheCompilersOutputAndPushesNothing() throws Exception {
    git.branch(
        repository,
        "broken",
        "src/main/java/example/Broken.java",
        "package example; class Broken { int x = undefinedThing; }");
    String name = configure("broken", "broken");
    JsonNode done = awaitEnd(name, trigger(name).path("number").asLong(), FIRST_BUILD);

    assertThat(done.path("status").asString()).isEqualTo("FAILED");
    assertThat(done.path("error").asString()).contains("compile failed");
    assertThat(done.path("steps").findValuesAsString("status"))
        .containsExactly("SUCCEEDED", "FAILED");
    assertThat(log(name, 1)).contains("cannot find symbol", "undefinedThing");
    assertThat(registryAnswer("/v2/tenant-a/" + name + "/tags/list")).isEqualTo(404);
  }

  @Test
  void aCancelledBuildStopsItsContainersAndRemovesItsWorkspace() throws Exception {
    // the compile waits in a plugin bound to its first phase
    git.branch(
        repository,
        "slow",
        "pom.xml",
        Files.readString(LocalInfra.projectRoot().resolve("samples/hello-java/pom.xml"))
            .replace(
                "<plugins>",
                """
                <plugins>
                  <plugin>
                    <groupId>org.apache.maven.plugins</groupId>
                    <artifactId>maven-antrun-plugin</artifactId>
                    <version>3.1.0</version>
                    <executions><execution><phase>validate</phase><goals><goal>run</goal></goals>
                      <configuration><target><sleep seconds="600"/></target></configuration>
                    </execution></executions>
                  </plugin>"""));
    String name = configure("slow", "slow");
    long number = trigger(name).path("number").asLong();
    await()
        .atMost(FIRST_BUILD)
        .until(() -> log(name, number).contains("maven-antrun-plugin:3.1.0:run"));

    HttpResponse<String> cancel =
        send("POST", "/builds/tenant-a/" + name + "/" + number + "/cancel", null);
    assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
    JsonNode done = awaitEnd(name, number, Duration.ofMinutes(1));
    assertThat(done.path("status").asString()).isEqualTo("CANCELLED");
    assertThat(done.path("steps").findValuesAsString("status"))
        .containsExactly("SUCCEEDED", "CANCELLED");
    assertThat(podmanContainers("cc-build-" + buildId(name, number))).isEmpty();
    assertThat(Files.exists(workspaces.resolve(Long.toString(buildId(name, number))))).isFalse();
    assertThat(
            send("POST", "/builds/tenant-a/" + name + "/" + number + "/cancel", null).statusCode())
        .isEqualTo(409);
  }

  private String configure(String suffix, String ref) {
    String name = "b-" + suffix + "-" + UUID.randomUUID().toString().substring(0, 6);
    String body =
        """
        {"name":"%s","spec":{"repositoryUrl":"%s","ref":"%s","toolchain":"java-maven",
         "image":"%s","resources":{"cpu":"1","memory":"1Gi"},"timeoutSeconds":1200}}"""
            .formatted(name, git.url(repository), ref, name);
    HttpResponse<String> created = send("POST", "/configurations", body);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return name;
  }

  private JsonNode trigger(String name) {
    HttpResponse<String> accepted =
        send("POST", "/configurations/tenant-a/" + name + "/builds", null);
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    return json.readTree(accepted.body());
  }

  private JsonNode awaitEnd(String name, long number, Duration limit) {
    String path = "/builds/tenant-a/" + name + "/" + number;
    await()
        .atMost(limit)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                !json.readTree(send("GET", path, null).body())
                    .path("status")
                    .asString()
                    .matches("QUEUED|RUNNING"));
    return json.readTree(send("GET", path, null).body());
  }

  private String log(String name, long number) {
    return send("GET", "/builds/tenant-a/" + name + "/" + number + "/log", null).body();
  }

  private long buildId(String name, long number) {
    return jdbc.queryForObject(
        "SELECT id FROM build WHERE tenant = 'tenant-a' AND configuration = ? AND number = ?",
        Long.class,
        name,
        number);
  }

  private int events(String name, String type) {
    return jdbc.queryForObject(
        "SELECT COUNT(*) FROM outbox_event WHERE topic = 'build-events'"
            + " AND JSON_VALUE(payload, '$.type') = ? AND event_key = ?",
        Integer.class,
        type,
        "tenant-a/" + name);
  }

  private static String podmanContainers(String prefix) throws Exception {
    Process process =
        new ProcessBuilder(
                "podman", "ps", "--all", "--format", "{{.Names}}", "--filter", "name=" + prefix)
            .redirectErrorStream(true)
            .start();
    String names = new String(process.getInputStream().readAllBytes()).trim();
    process.waitFor();
    return names;
  }

  private static String manifestDigest(String repository, String tag) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://"
                            + OciRegistry.ADDRESS
                            + "/v2/"
                            + repository
                            + "/manifests/"
                            + tag))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("Accept", "application/vnd.oci.image.manifest.v1+json")
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .headers()
        .firstValue("Docker-Content-Digest")
        .orElseThrow();
  }

  private static int registryAnswer(String path) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://" + OciRegistry.ADDRESS + path)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private HttpResponse<String> send(String method, String path, String body) {
    return send(method, path, body, DEV);
  }

  private HttpResponse<String> send(String method, String path, String body, String user) {
    String token =
        switch (user) {
          case VIEWER -> TestTokens.token(VIEWER, "tenant-a", Role.VIEWER);
          case OTHER -> TestTokens.token(OTHER, "tenant-b", Role.DEVELOPER);
          default -> TestTokens.token(DEV, "tenant-a", Role.DEVELOPER);
        };
    return ServiceContract.send(
        ServiceContract.request(method, "http://127.0.0.1:" + port + path, token, body).build());
  }
}
