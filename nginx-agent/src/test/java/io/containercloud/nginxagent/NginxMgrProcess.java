package io.containercloud.nginxagent;

import io.containercloud.common.testing.FreePorts;
import io.containercloud.common.testing.LocalInfra;
import io.containercloud.common.testing.TestKafka;
import io.containercloud.common.testing.TestTokens;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * nginx-mgr's packaged jar as its own process: the one Maven resolved for this module's test
 * dependency (system property {@code nginx-mgr.jar}, set in the pom).
 */
final class NginxMgrProcess implements AutoCloseable {

  private final HttpClient http = HttpClient.newHttpClient();
  private final Process process;
  private final int port;

  NginxMgrProcess() throws IOException {
    this.port = FreePorts.pick();
    this.process =
        new ProcessBuilder(
                "java",
                "-Xmx256m",
                "-jar",
                LocalInfra.jar("nginx-mgr.jar").toString(),
                "--server.port=" + port,
                "--platform.security.jwks-uri=" + TestTokens.jwksUri(),
                "--platform.etcd.endpoints=http://127.0.0.1:" + LocalInfra.ETCD_PORT,
                "--platform.nginx.certificates-key=" + NginxFixture.CERTIFICATES_KEY,
                "--platform.nginx.endpoints.consumer-group=nginx-mgr-agent-tests",
                "--platform.kafka.topic-prefix=" + TestKafka.TOPIC_PREFIX)
            .redirectErrorStream(true)
            .redirectOutput(Path.of("target/nginx-mgr-process.log").toFile())
            .start();
  }

  long pid() {
    return process.pid();
  }

  /** Waits until nginx-mgr is ready (three minutes at most). */
  NginxMgrProcess ready() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (http.send(
                    HttpRequest.newBuilder(uri("/actuator/health/readiness")).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return this;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("nginx-mgr exited; see target/nginx-mgr-process.log");
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("nginx-mgr not ready in three minutes");
  }

  /** The answer's ETag; fails on anything but 2xx. */
  String send(String method, String path, String token, String ifMatch, String json)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(json));
    if (ifMatch != null) {
      request.header("If-Match", ifMatch);
    }
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException(
          method + " " + path + ": " + response.statusCode() + " " + response.body());
    }
    return response.headers().firstValue("ETag").orElse(null);
  }

  /** The body of a GET; fails on anything but 2xx. */
  String get(String path, String token) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token).build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException("GET " + path + ": " + response.statusCode());
    }
    return response.body();
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  @Override
  public void close() {
    process.destroy();
  }
}
