package io.containercloud.common.it;

import static io.containercloud.common.testing.ServiceContract.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.common.security.Role;
import io.containercloud.common.testing.ServiceContract;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestTokens;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A service behind the gateway gets {@code X-Forwarded-Prefix: /api/<service>} and the path without
 * it; its problems name the path the caller used. (GatewayApplicationIT checks the gateway's side:
 * that it sends its own prefix on every routed request, never the client's.)
 */
@ServiceIntegrationTest
class ProblemInstanceIT {

  @LocalServerPort int port;

  private final String developer = TestTokens.token("dana", "tenant-a", Role.DEVELOPER);

  @Test
  void aNotFoundBehindTheGatewayNamesTheCallersPath() {
    HttpResponse<String> response = send("GET", "/nothing/here", "/api/widgets", null);
    assertThat(response.statusCode()).isEqualTo(404);
    assertProblem(response, "not-found");
    assertThat(response.body()).contains("\"instance\":\"/api/widgets/nothing/here\"");
  }

  @Test
  void aValidationProblemBehindTheGatewayNamesTheCallersPath() {
    HttpResponse<String> invalid =
        send("POST", "/widgets", "/api/widgets", "{\"name\": \"Bad;Name\", \"replicas\": 1}");
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertProblem(invalid, "validation-failed");
    assertThat(invalid.body()).contains("\"instance\":\"/api/widgets/widgets\"");

    HttpResponse<String> malformed = send("POST", "/widgets", "/api/widgets", "{\"name\": ");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertProblem(malformed, "malformed-body");
    assertThat(malformed.body()).contains("\"instance\":\"/api/widgets/widgets\"");

    HttpResponse<String> forbidden =
        send(
            "POST",
            "/widgets",
            "/api/widgets",
            "{\"name\": \"web\", \"replicas\": 1}",
            TestTokens.token("vic", "tenant-a", Role.VIEWER));
    assertThat(forbidden.statusCode()).isEqualTo(403);
    assertThat(forbidden.body()).contains("\"instance\":\"/api/widgets/widgets\"");
  }

  @Test
  void calledDirectlyTheServicesOwnPathIsTheInstance() {
    HttpResponse<String> response = send("GET", "/nothing/here", null, null);
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("\"instance\":\"/nothing/here\"");
  }

  @Test
  void aForgedPrefixNeverReachesTheInstance() {
    for (String forged : new String[] {"/evil", "/API/widgets", "/api/a,/api/b"}) {
      HttpResponse<String> response = send("GET", "/nothing/here", forged, null);
      assertThat(response.statusCode()).as(forged).isEqualTo(404);
      assertThat(response.body()).as(forged).contains("\"instance\":\"/nothing/here\"");
    }
  }

  @Test
  void requestsTheFirewallRefusesAreProblemsToo() {
    for (String[] request :
        new String[][] {
          {"/widgets;jsessionid=1", null, "/widgets;jsessionid=1"},
          {"/widgets/a%0Ab", "/api/widgets", "/api/widgets/widgets/a%0Ab"},
          {"/widgets/%2e%2e/admin", "/api/widgets", "/api/widgets/widgets/%2e%2e/admin"},
          {"/nothing/here", "/api/widgets/../admin", "/nothing/here"}
        }) {
      HttpResponse<String> response = send("GET", request[0], request[1], null);
      assertThat(response.statusCode()).as(request[0]).isEqualTo(400);
      assertThat(response.body()).as(request[0]).contains("\"code\":\"request-rejected\"");
      assertProblem(response, "request-rejected");
      assertThat(response.body())
          .as(request[0])
          .contains("\"instance\":\"" + request[2] + "\"", "\"title\":\"Bad Request\"");
    }
  }

  private HttpResponse<String> send(String method, String path, String prefix, String json) {
    return send(method, path, prefix, json, developer);
  }

  private HttpResponse<String> send(
      String method, String path, String prefix, String json, String token) {
    HttpRequest.Builder request =
        ServiceContract.request(method, "http://127.0.0.1:" + port + path, token, json);
    if (prefix != null) {
      request.header("X-Forwarded-Prefix", prefix);
    }
    return ServiceContract.send(request.build());
  }
}
