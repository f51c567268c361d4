package io.containercloud.gateway;

import static io.containercloud.common.testing.ServiceContract.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.testing.ServiceContract;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class GatewayRateLimitIT {

  private static final String PASSWORD = "correct-horse-battery";

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;

  @DynamicPropertySource
  static void limits(DynamicPropertyRegistry registry) {
    GatewayFixture.properties(registry);
    registry.add("platform.gateway.rate-limits.user.capacity", () -> "5");
    registry.add("platform.gateway.rate-limits.user.per-second", () -> "0.2");
    registry.add("platform.gateway.rate-limits.login-account.capacity", () -> "3");
    // a failed attempt is forgiven after 4 s: long enough to see the limit, short to wait it out
    registry.add("platform.gateway.rate-limits.login-account.per-second", () -> "0.25");
  }

  @Test
  void aBurstOverTheUsersLimitGets429WithRetryAfter() {
    String token = GatewayFixture.login(port, "admin", "test-admin-secret");
    List<Integer> statuses = new ArrayList<>();
    HttpResponse<String> last = null;
    for (int i = 0; i < 8; i++) {
      last = ServiceContract.get("http://127.0.0.1:" + port + "/api/echo/things", token);
      statuses.add(last.statusCode());
    }
    assertThat(statuses.subList(0, 5)).containsOnly(200);
    assertThat(statuses.subList(5, 8)).containsOnly(429);
    assertProblem(last, "too-many-requests");
    assertThat(last.headers().firstValue("Retry-After"))
        .hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
  }

  @Test
  void successfulLoginsNeverCountTowardTheLimit() {
    for (int i = 0; i < 8; i++) {
      GatewayFixture.login(port, "admin", "test-admin-secret"); // asserts 200
    }
  }

  @Test
  void failedLoginsBeyondTheLimitGet429SayingWhenToRetryThenTheRightPasswordWorksAgain() {
    String user = "limited-" + UUID.randomUUID().toString().substring(0, 8);
    createUser(user);
    try {
      for (int i = 0; i < 3; i++) {
        assertThat(GatewayFixture.postLogin(port, login(user, "a-wrong-guess")).statusCode())
            .isEqualTo(401);
      }
      HttpResponse<String> limited = GatewayFixture.postLogin(port, login(user, "a-wrong-guess"));
      assertThat(limited.statusCode()).isEqualTo(429);
      assertProblem(limited, "too-many-requests");
      long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
      assertThat(retryAfter).isBetween(1L, 4L);
      assertThat(limited.body())
          .contains("retry in " + retryAfter + " s", "\"retryAfterSeconds\":" + retryAfter)
          .contains("\"instance\":\"/api/auth/login\"");

      // while limited even the right password waits (else guessing would go on), in any case
      assertThat(GatewayFixture.postLogin(port, login(user, PASSWORD)).statusCode()).isEqualTo(429);
      assertThat(
              GatewayFixture.postLogin(port, login(user.toUpperCase(Locale.ROOT), "guess"))
                  .statusCode())
          .isEqualTo(429);

      await()
          .atMost(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> GatewayFixture.postLogin(port, login(user, PASSWORD)).statusCode() == 200);
    } finally {
      jdbc.update("DELETE FROM app_user WHERE username = ?", user);
    }
  }

  private void createUser(String user) {
    String admin = GatewayFixture.login(port, "admin", "test-admin-secret");
    HttpResponse<String> created =
        ServiceContract.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/admin/users"))
                .header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        """
                        {"username": "%s", "password": "%s", "tenant": "platform",
                         "roles": ["viewer"]}
                        """
                            .formatted(user, PASSWORD)))
                .build());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
  }

  private static String login(String user, String password) {
    return "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}";
  }
}
