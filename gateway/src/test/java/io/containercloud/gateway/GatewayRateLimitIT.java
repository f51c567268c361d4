package io.containercloud.gateway;

import static io.containercloud.common.testing.ServiceContract.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.common.testing.ServiceContract;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class GatewayRateLimitIT {

  @LocalServerPort int port;

  @DynamicPropertySource
  static void limits(DynamicPropertyRegistry registry) {
    GatewayFixture.properties(registry);
    registry.add("platform.gateway.rate-limits.user.capacity", () -> "5");
    registry.add("platform.gateway.rate-limits.user.per-second", () -> "0.2");
    registry.add("platform.gateway.rate-limits.login-account.capacity", () -> "3");
    registry.add("platform.gateway.rate-limits.login-account.per-second", () -> "0.01");
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
  void loginAttemptsAreLimitedPerAccountEvenWithTheRightPassword() {
    String victim = "{\"username\":\"victim\",\"password\":\"guess\"}";
    for (int i = 0; i < 3; i++) {
      assertThat(GatewayFixture.postLogin(port, victim).statusCode()).isEqualTo(401);
    }
    HttpResponse<String> limited = GatewayFixture.postLogin(port, victim);
    assertThat(limited.statusCode()).isEqualTo(429);
    assertProblem(limited, "too-many-requests");
    assertThat(limited.headers().firstValue("Retry-After")).isPresent();
  }
}
