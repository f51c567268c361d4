package io.containercloud.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.containercloud.common.testing.ServiceContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Platform services get tokens by client credentials, in the tenants their account allows. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class GatewayServiceTokenIT {

  private static final String SECRET = "s3cret-of-the-orchestrator-0123456789abcdef";
  private static final Path SECRET_FILE = secretFile(SECRET);

  @LocalServerPort int port;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    GatewayFixture.properties(registry);
    String account = "platform.gateway.service-accounts.orchestrator.";
    registry.add(account + "secret-file", SECRET_FILE::toString);
    registry.add(account + "role", () -> "developer");
    registry.add(account + "tenants[0]", () -> "*");
    String narrow = "platform.gateway.service-accounts.reporter.";
    registry.add(narrow + "secret-file", SECRET_FILE::toString);
    registry.add(narrow + "role", () -> "viewer");
    registry.add(narrow + "tenants[0]", () -> "payments");
  }

  @Test
  void theRightSecretBuysATokenNamingTheServiceTheTenantAndItsRole() throws Exception {
    HttpResponse<String> response =
        token("grant_type=client_credentials&tenant=cards", basic("orchestrator", SECRET));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body())
        .contains("\"tenant\":\"cards\"", "\"roles\":[\"developer\"]", "\"refresh_token\":null");
    String access = response.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
    JWTClaimsSet claims = SignedJWT.parse(access).getJWTClaimsSet();
    assertThat(claims.getSubject()).isEqualTo("service:orchestrator");
    assertThat(claims.getStringClaim("tenant")).isEqualTo("cards");
    HttpResponse<String> routed =
        ServiceContract.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/echo/things"))
                .header("Authorization", "Bearer " + access)
                .build());
    assertThat(routed.statusCode()).isEqualTo(200);
  }

  @Test
  void theSecretMayComeInTheForm() {
    HttpResponse<String> response =
        token(
            "grant_type=client_credentials&tenant=payments&client_id=reporter&client_secret="
                + SECRET,
            null);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).contains("\"roles\":[\"viewer\"]");
  }

  @Test
  void aWrongSecretOrAnUnknownClientGets401() {
    assertThat(
            token("grant_type=client_credentials&tenant=cards", basic("orchestrator", "guess"))
                .statusCode())
        .isEqualTo(401);
    assertThat(
            token("grant_type=client_credentials&tenant=cards", basic("intruder", SECRET))
                .statusCode())
        .isEqualTo(401);
    assertThat(token("grant_type=client_credentials&tenant=cards", null).statusCode())
        .isEqualTo(401);
  }

  @Test
  void aTenantTheAccountDoesNotAllowIsForbidden() {
    HttpResponse<String> response =
        token("grant_type=client_credentials&tenant=cards", basic("reporter", SECRET));

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).contains("may not act in tenant 'cards'");
  }

  @Test
  void anotherGrantOrNoTenantIsABadRequestNamingTheField() {
    HttpResponse<String> grant =
        token("grant_type=password&tenant=cards", basic("orchestrator", SECRET));
    assertThat(grant.statusCode()).isEqualTo(400);
    assertThat(grant.body()).contains("grant_type");

    HttpResponse<String> tenant =
        token("grant_type=client_credentials&tenant=Bad_Name", basic("orchestrator", SECRET));
    assertThat(tenant.statusCode()).isEqualTo(400);
    assertThat(tenant.body()).contains("\"tenant\"");
  }

  private HttpResponse<String> token(String form, String authorization) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/auth/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return ServiceContract.send(request.build());
  }

  private static String basic(String client, String secret) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((client + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  private static Path secretFile(String secret) {
    try {
      Path file = Files.createTempFile("service-secret", ".txt");
      Files.writeString(file, secret + "\n");
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
