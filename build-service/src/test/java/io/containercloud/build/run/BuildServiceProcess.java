package io.containercloud.build.run;

import io.containercloud.common.testing.FreePorts;
import io.containercloud.common.testing.LocalInfra;
import io.containercloud.common.testing.ServiceContract;
import io.containercloud.common.testing.TestKafka;
import io.containercloud.common.testing.TestTokens;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * build-service's packaged jar as its own process, on the tests' servers, so that a drill can kill
 * it outright (what no test context can do to itself) and start it again.
 */
final class BuildServiceProcess implements AutoCloseable {

  private final Process process;
  private final int port;
  private final Path log;

  BuildServiceProcess(String runner, String database, Path workspaces) throws IOException {
    port = FreePorts.pick();
    log = Path.of("target/build-service-" + runner + "-" + port + ".log");
    List<String> command =
        List.of(
            "java",
            "-Xmx384m",
            "-jar",
            LocalInfra.jar("build-service.jar").toString(),
            "--server.port=" + port,
            "--spring.datasource.url=jdbc:mysql://127.0.0.1:13306/"
                + database
                + "?createDatabaseIfNotExist=true",
            "--platform.security.jwks-uri=" + TestTokens.jwksUri(),
            "--platform.kafka.topic-prefix=" + TestKafka.TOPIC_PREFIX,
            "--platform.build.runner=" + runner,
            "--platform.build.workspaces=" + workspaces,
            "--platform.build.registry-events.secret=local-registry-notifications-only-on-loopback",
            "--platform.build.secrets-key=9VbZ4o2d8cJx7TqkR1mN3pL5sW0yE6uH2aF4gK8jQ1c=");
    process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** Waits until the instance is ready (three minutes at most). */
  BuildServiceProcess awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (ServiceContract.get(url("/actuator/health/readiness"), null).statusCode() == 200) {
          return this;
        }
      } catch (RuntimeException e) {
        // not listening yet
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("build-service exited; see " + log);
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("build-service not ready; see " + log);
  }

  int port() {
    return port;
  }

  String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  /** SIGKILL: no shutdown hook, no stopping of its builds. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }
}
