package io.containercloud.gateway;

import static io.containercloud.common.testing.ServiceContract.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.testing.FreePorts;
import io.containercloud.common.testing.ServiceContract;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
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
class GatewayResilienceIT {

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;

  @DynamicPropertySource
  static void routes(DynamicPropertyRegistry registry) {
    GatewayFixture.properties(registry);
    registry.add("platform.gateway.services.down", () -> "http://127.0.0.1:" + closedPort());
    registry.add("platform.gateway.services.tripped", () -> "http://127.0.0.1:" + closedPort());
    registry.add("platform.gateway.services.cut", () -> "http://127.0.0.1:" + CUT.getLocalPort());
    registry.add("platform.gateway.route-timeout", () -> "1s");
  }

  /** A service whose connection breaks half-way through each answer's body. */
  private static final ServerSocket CUT = answeringHalfABody();

  /**
   * Cut off, the answer must look cut off: a clean end of a chunked body would pass the half the
   * client got as the whole of it.
   */
  @Test
  void anAnswerWhoseServiceBrokeOffHalfWayIsBrokenOffForTheClient() {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url("/api/cut/things")))
            .header("Authorization", "Bearer " + token())
            .build();
    assertThatThrownBy(
            () -> HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
  }

  @Autowired CircuitBreakerRegistry breakers;

  @Test
  void aReadIsTriedAgainWhenItsServiceAnswered502AndAChangeNever() {
    String token = token();
    String twice = "/flaky/2/" + UUID.randomUUID();
    HttpResponse<String> read = ServiceContract.get(url("/api/echo" + twice), token);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(GatewayFixture.flakyCalls.get(twice)).hasValue(3);

    String always = "/flaky/9/" + UUID.randomUUID();
    assertThat(ServiceContract.get(url("/api/echo" + always), token).statusCode()).isEqualTo(502);
    assertThat(GatewayFixture.flakyCalls.get(always)).hasValue(3); // the first try and two more

    String change = "/flaky/1/" + UUID.randomUUID();
    assertThat(post("/api/echo" + change, "flaky-" + UUID.randomUUID()).statusCode())
        .isEqualTo(502);
    assertThat(GatewayFixture.flakyCalls.get(change)).hasValue(1);
  }

  @Test
  void aServiceThatKeepsFailingIsCutOffByItsBreakerAndTheOthersAreNot() {
    String token = token();
    CircuitBreaker tripped = breakers.circuitBreaker("tripped");
    for (int i = 0; i < 10; i++) {
      assertThat(tripped.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
      HttpResponse<String> refused = ServiceContract.get(url("/api/tripped/things"), token);
      assertThat(refused.statusCode()).isEqualTo(503);
    }
    assertThat(tripped.getState()).isEqualTo(CircuitBreaker.State.OPEN);
    long refusedBefore = tripped.getMetrics().getNumberOfNotPermittedCalls();
    HttpResponse<String> open = ServiceContract.get(url("/api/tripped/things"), token);
    assertThat(open.statusCode()).isEqualTo(503);
    assertProblem(open, "service-unavailable");
    assertThat(open.headers().firstValue("Retry-After")).hasValue("5");
    assertThat(tripped.getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(refusedBefore + 1);
    assertThat(ServiceContract.get(url("/api/echo/things"), token).statusCode()).isEqualTo(200);
  }

  private String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  // Times are compared with each other, not with fixed figures: a shared CI machine slows both
  // answers alike, but a refused connection is still answered before the route timeout.
  @Test
  void aStoppedServiceAnswersBeforeTheRouteTimeoutAndASlowOneIsCutAtIt() {
    String token = GatewayFixture.login(port, "admin", "test-admin-secret");

    long start = System.nanoTime();
    HttpResponse<String> refused =
        ServiceContract.get("http://127.0.0.1:" + port + "/api/down/things", token);
    long refusedMillis = (System.nanoTime() - start) / 1_000_000;
    start = System.nanoTime();
    HttpResponse<String> slow =
        ServiceContract.get("http://127.0.0.1:" + port + "/api/echo/slow", token);
    long slowMillis = (System.nanoTime() - start) / 1_000_000;

    assertThat(refused.statusCode()).isEqualTo(503);
    assertProblem(refused, "service-unavailable");
    assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
    // the echo answers 200 after 3 s: a 503 is the gateway's, at its 1 s route timeout
    assertThat(slow.statusCode()).isEqualTo(503);
    assertProblem(slow, "service-unavailable");
    assertThat(slowMillis).isGreaterThanOrEqualTo(1_000);
    assertThat(refusedMillis).isLessThan(slowMillis);
  }

  // the route timeout bounds the wait for an answer's headers, not a body that streams after them
  @Test
  void aBodyStreamingLongerThanTheRouteTimeoutIsNotCut() {
    String token = GatewayFixture.login(port, "admin", "test-admin-secret");
    long start = System.nanoTime();
    HttpResponse<String> trickle =
        ServiceContract.get("http://127.0.0.1:" + port + "/api/echo/trickle", token);
    assertThat(trickle.statusCode()).isEqualTo(200);
    assertThat(trickle.body()).isEqualTo("first half, second half");
    assertThat(System.nanoTime() - start).isGreaterThan(1_500_000_000L);
  }

  @Test
  void aGatewayAnswerNamesThePathTheCallerUsed() {
    String token = GatewayFixture.login(port, "admin", "test-admin-secret");
    HttpResponse<String> response =
        ServiceContract.get("http://127.0.0.1:" + port + "/api/down/things/7", token);
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).contains("\"instance\":\"/api/down/things/7\"");
  }

  @Test
  void aWriteTheGatewayStoppedWaitingForIsAuditedAsUnknownNot503() {
    String correlation = "unknown-" + UUID.randomUUID();
    HttpResponse<String> response = post("/api/echo/slow/records", correlation);
    assertThat(response.statusCode()).isEqualTo(503);
    String event = auditEvent(correlation);
    assertThat(event)
        .contains("\"outcome\":\"unknown\"", "\"reason\":\"timeout\"", "\"timeoutMs\":1000")
        .doesNotContain("\"status\":");
  }

  @Test
  void aWriteWhoseConnectionBrokeIsAuditedAsUnknown() {
    String correlation = "broken-" + UUID.randomUUID();
    HttpResponse<String> response = post("/api/echo/broken/records", correlation);
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(auditEvent(correlation))
        .contains("\"outcome\":\"unknown\"", "\"reason\":\"connection-broken\"")
        .doesNotContain("\"status\":");
  }

  @Test
  void aWriteThatNeverReachedItsServiceOrThatItRefusedKeepsItsStatus() {
    String refused = "refused-" + UUID.randomUUID();
    assertThat(post("/api/down/things", refused).statusCode()).isEqualTo(503);
    assertThat(auditEvent(refused)).contains("\"status\":503").doesNotContain("\"outcome\"");

    String answered = "answered-" + UUID.randomUUID();
    assertThat(post("/api/echo/problem/503/things", answered).statusCode()).isEqualTo(503);
    assertThat(auditEvent(answered)).contains("\"status\":503").doesNotContain("\"outcome\"");
  }

  private HttpResponse<String> post(String path, String correlation) {
    return ServiceContract.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + token())
            .header("Content-Type", "application/json")
            .header("X-Correlation-Id", correlation)
            .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}"))
            .build());
  }

  private String token() {
    return GatewayFixture.login(port, "admin", "test-admin-secret");
  }

  /** The one audit event of the request, once stored (before the exchange completes). */
  private String auditEvent(String correlation) {
    List<String> events =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    jdbc.queryForList(
                        "SELECT payload FROM outbox_event WHERE topic = 'audit-events'"
                            + " AND payload LIKE ? ORDER BY seq",
                        String.class,
                        "%\"correlationId\":\"" + correlation + "\"%"),
                found -> !found.isEmpty());
    assertThat(events).hasSize(1);
    return events.get(0);
  }

  private static ServerSocket answeringHalfABody() {
    try {
      ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread service =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try (Socket socket = server.accept()) {
                    GatewayFixture.readHead(socket.getInputStream());
                    OutputStream out = socket.getOutputStream();
                    out.write(
                        ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                + "Transfer-Encoding: chunked\r\n\r\n8\r\n{\"part\":\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                  } catch (IOException e) {
                    // the next request
                  }
                }
              });
      service.setDaemon(true);
      service.start();
      return server;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int closedPort() {
    return FreePorts.pick(); // nothing listens there
  }
}
