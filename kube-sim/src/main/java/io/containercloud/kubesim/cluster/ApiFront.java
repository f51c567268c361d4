package io.containercloud.kubesim.cluster;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.regex.Pattern;

/**
 * What a real API server does before its handlers, in front of the mock's CRUD: it authenticates
 * every request by its bearer token (anonymous requests refused, as with {@code
 * --anonymous-auth=false}: 401 and a {@code Status}), answers {@code /version}, and answers
 * discovery paths ({@code /api}, {@code /apis}, {@code /api/v1}, {@code /apis/<group>[/<version>]})
 * and anything outside {@code /api/} and {@code /apis/} with 404 and a {@code Status}, where the
 * CRUD mock would answer a list of every object. Discovery documents are not served yet.
 */
final class ApiFront extends Dispatcher {

  /** The Kubernetes release the simulated API servers claim (fabric8 8's model). */
  static final String VERSION =
      """
      {"major":"1","minor":"33","gitVersion":"v1.33.0+kube-sim","gitCommit":"kube-sim",\
      "gitTreeState":"clean","buildDate":"2025-05-01T00:00:00Z","goVersion":"go1.24.2",\
      "compiler":"gc","platform":"linux/amd64"}""";

  private static final Pattern DISCOVERY =
      Pattern.compile("/api/?|/api/v1/?|/apis/?|/apis/[^/]+/?|/apis/[^/]+/[^/]+/?");

  private final byte[] token;
  private final Dispatcher api;

  ApiFront(String token, Dispatcher api) {
    this.token = token.getBytes(StandardCharsets.US_ASCII);
    this.api = api;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    if (!authenticated(request.getHeader("Authorization"))) {
      return status(401, "Unauthorized", "Unauthorized");
    }
    String path = pathOf(request.getPath());
    if (path.equals("/version")) {
      return "GET".equals(request.getMethod())
          ? json(200, VERSION)
          : status(405, "MethodNotAllowed", "the server does not allow this method");
    }
    if (DISCOVERY.matcher(path).matches()
        || !(path.startsWith("/api/") || path.startsWith("/apis/"))) {
      return status(404, "NotFound", "the server could not find the requested resource");
    }
    return api.dispatch(request);
  }

  @Override
  public void shutdown() {
    api.shutdown();
  }

  @Override
  public void releaseResources() {
    api.releaseResources();
  }

  private boolean authenticated(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] presented = authorization.substring(7).trim().getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(presented, token); // in constant time
  }

  private static String pathOf(String path) {
    if (path == null) {
      return "/";
    }
    int query = path.indexOf('?');
    return query < 0 ? path : path.substring(0, query);
  }

  /** A {@code Status} as kube-apiserver writes it. */
  static MockResponse status(int code, String reason, String message) {
    return json(
        code,
        """
        {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",\
        "message":"%s","reason":"%s","code":%d}"""
            .formatted(message, reason, code));
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse()
        .setResponseCode(code)
        .setHeader("Content-Type", "application/json")
        .setBody(body);
  }
}
