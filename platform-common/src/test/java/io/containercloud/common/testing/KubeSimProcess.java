package io.containercloud.common.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * kube-sim as its own process (its runnable jar, built before this module): this JVM runs jetcd on
 * Vert.x 4, kube-sim's API servers need Vert.x 5, so they cannot share one. Drills go through its
 * admin API.
 */
public final class KubeSimProcess implements AutoCloseable {

  private final HttpClient http = HttpClient.newHttpClient();
  private final Process process;
  private final int adminPort;
  private final Path kubeconfigs;

  public KubeSimProcess(int clusters, int nodes, String nodeCpu, String nodeMemory)
      throws IOException, InterruptedException {
    this(clusters, nodes, nodeCpu, nodeMemory, "200ms");
  }

  /**
   * With pods turning Ready {@code podReadyDelay} after they are bound, and further {@code
   * settings} such as {@code kube-sim.serving-cert-validity=20d}.
   */
  public KubeSimProcess(
      int clusters,
      int nodes,
      String nodeCpu,
      String nodeMemory,
      String podReadyDelay,
      String... settings)
      throws IOException, InterruptedException {
    adminPort = FreePorts.pick();
    kubeconfigs = Files.createTempDirectory("kube-sim-process");
    Path jar = LocalInfra.jar("kube-sim.jar");
    List<String> command =
        new ArrayList<>(
            List.of(
                "java",
                "-Xmx256m",
                "-jar",
                jar.toAbsolutePath().toString(),
                "--server.port=" + adminPort,
                "--clusters=" + clusters,
                "--nodes=" + nodes,
                "--kube-sim.base-port=0",
                "--kube-sim.node-cpu=" + nodeCpu,
                "--kube-sim.node-memory=" + nodeMemory,
                "--kube-sim.pod-ready-delay=" + podReadyDelay,
                "--kube-sim.kubeconfig-dir=" + kubeconfigs));
    Arrays.stream(settings).map(setting -> "--" + setting).forEach(command::add);
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(kubeconfigs.resolve("kube-sim.log").toFile())
            .start();
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!answers()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        close();
        throw new IllegalStateException(
            "kube-sim did not start; see " + kubeconfigs.resolve("kube-sim.log"));
      }
      Thread.sleep(200);
    }
  }

  public Path kubeconfig(String cluster) {
    return kubeconfigs.resolve(cluster + ".kubeconfig");
  }

  /** The API URL the cluster's kubeconfig names. */
  public String apiUrl(String cluster) throws IOException {
    return Files.readAllLines(kubeconfig(cluster)).stream()
        .map(String::trim)
        .filter(line -> line.startsWith("server: "))
        .map(line -> line.substring("server: ".length()))
        .findFirst()
        .orElseThrow();
  }

  /** Makes the cluster's API unreachable; its state stays. */
  public void fail(String cluster) throws IOException, InterruptedException {
    admin("POST", "/clusters/" + cluster + "/fail", null);
  }

  public void heal(String cluster) throws IOException, InterruptedException {
    admin("POST", "/clusters/" + cluster + "/heal", null);
  }

  /** Turns a node NotReady: its pods leave service, nothing new lands there. */
  public void failNode(String cluster, String node) throws IOException, InterruptedException {
    admin("POST", "/clusters/" + cluster + "/nodes/" + node + "/fail", null);
  }

  public void healNode(String cluster, String node) throws IOException, InterruptedException {
    admin("POST", "/clusters/" + cluster + "/nodes/" + node + "/heal", null);
  }

  /** CPU use of the namespace's pods as a share of their request. */
  public void load(String cluster, String namespace, double utilisation)
      throws IOException, InterruptedException {
    admin(
        "PUT",
        "/clusters/" + cluster + "/load",
        "{\"namespace\":\"" + namespace + "\",\"utilisation\":" + utilisation + "}");
  }

  /**
   * What a Deployment's containers write to their logs ({@code kube-sim.logs.dir} set): {@code
   * settings} is the admin API's body, e.g. {@code {"namespace":"shop","deployment":"api",
   * "linesPerSecond":50}}.
   */
  public void containerLogs(String cluster, String settings)
      throws IOException, InterruptedException {
    admin("PUT", "/clusters/" + cluster + "/logs", settings);
  }

  private void admin(String method, String path, String json)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path));
    if (json == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(json));
    }
    int status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    if (status != 204) {
      throw new IllegalStateException("kube-sim " + path + " answered " + status);
    }
  }

  private boolean answers() {
    try {
      return http.send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:" + adminPort + "/actuator/health/readiness"))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    process.destroy();
  }
}
