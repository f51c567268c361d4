package io.containercloud.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.containercloud.common.testing.ServiceContract;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** ID tokens of a trusted external issuer (a local JWKS endpoint here) buy platform tokens. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class GatewayOidcIT {

  private static final String ISSUER = "https://idp.example.test/realms/bank";
  private static final RSAKey IDP_KEY = rsaKey("idp-1");
  private static final HttpServer IDP = publish(IDP_KEY);

  @LocalServerPort int port;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    GatewayFixture.properties(registry);
    registry.add("platform.gateway.oidc.issuer", () -> ISSUER);
    registry.add(
        "platform.gateway.oidc.jwks-uri",
        () -> "http://127.0.0.1:" + IDP.getAddress().getPort() + "/keys");
    registry.add("platform.gateway.oidc.audience", () -> "platform-console");
    registry.add(
        "platform.gateway.oidc.group-bindings.payments-ops[0]", () -> "payments:developer");
    registry.add("platform.gateway.oidc.group-bindings.payments-ops[1]", () -> "cards:viewer");
  }

  @AfterAll
  static void stopIdp() {
    IDP.stop(0);
  }

  @Test
  void aVerifiedIdTokenBuysAnAccessTokenWithTheRolesOfItsGroups() {
    HttpResponse<String> response =
        exchange(
            idToken(IDP_KEY, "platform-console", "alice", List.of("payments-ops", "hr")),
            "payments");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body())
        .contains("\"tenant\":\"payments\"", "\"roles\":[\"developer\"]")
        .contains("\"refresh_token\":null");
    String access = response.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
    HttpResponse<String> routed =
        ServiceContract.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/echo/things"))
                .header("Authorization", "Bearer " + access)
                .build());
    assertThat(routed.statusCode()).isEqualTo(200);
  }

  @Test
  void theUserNameCarriesThePrefixSoItNeverMeetsALocalAccount() throws Exception {
    HttpResponse<String> response =
        exchange(idToken(IDP_KEY, "platform-console", "admin", List.of("payments-ops")), "cards");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    String access = response.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
    JWTClaimsSet claims = SignedJWT.parse(access).getJWTClaimsSet();
    assertThat(claims.getSubject()).isEqualTo("sso:admin");
    assertThat(claims.getStringListClaim("roles")).containsExactly("viewer");
  }

  @Test
  void tokensTheIssuerDidNotMakeForThePlatformAreRefused() {
    assertThat(
            exchange(idToken(IDP_KEY, "another-client", "alice", List.of("payments-ops")), null)
                .statusCode())
        .isEqualTo(401);
    assertThat(
            exchange(idToken(rsaKey("idp-1"), "platform-console", "alice", List.of()), null)
                .statusCode())
        .isEqualTo(401);
    assertThat(exchange("not.a.token", null).statusCode()).isEqualTo(401);
  }

  @Test
  void aUserWhoseGroupsBindNothingGetsNoToken() {
    HttpResponse<String> response =
        exchange(idToken(IDP_KEY, "platform-console", "bob", List.of("hr")), null);

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).contains("no role");
  }

  private HttpResponse<String> exchange(String idToken, String tenant) {
    String body =
        "{\"id_token\":\""
            + idToken
            + "\""
            + (tenant == null ? "" : ",\"tenant\":\"" + tenant + "\"")
            + "}";
    return ServiceContract.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/auth/oidc"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  private static String idToken(RSAKey key, String audience, String user, List<String> groups) {
    Instant now = Instant.now();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .audience(audience)
            .subject("f2c1-" + user)
            .claim("preferred_username", user)
            .claim("groups", groups)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plusSeconds(300)))
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
    try {
      jwt.sign(new RSASSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  private static RSAKey rsaKey(String kid) {
    try {
      return new RSAKeyGenerator(2048).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpServer publish(RSAKey key) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
      server.createContext(
          "/keys",
          exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(jwks);
            }
          });
      server.start();
      return server;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
