package io.containercloud.gateway;

import static io.containercloud.common.testing.ServiceContract.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.common.testing.ServiceContract;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class GatewayResilienceIT {

  @LocalServerPort int port;

  @DynamicPropertySource
  static void routes(DynamicPropertyRegistry registry) {
    GatewayFixture.properties(registry);
    registry.add("platform.gateway.services.down", () -> "http://127.0.0.1:" + closedPort());
    registry.add("platform.gateway.route-timeout", () -> "1s");
  }

  @Test
  void stoppedServiceAnswers503ProblemDetailsFast() {
    String token = GatewayFixture.login(port, "admin", "test-admin-secret");
    long start = System.nanoTime();
    HttpResponse<String> response =
        ServiceContract.get("http://127.0.0.1:" + port + "/api/down/things", token);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(response.statusCode()).isEqualTo(503);
    assertProblem(response, "service-unavailable");
    assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
    assertThat(millis).isLessThan(1_000);
  }

  @Test
  void slowServiceIsCutAtTheRouteTimeout() {
    String token = GatewayFixture.login(port, "admin", "test-admin-secret");
    long start = System.nanoTime();
    HttpResponse<String> response =
        ServiceContract.get("http://127.0.0.1:" + port + "/api/echo/slow", token);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(response.statusCode()).isEqualTo(503);
    assertProblem(response, "service-unavailable");
    assertThat(millis).isBetween(900L, 2_500L);
  }

  private static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort(); // free once closed: nothing listens there
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
