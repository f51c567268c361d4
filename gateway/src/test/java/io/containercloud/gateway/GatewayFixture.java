package io.containercloud.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.containercloud.common.testing.ServiceContract;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * What the gateway tests share: a stub backend routed as service {@code echo}, a PEM signing key
 * made the way scripts/platform.sh makes one, and login over HTTP.
 */
final class GatewayFixture {

  /** What the backend saw last: request line, then headers, then the body. */
  static final AtomicReference<String> lastBackendRequest = new AtomicReference<>();

  static final String CONSOLE = "https://console.example.com";
  private static final HttpServer BACKEND = startBackend();
  private static final String KEY_FILE = pkcs8KeyFile();

  private GatewayFixture() {}

  static void properties(DynamicPropertyRegistry registry) {
    registry.add(
        "platform.gateway.services.echo",
        () -> "http://127.0.0.1:" + BACKEND.getAddress().getPort());
    registry.add("platform.gateway.signing-key", () -> KEY_FILE);
    registry.add("platform.gateway.cors-origins[0]", () -> CONSOLE);
  }

  static String login(int port, String user, String password) {
    HttpResponse<String> response =
        postLogin(port, "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
  }

  static HttpResponse<String> postLogin(int port, String json) {
    return ServiceContract.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/auth/login"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  private static String pkcs8KeyFile() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      String base64 =
          Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(generator.generateKeyPair().getPrivate().getEncoded());
      Path file = Files.createTempFile("gateway-signing-key", ".pem");
      Files.writeString(
          file, "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n");
      return file.toString();
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis); // a slow service, on purpose
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static HttpServer startBackend() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/",
          exchange -> {
            StringBuilder seen =
                new StringBuilder(
                    exchange.getRequestMethod() + " " + exchange.getRequestURI() + "\n");
            exchange
                .getRequestHeaders()
                .forEach(
                    (name, values) ->
                        seen.append(name.toLowerCase())
                            .append(": ")
                            .append(String.join(",", values))
                            .append('\n'));
            seen.append('\n')
                .append(
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            lastBackendRequest.set(seen.toString());
            if (exchange.getRequestURI().getPath().startsWith("/slow")) {
              sleep(3_000);
            }
            int status = exchange.getRequestMethod().equals("POST") ? 201 : 200;
            byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
      server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
      server.start();
      return server;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
