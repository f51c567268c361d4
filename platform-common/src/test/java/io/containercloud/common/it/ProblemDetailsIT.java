package io.containercloud.common.it;

import static io.containercloud.common.testing.ServiceContract.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.common.security.Role;
import io.containercloud.common.testing.ServiceContract;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestTokens;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

@ServiceIntegrationTest
class ProblemDetailsIT {

  @LocalServerPort int port;

  private final String developer = TestTokens.token("dana", "tenant-a", Role.DEVELOPER);

  @Test
  void validationErrorNamesEachField() {
    HttpResponse<String> response =
        post(
            "/widgets",
            developer,
            """
        {"name": "Bad;Name", "replicas": -1}
        """);
    assertThat(response.statusCode()).isEqualTo(400);
    assertProblem(response, "validation-failed");
    assertThat(response.body())
        .contains("{\"field\":\"name\",\"reason\":\"must be a DNS-1123 label\"}")
        .contains("\"field\":\"replicas\"");
  }

  @Test
  void malformedJsonIsAProblemNotAStackTrace() {
    HttpResponse<String> response = post("/widgets", developer, "{\"name\": ");
    assertThat(response.statusCode()).isEqualTo(400);
    assertProblem(response, "malformed-body");
    assertThat(response.body()).doesNotContain("Exception");
  }

  @Test
  void unknownPathIsNotFound() {
    HttpResponse<String> response = ServiceContract.get(url("/nothing/here"), developer);
    assertThat(response.statusCode()).isEqualTo(404);
    assertProblem(response, "not-found");
  }

  @Test
  void validRequestCarriesTheCallerFromTheToken() {
    HttpResponse<String> response =
        post(
            "/widgets",
            developer,
            """
        {"name": "web", "replicas": 3}
        """);
    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.body()).contains("\"tenant\":\"tenant-a\"").contains("\"user\":\"dana\"");
  }

  @Test
  void missingExpiredForeignOrMisdirectedTokensAreUnauthorized() {
    for (String token :
        new String[] {
          null,
          "not-a-jwt",
          TestTokens.expired("dana", "tenant-a", Role.DEVELOPER),
          TestTokens.signedByStranger("dana", "tenant-a", Role.DEVELOPER),
          TestTokens.forAudience("someone-else", "dana", "tenant-a", Role.DEVELOPER)
        }) {
      HttpResponse<String> response = ServiceContract.get(url("/whoami"), token);
      assertThat(response.statusCode()).as("token %s", token).isEqualTo(401);
      assertProblem(response, "unauthorized");
    }
  }

  @Test
  void identityHeadersAreIgnored() {
    HttpResponse<String> response =
        ServiceContract.send(
            HttpRequest.newBuilder(URI.create(url("/whoami")))
                .header("Authorization", "Bearer " + developer)
                .header("X-User", "root")
                .header("X-Tenant", "tenant-b")
                .GET()
                .build());
    assertThat(response.body()).contains("\"user\":\"dana\"").contains("\"tenant\":\"tenant-a\"");
  }

  @Test
  void theGatewaysCorrelationIdReachesTheLogContextAndOnlyAsAPlainToken() {
    HttpResponse<String> tagged =
        ServiceContract.send(
            HttpRequest.newBuilder(URI.create(url("/log-context")))
                .header("Authorization", "Bearer " + developer)
                .header("X-Correlation-Id", "corr-1234-abcd")
                .GET()
                .build());
    assertThat(tagged.body()).contains("\"correlationId\":\"corr-1234-abcd\"");
    assertThat(tagged.headers().firstValue("X-Correlation-Id")).hasValue("corr-1234-abcd");
    HttpResponse<String> forged =
        ServiceContract.send(
            HttpRequest.newBuilder(URI.create(url("/log-context")))
                .header("Authorization", "Bearer " + developer)
                .header("X-Correlation-Id", "x\",\"level\":\"ERROR")
                .GET()
                .build());
    assertThat(forged.body()).contains("\"correlationId\":\"\"");
  }

  @Test
  void anIdempotencyKeyReusedForAnotherBodyIsAProblemLikeAnyOther() {
    String key = "reuse-" + UUID.randomUUID();
    HttpResponse<String> first =
        post("/widgets", developer, "{\"name\": \"one\", \"replicas\": 1}", key);
    assertThat(first.statusCode()).isEqualTo(201);

    HttpResponse<String> other =
        post("/widgets", developer, "{\"name\": \"two\", \"replicas\": 1}", key);

    assertThat(other.statusCode()).isEqualTo(422);
    assertProblem(other, "idempotency-key-reused");
    assertThat(other.body())
        .contains("{\"field\":\"Idempotency-Key\",\"reason\":\"belongs to another request\"}")
        .doesNotContain("\"properties\"");
  }

  @Test
  void roleCheckFailureIsForbidden() {
    String viewer = TestTokens.token("vic", "tenant-a", Role.VIEWER);
    HttpResponse<String> response =
        post(
            "/widgets",
            viewer,
            """
        {"name": "web", "replicas": 1}
        """);
    assertThat(response.statusCode()).isEqualTo(403);
    assertProblem(response, "forbidden");
  }

  private HttpResponse<String> post(String path, String token, String json) {
    return ServiceContract.send(request(path, token, json).build());
  }

  private HttpResponse<String> post(String path, String token, String json, String key) {
    return ServiceContract.send(request(path, token, json).header("Idempotency-Key", key).build());
  }

  private HttpRequest.Builder request(String path, String token, String json) {
    return HttpRequest.newBuilder(URI.create(url(path)))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
  }

  private String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }
}
