package io.containercloud.gateway;

import static io.containercloud.common.testing.ServiceContract.assertProblem;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class GatewayApplicationIT {

  private static final AtomicReference<String> lastBackendRequest = new AtomicReference<>();
  private static final HttpServer backend = startBackend();

  @LocalServerPort int port;

  @DynamicPropertySource
  static void routesAndKey(DynamicPropertyRegistry registry) {
    registry.add(
        "platform.gateway.services.echo",
        () -> "http://127.0.0.1:" + backend.getAddress().getPort());
    registry.add("platform.gateway.signing-key", GatewayApplicationIT::pkcs8KeyFile);
  }

  @AfterAll
  static void stopBackend() {
    backend.stop(0);
  }

  @Test
  void honoursTheServiceContractWithItsOwnTokens() {
    ServiceContract.assertHonoured(port, login("admin", "test-admin-secret").accessToken());
  }

  @Test
  void issuesTokensServicesCanVerifyAgainstItsJwks() {
    Login login = login("admin", "test-admin-secret");
    NimbusJwtDecoder decoder =
        NimbusJwtDecoder.withJwkSetUri(url("/.well-known/jwks.json")).build();
    Jwt jwt = decoder.decode(login.accessToken());
    assertThat(jwt.getSubject()).isEqualTo("admin");
    assertThat(jwt.getClaimAsString("tenant")).isEqualTo("platform");
    assertThat(jwt.getClaimAsStringList("roles")).containsExactly("platform-admin");
    assertThat(jwt.getClaimAsString("iss")).isEqualTo("container-cloud-gateway");
    assertThat(jwt.getAudience()).containsExactly("container-cloud");
    assertThat(jwt.getHeaders()).containsKey("kid");
  }

  @Test
  void wrongPasswordAndUnknownUserGetTheSameAnswer() {
    HttpResponse<String> wrongPassword =
        postLogin("{\"username\":\"admin\",\"password\":\"nope\"}");
    HttpResponse<String> unknownUser = postLogin("{\"username\":\"nobody\",\"password\":\"nope\"}");
    assertThat(wrongPassword.statusCode()).isEqualTo(401);
    assertThat(unknownUser.statusCode()).isEqualTo(401);
    assertProblem(wrongPassword, "unauthorized");
    assertThat(wrongPassword.body().replace("\"instance\":\"/api/auth/login\"", ""))
        .isEqualTo(unknownUser.body().replace("\"instance\":\"/api/auth/login\"", ""));
  }

  @Test
  void invalidLoginBodyNamesTheFields() {
    HttpResponse<String> response =
        postLogin("{\"username\":\"\",\"password\":\"x\",\"tenant\":\"Bad;Tenant\"}");
    assertThat(response.statusCode()).isEqualTo(400);
    assertProblem(response, "validation-failed");
    assertThat(response.body()).contains("\"field\":\"tenant\"").contains("\"field\":\"username\"");
    HttpResponse<String> malformed = postLogin("{\"username\":");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertProblem(malformed, "malformed-body");
  }

  @Test
  void routesToTheServiceWithoutPrefixAndWithoutSpoofedIdentityHeaders() {
    String token = login("admin", "test-admin-secret").accessToken();
    HttpResponse<String> response =
        ServiceContract.send(
            HttpRequest.newBuilder(URI.create(url("/api/echo/things/1?x=y")))
                .header("Authorization", "Bearer " + token)
                .header("X-User", "root")
                .header("X-Tenant", "other")
                .GET()
                .build());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(lastBackendRequest.get())
        .startsWith("GET /things/1?x=y")
        .contains("authorization: Bearer " + token)
        .doesNotContain("x-user")
        .doesNotContain("x-tenant");
  }

  @Test
  void routesNeedAToken() {
    HttpResponse<String> response = ServiceContract.get(url("/api/echo/things"), null);
    assertThat(response.statusCode()).isEqualTo(401);
    assertProblem(response, "unauthorized");
  }

  private Login login(String user, String password) {
    HttpResponse<String> response =
        postLogin("{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    String body = response.body();
    String token = body.replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
    return new Login(token);
  }

  private HttpResponse<String> postLogin(String json) {
    return ServiceContract.send(
        HttpRequest.newBuilder(URI.create(url("/api/auth/login")))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  private String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  private record Login(String accessToken) {}

  /**
   * A key file as `openssl genpkey -algorithm RSA` writes it, the way scripts/platform.sh makes
   * one.
   */
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
            lastBackendRequest.set(seen.toString());
            byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
      server.start();
      return server;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
