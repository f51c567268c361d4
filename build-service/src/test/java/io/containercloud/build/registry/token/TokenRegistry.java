package io.containercloud.build.registry.token;

import io.containercloud.common.testing.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A real distribution registry whose token realm is a test's build-service, configured as the local
 * platform's registries are ({@code auth.token}, the service's certificate as root bundle): the
 * tenant projects it enforces are build-service's. One per test class.
 */
public final class TokenRegistry implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final Path dir;
  private final int port;
  private Process process;

  public TokenRegistry() {
    try {
      dir = Files.createTempDirectory("token-registry");
      port = FreePorts.pick();
      // a key and its self-signed certificate, made as scripts/platform.sh makes the platform's
      Process openssl =
          new ProcessBuilder(
                  "openssl",
                  "req",
                  "-x509",
                  "-newkey",
                  "rsa:2048",
                  "-nodes",
                  "-days",
                  "2",
                  "-subj",
                  "/CN=registry-tokens",
                  "-keyout",
                  dir.resolve("key.pem").toString(),
                  "-out",
                  dir.resolve("cert.pem").toString())
              .redirectErrorStream(true)
              .start();
      openssl.getInputStream().readAllBytes();
      if (openssl.waitFor() != 0) {
        throw new IllegalStateException("openssl could not make the registry token key");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The settings that make the test's build-service this registry's token service. */
  public void properties(DynamicPropertyRegistry registry) {
    registry.add("platform.build.registry-tokens.key", () -> dir.resolve("key.pem").toString());
    registry.add(
        "platform.build.registry-tokens.certificate", () -> dir.resolve("cert.pem").toString());
  }

  public int port() {
    return port;
  }

  public String address() {
    return "127.0.0.1:" + port;
  }

  /** Starts the registry (once) with the build-service on {@code realmPort} as its realm. */
  public synchronized void start(int realmPort) throws Exception {
    if (process != null) {
      return;
    }
    Path config = dir.resolve("config.yml");
    Files.writeString(
        config,
        """
        version: 0.1
        log: {level: warn}
        storage:
          filesystem: {rootdirectory: %s}
          delete: {enabled: true}
        http: {addr: "127.0.0.1:%d", secret: %s}
        auth:
          token:
            realm: http://127.0.0.1:%d/registry/token
            service: container-cloud-registry
            issuer: container-cloud-build-service
            rootcertbundle: %s
        """
            .formatted(
                dir.resolve("data"), port, dir.getFileName(), realmPort, dir.resolve("cert.pem")));
    process =
        new ProcessBuilder("docker-registry", "serve", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("registry.log").toFile())
            .start();
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> status("/v2/") == 401);
  }

  /** The status of an anonymous GET of {@code path}. */
  public int status(String path) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://" + address() + path)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null) {
      process.destroy();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
