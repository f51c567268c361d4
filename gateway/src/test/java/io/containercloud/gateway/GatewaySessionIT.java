package io.containercloud.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.common.testing.ServiceContract;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class GatewaySessionIT {

  @LocalServerPort int port;

  @DynamicPropertySource
  static void routesAndKey(DynamicPropertyRegistry registry) {
    GatewayFixture.properties(registry);
  }

  @Test
  void refreshTokensRotateAndAReusedOneEndsTheWholeSession() {
    String first = refreshTokenOf(login());
    HttpResponse<String> refreshed = post("/api/auth/refresh", null, body(first));
    assertThat(refreshed.statusCode()).isEqualTo(200);
    String second = refreshTokenOf(refreshed.body());
    assertThat(second).isNotEqualTo(first);
    assertThat(accessTokenOf(refreshed.body())).isNotBlank();

    assertThat(post("/api/auth/refresh", null, body(first)).statusCode()).isEqualTo(401);
    assertThat(post("/api/auth/refresh", null, body(second)).statusCode()).isEqualTo(401);
  }

  @Test
  void logoutAndAnAdminEndingSessionsStopRefreshTokens() {
    String mine = refreshTokenOf(login());
    assertThat(post("/api/auth/logout", null, body(mine)).statusCode()).isEqualTo(204);
    assertThat(post("/api/auth/refresh", null, body(mine)).statusCode()).isEqualTo(401);

    String login = login();
    String other = refreshTokenOf(login);
    HttpResponse<String> ended =
        ServiceContract.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/admin/users/admin/sessions"))
                .header("Authorization", "Bearer " + accessTokenOf(login))
                .DELETE()
                .build());
    assertThat(ended.statusCode()).isEqualTo(200);
    assertThat(post("/api/auth/refresh", null, body(other)).statusCode()).isEqualTo(401);
  }

  private String login() {
    HttpResponse<String> response =
        GatewayFixture.postLogin(
            port, "{\"username\":\"admin\",\"password\":\"test-admin-secret\"}");
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private static String body(String refreshToken) {
    return "{\"refresh_token\":\"" + refreshToken + "\"}";
  }

  private static String refreshTokenOf(String body) {
    return body.replaceAll(".*\"refresh_token\":\"([^\"]+)\".*", "$1");
  }

  private static String accessTokenOf(String body) {
    return body.replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
  }

  private HttpResponse<String> post(String path, String token, String json) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Content-Type", "application/json");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return ServiceContract.send(request.POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }
}
