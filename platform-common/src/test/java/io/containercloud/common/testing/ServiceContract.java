package io.containercloud.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.common.security.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * What every service promises on its port, checked over real HTTP: probes and metrics open, the
 * OpenAPI document served, and errors as problem details for unknown paths and missing tokens.
 */
public final class ServiceContract {

  // HTTP/1.1 as every caller of the platform on plain HTTP speaks it: the JDK client's default is
  // an h2c upgrade attempt per connection, which no real caller sends
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private ServiceContract() {}

  /** The whole contract, with a token from {@link TestTokens} for the authenticated part. */
  public static void assertHonoured(int port) {
    assertHonoured(port, TestTokens.token("alice", "tenant-a", Role.PLATFORM_ADMIN));
  }

  /** The whole contract, with {@code token} accepted by the service on {@code port}. */
  public static void assertHonoured(int port, String token) {
    assertOperational(port);
    String base = "http://127.0.0.1:" + port;
    HttpResponse<String> anonymous = get(base + "/no/such/path", null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertProblem(anonymous, "unauthorized");

    HttpResponse<String> unknown = get(base + "/no/such/path", token);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertProblem(unknown, "not-found");
  }

  /** Probes up (so every dependency in the readiness group answers), metrics and OpenAPI served. */
  public static void assertOperational(int port) {
    assertProbesAndMetrics(port);
    String base = "http://127.0.0.1:" + port;
    HttpResponse<String> openapi = get(base + "/v3/api-docs", null);
    assertThat(openapi.statusCode()).isEqualTo(200);
    assertThat(openapi.body()).contains("\"openapi\"");
  }

  /** Probes up (so every dependency in the readiness group answers) and metrics served. */
  public static void assertProbesAndMetrics(int port) {
    String base = "http://127.0.0.1:" + port;
    assertThat(get(base + "/actuator/health/liveness", null).body()).contains("\"UP\"");
    assertThat(get(base + "/actuator/health/readiness", null).body()).contains("\"UP\"");
    HttpResponse<String> metrics = get(base + "/actuator/prometheus", null);
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("jvm_memory_used_bytes");
  }

  /**
   * What a host daemon without an API (the agents) promises: probes up, metrics served, and any
   * other path a problem-details 404, with or without a token.
   */
  public static void assertHostDaemonHonoured(int port) {
    assertProbesAndMetrics(port);
    HttpResponse<String> unknown = get("http://127.0.0.1:" + port + "/no/such/path", null);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertProblem(unknown, "not-found");
  }

  public static void assertProblem(HttpResponse<String> response, String code) {
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    assertThat(response.body())
        .contains("\"type\":\"https://containercloud.io/problems/" + code + "\"")
        .contains("\"code\":\"" + code + "\"")
        .contains("\"status\":" + response.statusCode());
  }

  public static HttpResponse<String> get(String url, String token) {
    HttpRequest.Builder request =
        // generous: the first call into a cold JVM on a shared two-core CI machine can be slow
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return send(request.GET().build());
  }

  /**
   * A request with {@code token} as bearer and {@code json} as its body (none when null), for the
   * caller to add its own headers ({@code If-Match}, {@code X-Forwarded-Prefix}, ...) to.
   */
  public static HttpRequest.Builder request(String method, String url, String token, String json) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + token)
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    return request;
  }

  public static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
