package io.containercloud.build.run;

import static org.awaitility.Awaitility.await;

import io.containercloud.common.security.Role;
import io.containercloud.common.testing.GitServer;
import io.containercloud.common.testing.ServiceContract;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestTokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * bench/build part 2 (not a test: run by bench/build/run.sh). The sample Java service built through
 * the API by the local executor, twice: first with an empty dependency cache (a new tenant: Maven
 * downloads its plugins and dependencies), then again with the cache the first left. Reports each
 * build's total and per-step seconds; making the builder and base images, done once per host, is
 * reported apart ({@code images_s}, 0 when they were there).
 */
@ServiceIntegrationTest
class LocalBuildBenchmark {

  private static final String TENANT = "bench-" + UUID.randomUUID().toString().substring(0, 6);

  @LocalServerPort int port;
  @Autowired JsonMapper json;

  @Value("${platform.build.local.caches}")
  Path caches;

  @DynamicPropertySource
  static void executor(DynamicPropertyRegistry registry) {
    registry.add(
        "spring.datasource.url",
        () -> "jdbc:mysql://127.0.0.1:13306/build_bench?createDatabaseIfNotExist=true");
    registry.add("platform.build.executor", () -> "local");
    registry.add("platform.build.runner", () -> "bench-" + UUID.randomUUID());
  }

  @Test
  void coldAndWarmBuilds() throws Exception {
    try (GitServer git = new GitServer()) {
      String repository = "hello-" + UUID.randomUUID().toString().substring(0, 8);
      git.sample(repository);
      String name = "sample";
      String body =
          """
          {"name":"%s","spec":{"repositoryUrl":"%s","ref":"main","toolchain":"java-maven",
           "image":"bench-sample","resources":{"cpu":"2","memory":"2Gi"}}}"""
              .formatted(name, git.url(repository));
      check(send("POST", "/configurations", body), "configuration");
      String cold = build(name, "cold");
      String warm = build(name, "warm");
      System.out.println(cold);
      System.out.println(warm);
      Files.writeString(Path.of("target/bench-local.txt"), cold + "\n" + warm + "\n");
    } finally {
      removeCache();
    }
  }

  /** One build to its end: {@code build-local <label> total_s=... clone_s=... ...}. */
  private String build(String name, String label) {
    JsonNode accepted =
        check(send("POST", "/configurations/" + TENANT + "/" + name + "/builds", null), "build");
    String path = "/builds/" + TENANT + "/" + name + "/" + accepted.path("number").asLong();
    await()
        .atMost(Duration.ofMinutes(20))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> !get(path).path("status").asString().matches("QUEUED|RUNNING"));
    JsonNode done = get(path);
    if (!done.path("status").asString().equals("SUCCEEDED")) {
      throw new IllegalStateException(label + " build ended " + done.toPrettyString());
    }
    Instant started = Instant.parse(done.path("startedAt").asString());
    Instant firstStep = Instant.parse(done.path("steps").get(0).path("startedAt").asString());
    Instant finished = Instant.parse(done.path("finishedAt").asString());
    StringBuilder line =
        new StringBuilder("build-local ")
            .append(label)
            .append(" total_s=")
            .append(seconds(firstStep, finished))
            .append(" images_s=")
            .append(seconds(started, firstStep));
    for (JsonNode step : done.path("steps")) {
      line.append(' ')
          .append(step.path("name").asString())
          .append("_s=")
          .append(
              seconds(
                  Instant.parse(step.path("startedAt").asString()),
                  Instant.parse(step.path("finishedAt").asString())));
    }
    return line.toString();
  }

  private static String seconds(Instant from, Instant to) {
    return "%.1f".formatted(Duration.between(from, to).toMillis() / 1000.0);
  }

  private JsonNode get(String path) {
    return json.readTree(send("GET", path, null).body());
  }

  private JsonNode check(java.net.http.HttpResponse<String> response, String what) {
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException(
          what + " answered " + response.statusCode() + ": " + response.body());
    }
    return json.readTree(response.body());
  }

  private java.net.http.HttpResponse<String> send(String method, String path, String body) {
    String token = TestTokens.token("bench", TENANT, Role.DEVELOPER);
    return ServiceContract.send(
        ServiceContract.request(method, "http://127.0.0.1:" + port + path, token, body).build());
  }

  private void removeCache() throws IOException {
    Path cache = caches.resolve(TENANT);
    if (Files.exists(cache)) {
      try (Stream<Path> paths = Files.walk(cache)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }
}
