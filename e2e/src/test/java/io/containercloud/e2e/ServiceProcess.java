package io.containercloud.e2e;

import io.containercloud.common.testing.FreePorts;
import io.containercloud.common.testing.LocalInfra;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One service's executable jar as its own process on a free port, its output in {@code
 * e2e/target/<name>.log} (the module's name unless told). The jar is the one Maven resolved for the
 * module's test dependency (system property {@code e2e.jar.<module>}, set in e2e's pom).
 */
final class ServiceProcess implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  private final String module;
  private final int port;
  private final Path log;
  private Process process;
  private List<String> settings = List.of();
  private String heap = "320m";

  ServiceProcess(String module) throws IOException {
    this(module, module);
  }

  /** One of several processes of {@code module}, logging to {@code target/<name>.log}. */
  ServiceProcess(String module, String name) throws IOException {
    this(module, name, FreePorts.pick());
  }

  /** A process of {@code module} on a fixed port: one that a server calls back on it. */
  ServiceProcess(String module, String name, int port) {
    this.module = module;
    this.port = port;
    this.log = Path.of("target", name + ".log");
  }

  int port() {
    return port;
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  /** The process's maximum heap from its next start (320m unless told). */
  ServiceProcess heap(String heap) {
    this.heap = heap;
    return this;
  }

  /** Starts the jar with {@code --key=value} settings; {@link #awaitReady} waits for it. */
  ServiceProcess start(List<String> settings) throws IOException {
    this.settings = List.copyOf(settings);
    List<String> command =
        new ArrayList<>(List.of("java", "-Xmx" + heap, "-XX:TieredStopAtLevel=1"));
    command.addAll(
        List.of("-jar", LocalInfra.jar("e2e.jar." + module).toString(), "--server.port=" + port));
    settings.forEach(s -> command.add("--" + s));
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    return this;
  }

  /** Starts it again as it was started, on the same port; {@link #awaitReady} waits for it. */
  ServiceProcess restart() throws IOException {
    return start(settings);
  }

  /** The running process's id (for /proc). */
  long pid() {
    return process.pid();
  }

  /** SIGKILL: no goodbye, no shutdown hooks, whatever it was doing cut off. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Waits until {@code /actuator/health/readiness} answers 200 (three minutes at most). */
  ServiceProcess awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(module + " exited; see e2e/" + log);
      }
      try {
        HttpResponse<Void> ready =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(url() + "/actuator/health/readiness")).build(),
                HttpResponse.BodyHandlers.discarding());
        if (ready.statusCode() == 200) {
          return this;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(module + " not ready in three minutes; see e2e/" + log);
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
