package io.containercloud.cluster.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.common.testing.FreePorts;
import io.containercloud.common.testing.KubeSimProcess;
import io.containercloud.common.testing.LocalInfra;
import io.containercloud.common.testing.ServiceContract;
import io.containercloud.common.testing.TestKafka;
import io.containercloud.common.testing.TestTokens;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * cluster-service's packaged jar as its own process, trusting this JVM's test tokens: for drills
 * that kill an instance, and for benchmarks that run it with its default settings (but the tests'
 * Kafka topics, {@link TestKafka#TOPIC_PREFIX}).
 */
public final class ClusterServiceProcess implements AutoCloseable {

  /** The AES key the test processes seal kubeconfigs with. */
  public static final String CREDENTIALS_KEY = "3q2+7w0KMxXl2m0cN0r7pE8Vb6cK1u9yZ0Qx4n5sT2A=";

  private final String name;
  private final Process process;
  private final int port;
  private final Path log;

  private static String group(String name, String consumer) {
    return "cluster-process-" + name + "-" + UUID.randomUUID() + "-" + consumer;
  }

  /** Starts an instance on {@code jdbcUrl} with {@code settings} as extra {@code --key=value}. */
  public ClusterServiceProcess(String name, String jdbcUrl, List<String> settings)
      throws IOException {
    this.name = name;
    this.port = FreePorts.pick();
    this.log = Path.of("target/cluster-service-" + name + ".log");
    String jar = LocalInfra.jar("cluster-service.jar").toString();
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            "java",
            "-Xmx256m",
            "-jar",
            jar,
            "--server.port=" + port,
            "--spring.datasource.url=" + jdbcUrl,
            "--platform.security.jwks-uri=" + TestTokens.jwksUri(),
            "--platform.cluster.credentials-key=" + CREDENTIALS_KEY,
            "--platform.kafka.topic-prefix=" + TestKafka.TOPIC_PREFIX,
            // groups of its own, from the topics' end: a killed instance's membership would
            // otherwise hold partitions of the tests' groups until its session times out (their
            // events waiting), and other tests' earlier events are none of its business
            "--spring.kafka.consumer.auto-offset-reset=latest",
            "--platform.cluster.image-events.consumer-group=" + group(name, "image-events"),
            "--platform.cluster.image-follow.consumer-group=" + group(name, "image-follow")));
    settings.forEach(s -> command.add("--" + s));
    this.process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** Waits until the instance is ready (three minutes at most). */
  public ClusterServiceProcess awaitReady() throws InterruptedException {
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
        throw new IllegalStateException("cluster-service " + name + " exited; see " + log);
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("cluster-service " + name + " not ready; see " + log);
  }

  public boolean alive() {
    return process.isAlive();
  }

  public String get(String path, String token) {
    return ServiceContract.get(url(path), token).body();
  }

  /** Sends a JSON request and insists on a 2xx answer. */
  public void send(String method, String path, String token, String json) {
    HttpResponse<String> response =
        ServiceContract.send(
            HttpRequest.newBuilder(URI.create(url(path)))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json))
                .build());
    assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
  }

  /** Registers a kube-sim cluster through this instance. */
  public void register(KubeSimProcess sim, String cluster, String token) throws IOException {
    send(
        "POST",
        "/clusters",
        token,
        "{\"name\":\""
            + cluster
            + "\",\"machineRoom\":\"hall-"
            + cluster
            + "\",\"kubeconfig\":\""
            + Files.readString(sim.kubeconfig(cluster))
                .replace("\\", "\\\\")
                .replace("\"", "\\\"")
                .replace("\n", "\\n")
                .replace("\r", "")
            + "\"}");
  }

  public String log() throws IOException {
    return Files.readString(log);
  }

  /** Ends the process at once: no shutdown hooks, no goodbye to etcd. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  private String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  @Override
  public String toString() {
    return name;
  }
}
