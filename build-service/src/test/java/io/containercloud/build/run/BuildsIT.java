package io.containercloud.build.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.testing.GitServer;
import io.containercloud.common.testing.OciRegistry;
import io.containercloud.common.testing.ServiceIntegrationTest;
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
import org.junit.jupiter.api.BeforeEach;
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

  private BuildApi api;

  @BeforeEach
  void api() {
    api = new BuildApi(port, json);
  }

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
    String name = api.configure("main", git.url(repository), "main");
    JsonNode build = api.trigger(name);
    assertThat(build.path("status").asString()).isIn("QUEUED", "RUNNING");
    JsonNode done = api.awaitEnd(name, build.path("number").asLong(), FIRST_BUILD);

    String log = api.log(name, 1);
    assertThat(done.path("status").asString()).as(log).isEqualTo("SUCCEEDED");
    assertThat(done.path("commit").asString()).isEqualTo(mainCommit);
    String tag = "main-" + mainCommit.substring(0, 7);
    assertThat(done.path("image").asString())
        .isEqualTo(OciRegistry.ADDRESS + "/tenant-a/" + name + ":" + tag);
    assertThat(done.path("digest").asString())
        .isEqualTo(OciRegistry.manifestDigest("tenant-a/" + name, tag));
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
    assertThat(api.send("GET", path, null, BuildApi.OTHER).statusCode()).isEqualTo(404);
    assertThat(api.send("GET", path + "/log", null, BuildApi.OTHER).statusCode()).isEqualTo(404);
    assertThat(api.send("GET", path + "/log/stream", null, BuildApi.OTHER).statusCode())
        .isEqualTo(404);
    assertThat(api.send("GET", "/builds", null, BuildApi.OTHER).body()).doesNotContain(name);
    assertThat(api.send("GET", path + "/log", null, BuildApi.VIEWER).body())
        .contains("BUILD SUCCESS");
    assertThat(
            api.send("POST", "/configurations/tenant-a/" + name + "/builds", null, BuildApi.VIEWER)
                .statusCode())
        .isEqualTo(403);
  }

  @Test
  void anApmBuildPutsTheOpenTelemetryAgentIntoTheImageAndTheJvmLoadsIt() throws Exception {
    String name = api.configure("apm", git.url(repository), "main", "\"apm\":true,");
    JsonNode done = api.awaitEnd(name, api.trigger(name).path("number").asLong(), FIRST_BUILD);
    assertThat(done.path("status").asString()).as(api.log(name, 1)).isEqualTo("SUCCEEDED");

    // the image, run for real: the JVM's options load the agent and size the heap from the limit
    String output = Podman.java(done.path("image").asString(), "-XX:+PrintFlagsFinal", "-version");
    assertThat(output)
        .contains("opentelemetry-javaagent - version: 2.33.1")
        .containsPattern("MaxRAMPercentage\\s+= 75\\.0")
        .contains("openjdk version \"17");
    assertThat(api.log(name, 1))
        .contains("ENV OTEL_SERVICE_NAME=\"" + name + "\"")
        .contains("-javaagent:/app/opentelemetry-javaagent.jar");
  }

  @Test
  void aBuildsCodeSeesNeitherThePlatformNorOtherBuildsAndWritesOnlyItsWorkspace() throws Exception {
    // what a build must not reach: another build's workspace on this host, the platform's
    // database on loopback, anything outside its own workspace to write to
    Path other = workspaces.resolve("999999999");
    Files.createDirectories(other);
    Files.writeString(other.resolve("secret.txt"), "another tenant's source");
    String probe =
        String.join(
            "; ",
            "cat " + other.resolve("secret.txt") + " 2>&1",
            "ls " + workspaces + " 2>&1",
            "touch /usr/escaped 2>&1",
            "touch /workspace/../escaped 2>&1",
            "mkdir -p /cache/../escaped 2>&1",
            "timeout 3 bash -c '</dev/tcp/127.0.0.1/13306' 2>&1 || echo DATABASE-UNREACHABLE",
            "id -u",
            "echo PROBE-DONE");
    git.antrunBranch(
        repository,
        "probe",
        "<exec executable=\"sh\" failonerror=\"false\"><arg value=\"-c\"/><arg value=\""
            + probe.replace("&", "&amp;").replace("<", "&lt;").replace("'", "&apos;")
            + "\"/></exec>");
    String name = api.configure("probe", git.url(repository), "probe");
    JsonNode done = api.awaitEnd(name, api.trigger(name).path("number").asLong(), FIRST_BUILD);
    String log = api.log(name, 1);

    assertThat(done.path("status").asString()).as(log).isEqualTo("SUCCEEDED");
    assertThat(log).contains("PROBE-DONE", "DATABASE-UNREACHABLE");
    assertThat(log)
        .contains(other.resolve("secret.txt") + ": No such file or directory")
        .contains(workspaces + "': No such file or directory")
        .contains("touch: cannot touch '/usr/escaped': Read-only file system")
        .contains("touch: cannot touch '/workspace/../escaped': Read-only file system")
        .doesNotContain("another tenant's source");
    assertThat(log).containsPattern("\\[exec\\] 1000\\b");
    assertThat(Files.exists(Path.of("/usr/escaped"))).isFalse();
    assertThat(Files.exists(workspaces.resolve("escaped"))).isFalse();
  }

  @Test
  void aFailingCompileFailsAtThatStepWithTheCompilersOutputAndPushesNothing() throws Exception {
    git.branch(
        repository,
        "broken",
        "src/main/java/example/Broken.java",
        "package example; class Broken { int x = undefinedThing; }");
    String name = api.configure("broken", git.url(repository), "broken");
    JsonNode done = api.awaitEnd(name, api.trigger(name).path("number").asLong(), FIRST_BUILD);

    assertThat(done.path("status").asString()).isEqualTo("FAILED");
    assertThat(done.path("error").asString()).contains("compile failed");
    assertThat(done.path("steps").findValuesAsString("status"))
        .containsExactly("SUCCEEDED", "FAILED");
    assertThat(api.log(name, 1)).contains("cannot find symbol", "undefinedThing");
    assertThat(registryAnswer("/v2/tenant-a/" + name + "/tags/list")).isEqualTo(404);
  }

  @Test
  void aCancelledBuildStopsItsContainersAndRemovesItsWorkspace() throws Exception {
    // the compile waits in a plugin bound to its first phase
    git.antrunBranch(repository, "slow", "<sleep seconds=\"600\"/>");
    String name = api.configure("slow", git.url(repository), "slow");
    long number = api.trigger(name).path("number").asLong();
    await()
        .atMost(FIRST_BUILD)
        .until(() -> api.log(name, number).contains("maven-antrun-plugin:3.1.0:run"));

    HttpResponse<String> cancel =
        api.send("POST", "/builds/tenant-a/" + name + "/" + number + "/cancel", null);
    assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
    JsonNode done = api.awaitEnd(name, number, Duration.ofMinutes(1));
    assertThat(done.path("status").asString()).isEqualTo("CANCELLED");
    assertThat(done.path("steps").findValuesAsString("status"))
        .containsExactly("SUCCEEDED", "CANCELLED");
    assertThat(Podman.containers("cc-build-" + buildId(name, number))).isEmpty();
    assertThat(Files.exists(workspaces.resolve(Long.toString(buildId(name, number))))).isFalse();
    assertThat(
            api.send("POST", "/builds/tenant-a/" + name + "/" + number + "/cancel", null)
                .statusCode())
        .isEqualTo(409);
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

  private static int registryAnswer(String path) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://" + OciRegistry.ADDRESS + path)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
