package io.containercloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.common.testing.ServiceContract;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * One user's requests through the gateway, with the access token of a real login, logged in again
 * before the token expires: the e2e suite outlives the gateway's 15-minute tokens.
 */
final class Session {

  private static final Duration RENEW_AFTER = Duration.ofMinutes(10);

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  private final String gateway;
  private final String user;
  private final Supplier<String> login;
  private String token; // guarded by this
  private Instant obtained; // guarded by this

  /** A session of {@code user}, who {@code login} logs in, giving the access token. */
  Session(String gateway, String user, Supplier<String> login) {
    this.gateway = gateway;
    this.user = user;
    this.login = login;
    renew();
  }

  private void renew() {
    token = login.get();
    obtained = Instant.now();
  }

  /** Who logged in: the user the audit trail names. */
  String user() {
    return user;
  }

  /** The access token, for clients other than this one (an SSE stream). */
  synchronized String token() {
    if (Instant.now().isAfter(obtained.plus(RENEW_AFTER))) {
      renew();
    }
    return token;
  }

  HttpResponse<String> send(String method, String path, String json) {
    return send(method, path, json, null);
  }

  /** The same with {@code If-Match}. */
  HttpResponse<String> send(String method, String path, String json, String ifMatch) {
    HttpRequest.Builder request = ServiceContract.request(method, gateway + path, token(), json);
    if (ifMatch != null) {
      request.header("If-Match", ifMatch);
    }
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The same, insisting on a 2xx answer; its body. */
  String ok(String method, String path, String json) {
    return ok(method, path, json, null);
  }

  /** The same with {@code If-Match}, insisting on a 2xx answer; its body. */
  String ok(String method, String path, String json, String ifMatch) {
    return okResponse(method, path, json, ifMatch).body();
  }

  /** The same, insisting on a 2xx answer; the whole answer (for its {@code ETag}). */
  HttpResponse<String> okResponse(String method, String path, String json, String ifMatch) {
    HttpResponse<String> response = send(method, path, json, ifMatch);
    assertThat(response.statusCode())
        .as(method + " " + path + ": " + response.body())
        .isBetween(200, 299);
    return response;
  }
}
