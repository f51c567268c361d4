package io.containercloud.build.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.testing.GitServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * build-service killed outright (SIGKILL) in the middle of a build's compile, then started again:
 * that build ends {@code INTERRUPTED}, never {@code RUNNING} forever, and the compile's container
 * and the workspace it left are removed.
 */
class BuildServiceKilledIT {

  private final JsonMapper json = JsonMapper.builder().build();

  @Test
  void aBuildOfAKilledInstanceIsInterruptedAndCleanedWhenItStartsAgain() throws Exception {
    String runner = "killed-" + UUID.randomUUID().toString().substring(0, 6);
    Path workspaces = Files.createTempDirectory("killed-workspaces");
    try (GitServer git = new GitServer()) {
      String repository = "killed-" + UUID.randomUUID().toString().substring(0, 8);
      git.sample(repository);
      git.antrunBranch(repository, "slow", "<sleep seconds=\"600\"/>");

      BuildServiceProcess first =
          new BuildServiceProcess(runner, "build_killed_it", workspaces).awaitReady();
      BuildApi api = new BuildApi(first.port(), json);
      String name = api.configure("killed", git.url(repository), "slow");
      long number = api.trigger(name).path("number").asLong();
      await()
          .atMost(Duration.ofMinutes(12))
          .until(() -> api.log(name, number).contains("maven-antrun-plugin:3.1.0:run"));
      try (Stream<Path> builds = Files.list(workspaces)) {
        assertThat(builds).hasSize(1);
      }
      String compile =
          Podman.containers("cc-build-")
              .lines()
              .filter(c -> c.endsWith("-compile"))
              .findFirst()
              .orElseThrow();
      first.kill();
      // the service is gone; the container it started runs on
      assertThat(Podman.containers(compile)).isEqualTo(compile);

      try (BuildServiceProcess second =
          new BuildServiceProcess(runner, "build_killed_it", workspaces).awaitReady()) {
        BuildApi again = new BuildApi(second.port(), json);
        JsonNode build = again.build(name, number);
        assertThat(build.path("status").asString()).isEqualTo("INTERRUPTED");
        assertThat(build.path("error").asString()).isEqualTo("build-service stopped while it ran");
        assertThat(again.log(name, number)).contains("[platform] build-service stopped while");
        try (Stream<Path> builds = Files.list(workspaces)) {
          assertThat(builds).isEmpty();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> Podman.containers(compile).isEmpty());
      }
    }
  }
}
