package io.containercloud.orchestrator.workload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Access tokens of the orchestrator's service account, one per tenant it acts in (cluster-service
 * checks that a caller changes only its own tenant's workloads), fetched by client credentials and
 * kept until a minute before they expire.
 */
@Component
public class ServiceTokens {

  private static final Duration MARGIN = Duration.ofMinutes(1);

  private record Token(String value, Instant renewAt) {}

  private final ServiceTokenProperties properties;
  private final JsonMapper json;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final Clock clock = Clock.systemUTC();
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();

  ServiceTokens(ServiceTokenProperties properties, JsonMapper json) {
    this.properties = properties;
    this.json = json;
  }

  /** {@code Bearer <token>} for acting in {@code tenant}. */
  public String authorization(String tenant) {
    Token token = tokens.get(tenant);
    if (token == null || !clock.instant().isBefore(token.renewAt())) {
      token = fetch(tenant);
      tokens.put(tenant, token);
    }
    return "Bearer " + token.value();
  }

  private Token fetch(String tenant) {
    String credentials = properties.clientId() + ":" + secret();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(properties.gatewayUrl() + "/api/auth/token"))
            .timeout(Duration.ofSeconds(10))
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "grant_type=client_credentials&tenant="
                        + URLEncoder.encode(tenant, StandardCharsets.UTF_8)))
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new ServiceTokenException(
            "the gateway refused a service token for tenant "
                + tenant
                + ": "
                + response.statusCode());
      }
      JsonNode body = json.readTree(response.body());
      Instant expires = clock.instant().plusSeconds(body.get("expires_in").asLong());
      return new Token(body.get("access_token").asString(), expires.minus(MARGIN));
    } catch (IOException e) {
      throw new ServiceTokenException("the gateway is unreachable: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceTokenException("interrupted");
    }
  }

  private String secret() {
    try {
      return Files.readString(properties.secretFile(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read platform.apps.service-token.secret-file " + properties.secretFile(), e);
    }
  }

  /** No token could be had: the work waits and is tried again. */
  public static final class ServiceTokenException extends RuntimeException {
    ServiceTokenException(String message) {
      super(message);
    }
  }
}
