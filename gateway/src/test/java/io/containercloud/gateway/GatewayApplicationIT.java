package io.containercloud.gateway;

import static io.containercloud.common.testing.ServiceContract.assertProblem;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.common.security.Role;
import io.containercloud.common.testing.ServiceContract;
import io.containercloud.common.testing.TestTokens;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.server.WebFilter;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class GatewayApplicationIT {

  @LocalServerPort int port;

  @DynamicPropertySource
  static void routesAndKey(DynamicPropertyRegistry registry) {
    GatewayFixture.properties(registry);
  }

  @Test
  void honoursTheServiceContractWithItsOwnTokens() {
    ServiceContract.assertHonoured(port, GatewayFixture.login(port, "admin", "test-admin-secret"));
  }

  /**
   * Requests sent back to back on one connection, the first answered later than the second: Reactor
   * Netty 1.3.6 then stopped reading the connection (reactor-netty #4347), and the next request on
   * it waited until the client hung up.
   */
  @Test
  void aKeepAliveConnectionIsStillReadAfterRequestsSentBackToBack() throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = new BufferedInputStream(socket.getInputStream());
      out.write(
          (request("/actuator/health/readiness") + request("/no/such/path")).getBytes(US_ASCII));
      assertThat(GatewayFixture.readStatus(in)).isEqualTo(200);
      assertThat(GatewayFixture.readStatus(in)).isEqualTo(401);
      for (int i = 0; i < 3; i++) {
        out.write(request("/actuator/health/liveness").getBytes(US_ASCII));
        assertThat(GatewayFixture.readStatus(in)).isEqualTo(200);
      }
    }
  }

  private static String request(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  }

  @Test
  void issuesTokensServicesCanVerifyAgainstItsJwks() {
    String token = GatewayFixture.login(port, "admin", "test-admin-secret");
    NimbusJwtDecoder decoder =
        NimbusJwtDecoder.withJwkSetUri(url("/.well-known/jwks.json")).build();
    Jwt jwt = decoder.decode(token);
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
        GatewayFixture.postLogin(port, "{\"username\":\"admin\",\"password\":\"nope\"}");
    HttpResponse<String> unknownUser =
        GatewayFixture.postLogin(port, "{\"username\":\"nobody\",\"password\":\"nope\"}");
    assertThat(wrongPassword.statusCode()).isEqualTo(401);
    assertThat(unknownUser.statusCode()).isEqualTo(401);
    assertProblem(wrongPassword, "unauthorized");
    assertThat(wrongPassword.body()).isEqualTo(unknownUser.body());
  }

  @Test
  void invalidLoginBodyNamesTheFields() {
    HttpResponse<String> response =
        GatewayFixture.postLogin(
            port, "{\"username\":\"\",\"password\":\"x\",\"tenant\":\"Bad;Tenant\"}");
    assertThat(response.statusCode()).isEqualTo(400);
    assertProblem(response, "validation-failed");
    assertThat(response.body()).contains("\"field\":\"tenant\"").contains("\"field\":\"username\"");
    HttpResponse<String> malformed = GatewayFixture.postLogin(port, "{\"username\":");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertProblem(malformed, "malformed-body");
  }

  @Test
  void hooksReachTheirServiceWithoutATokenAndOnlyThere() {
    String body = "{\"ref\":\"refs/heads/main\"}";
    HttpResponse<String> hook =
        ServiceContract.send(
            HttpRequest.newBuilder(URI.create(url("/hooks/echo/tenant-a/app")))
                .header("Content-Type", "application/json")
                .header("X-Hub-Signature-256", "sha256=abc")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    assertThat(hook.statusCode()).isEqualTo(201);
    assertThat(GatewayFixture.lastBackendRequest.get())
        .startsWith("POST /incoming/git/tenant-a/app")
        .contains("x-hub-signature-256: sha256=abc")
        .endsWith(body);

    // a service without hooks has none, and its API still needs a token
    HttpResponse<String> none =
        ServiceContract.send(
            HttpRequest.newBuilder(URI.create(url("/hooks/nothing/tenant-a/app")))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    assertThat(none.statusCode()).isEqualTo(404);
    HttpResponse<String> api =
        ServiceContract.send(
            HttpRequest.newBuilder(URI.create(url("/api/echo/incoming/git/tenant-a/app")))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    assertThat(api.statusCode()).isEqualTo(401);
  }

  @Test
  void routesToTheServiceWithoutPrefixAndWithoutSpoofedIdentityHeaders() {
    String token = GatewayFixture.login(port, "admin", "test-admin-secret");
    HttpResponse<String> response =
        ServiceContract.send(
            HttpRequest.newBuilder(URI.create(url("/api/echo/things/1?x=y")))
                .header("Authorization", "Bearer " + token)
                .header("X-User", "root")
                .header("X-Tenant", "other")
                .GET()
                .build());
    assertThat(response.statusCode()).isEqualTo(200);
    // the service echoes the id the gateway sent; the caller still gets it once
    assertThat(response.headers().allValues("X-Correlation-Id")).hasSize(1);
    assertThat(GatewayFixture.lastBackendRequest.get())
        .startsWith("GET /things/1?x=y")
        .contains("authorization: Bearer " + token)
        .doesNotContain("x-user")
        .doesNotContain("x-tenant");
  }

  @Test
  void aServiceSlowerThanASecondButWithinTheRouteTimeoutIsWaitedFor() {
    String token = GatewayFixture.login(port, "admin", "test-admin-secret");
    assertThat(ServiceContract.get(url("/api/echo/slow"), token).statusCode()).isEqualTo(200);
  }

  /**
   * A routed request goes from RoutedRequests straight to its route: the web filters after it are
   * those it stands in for, and a new one needs a decision (RoutedRequests' comment).
   */
  @Test
  void routedRequestsSkipOnlyTheWebFiltersTheyStandIn(
      @Autowired ObjectProvider<WebFilter> filters) {
    List<String> names =
        filters.orderedStream().map(filter -> filter.getClass().getSimpleName()).toList();
    assertThat(names.subList(names.indexOf("RoutedRequests") + 1, names.size()))
        .containsExactly("WebFilterChainProxy", "AdminChanges", "WeightCalculatorWebFilter");
  }

  /** Routed requests have filters of their own (RoutedRequests), which write the same. */
  @Test
  void routedAnswersCarryTheSecurityHeadersOfTheGatewaysOwn() {
    String token = GatewayFixture.login(port, "admin", "test-admin-secret");
    Map<String, List<String>> own =
        securityHeaders(ServiceContract.get(url("/actuator/health/liveness"), null));
    assertThat(own).containsKeys("cache-control", "x-content-type-options", "x-frame-options");
    assertThat(securityHeaders(ServiceContract.get(url("/api/echo/things"), token))).isEqualTo(own);
    assertThat(securityHeaders(ServiceContract.get(url("/api/echo/things"), null))).isEqualTo(own);
  }

  private static Map<String, List<String>> securityHeaders(HttpResponse<String> response) {
    Set<String> names =
        Set.of(
            "cache-control",
            "pragma",
            "expires",
            "x-content-type-options",
            "x-frame-options",
            "x-xss-protection",
            "strict-transport-security",
            "referrer-policy",
            "permissions-policy",
            "content-security-policy",
            "cross-origin-opener-policy",
            "cross-origin-embedder-policy",
            "cross-origin-resource-policy");
    Map<String, List<String>> found = new TreeMap<>();
    response
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              if (names.contains(name.toLowerCase(Locale.ROOT))) {
                found.put(name.toLowerCase(Locale.ROOT), values);
              }
            });
    return found;
  }

  @Test
  void routesNeedAValidTokenOfTheGateway() {
    String token = GatewayFixture.login(port, "admin", "test-admin-secret");
    String badSignature = token.substring(0, token.lastIndexOf('.') + 1) + "AAAA";
    String otherIssuer = TestTokens.token("alice", "tenant-a", Role.PLATFORM_ADMIN);
    GatewayFixture.lastBackendRequest.set(null);
    for (String authorization :
        new String[] {
          null,
          "Bearer " + badSignature,
          "Bearer " + otherIssuer,
          "Bearer two words",
          "Basic YWRtaW46dGVzdC1hZG1pbi1zZWNyZXQ="
        }) {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url("/api/echo/things")));
      if (authorization != null) {
        request.header("Authorization", authorization);
      }
      HttpResponse<String> response = ServiceContract.send(request.GET().build());
      assertThat(response.statusCode()).as(authorization).isEqualTo(401);
      assertProblem(response, "unauthorized");
    }
    assertThat(GatewayFixture.lastBackendRequest.get()).isNull();
  }

  @Test
  void browsersFromTheConsoleOnlyMayCall() {
    HttpResponse<String> allowed = preflight(GatewayFixture.CONSOLE);
    assertThat(allowed.statusCode()).isEqualTo(200);
    assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin"))
        .hasValue(GatewayFixture.CONSOLE);
    assertThat(preflight("https://evil.example.com").statusCode()).isEqualTo(403);
  }

  @Test
  void routedRequestsAreMeasuredPerRoute() {
    String token = GatewayFixture.login(port, "admin", "test-admin-secret");
    ServiceContract.get(url("/api/echo/measured"), token);
    String metrics = ServiceContract.get(url("/actuator/prometheus"), null).body();
    assertThat(metrics)
        .containsPattern("spring_cloud_gateway_requests_seconds_count\\{[^}]*routeId=\"echo\"")
        // each route's breaker, as gauges
        .containsPattern(
            "resilience4j_circuitbreaker_state\\{[^}]*name=\"echo\",state=\"closed\"} 1")
        // the gateway's own endpoints keep their server observation
        .containsPattern("http_server_requests_seconds_count\\{[^}]*uri=\"/api/auth/login\"");
  }

  @Test
  void servicesLearnTheGatewaysPrefixNeverTheClients() {
    String token = GatewayFixture.login(port, "admin", "test-admin-secret");
    HttpResponse<String> response =
        ServiceContract.send(
            HttpRequest.newBuilder(URI.create(url("/api/echo/things/1")))
                .header("Authorization", "Bearer " + token)
                .header("X-Forwarded-Prefix", "/api/evil")
                .header("X-Forwarded-For", "10.6.6.6")
                .header("x-forwarded-host", "evil.example.com")
                .header("Forwarded", "for=10.6.6.6;host=evil.example.com")
                .header("X-Roles", "platform-admin")
                .GET()
                .build());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(GatewayFixture.lastBackendRequest.get())
        .contains("x-forwarded-prefix: /api/echo\n")
        .doesNotContain("/api/evil", "10.6.6.6", "evil.example.com", "x-roles", "forwarded:");
  }

  @Test
  void aServicesProblemsNameThePathTheCallerUsed() {
    String token = GatewayFixture.login(port, "admin", "test-admin-secret");
    for (int status : new int[] {404, 400}) {
      HttpResponse<String> response =
          ServiceContract.send(
              HttpRequest.newBuilder(URI.create(url("/api/echo/problem/" + status + "/things/x")))
                  .header("Authorization", "Bearer " + token)
                  .header("X-Forwarded-Prefix", "/api/evil")
                  .GET()
                  .build());
      assertThat(response.statusCode()).isEqualTo(status);
      assertThat(response.body())
          .contains("\"instance\":\"/api/echo/problem/" + status + "/things/x\"");
    }
  }

  @Test
  void theGatewaysOwnProblemsNameThePathTheCallerUsed() {
    HttpResponse<String> response = ServiceContract.get(url("/api/echo/things/1"), null);
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("\"instance\":\"/api/echo/things/1\"");
  }

  @Test
  void pathsTheFirewallRefusesGetProblemDetails() {
    for (String path :
        new String[] {
          "/api/echo/things;jsessionid=1",
          "/api/echo/a%2Fb",
          "/api//echo/things",
          "/api/echo/../admin/users",
          "/api/echo/%2e%2e/admin",
          "/api/echo/a%00b",
          "/api/echo/a%0d%0aSet-Cookie:x",
          "/api/echo/a%5Cb",
          "/api/echo/a%25b"
        }) {
      GatewayFixture.RawResponse response = GatewayFixture.raw(port, "GET " + path + " HTTP/1.1");
      assertRejected(response, path, 400, "request-rejected");
      assertThat(response.body()).as(path).contains("\"instance\":\"" + path + "\"");
    }
    GatewayFixture.RawResponse method = GatewayFixture.raw(port, "TRACK /api/echo/x HTTP/1.1");
    assertRejected(method, "TRACK", 400, "request-rejected");
  }

  @Test
  void requestsNoUriOrNoHttpGetProblemDetails() {
    for (String path :
        new String[] {"/api/echo/a|b", "/api/echo/a\\b", "/api/echo/a\u0001b", "/api/echo/%zz"}) {
      GatewayFixture.RawResponse response = GatewayFixture.raw(port, "GET " + path + " HTTP/1.1");
      assertRejected(response, path, 400, "request-rejected");
      assertThat(response.body()).as(path).contains("\"instance\":\"/api/echo/");
    }
    assertThat(GatewayFixture.raw(port, "GET /api/echo/a|b HTTP/1.1").body())
        .contains("\"instance\":\"/api/echo/a%7Cb\"");
    assertRejected(
        GatewayFixture.raw(port, "GET /api/echo/" + "a".repeat(5_000) + " HTTP/1.1"),
        "long line",
        414,
        "uri-too-long");
    assertRejected(
        GatewayFixture.raw(port, "GET /api/echo/x HTTP/1.1", "X-Big: " + "a".repeat(20_000)),
        "large header",
        431,
        "headers-too-large");
    // a C1 control character passes the HTTP parser, not the firewall's header rule
    assertRejected(
        GatewayFixture.raw(port, "GET /api/echo/x HTTP/1.1", "X-Odd: a\u0085b"),
        "C1 control character in a header",
        400,
        "request-rejected");
    assertRejected(
        GatewayFixture.raw(port, "GET /api/echo/x HTTP/1.1", "X-Bad: a\u0001b"),
        "control character in a header",
        400,
        "malformed-request");
    assertRejected(GatewayFixture.raw(port, "HELLO"), "no HTTP", 400, "malformed-request");
  }

  @Test
  void noClientCanForgeARejection() {
    GatewayFixture.RawResponse response =
        GatewayFixture.raw(port, "GET /_gateway/rejected HTTP/1.1", "X-Gateway-Rejection: 414");
    assertThat(response.status()).isEqualTo(401);
  }

  private static void assertRejected(
      GatewayFixture.RawResponse response, String what, int status, String code) {
    assertThat(response.status()).as(what).isEqualTo(status);
    assertThat(response.headers().get("content-type"))
        .as(what)
        .startsWith("application/problem+json");
    assertThat(response.headers()).as(what).containsKey("x-correlation-id");
    assertThat(response.body())
        .as(what)
        .contains(
            "\"type\":\"https://containercloud.io/problems/" + code + "\"",
            "\"code\":\"" + code + "\"",
            "\"status\":" + status,
            "\"title\":\"",
            "\"detail\":\"");
  }

  private HttpResponse<String> preflight(String origin) {
    return ServiceContract.send(
        HttpRequest.newBuilder(URI.create(url("/api/echo/things")))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "authorization,content-type")
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
            .build());
  }

  private String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }
}
