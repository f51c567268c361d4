package io.containercloud.common.idempotency;

import io.containercloud.common.error.FieldViolation;
import io.containercloud.common.error.ProblemInstance;
import io.containercloud.common.error.Problems;
import io.containercloud.common.security.Caller;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code Idempotency-Key} on writes ({@code POST}, {@code PUT}, {@code PATCH}, {@code DELETE}), for
 * services with a database: a client that did not see the answer (a timeout, a broken connection, a
 * 503 from the gateway) retries with the same key and gets the first outcome, and the write happens
 * at most once.
 *
 * <p>The request runs in one transaction that also records the key with the response, so the key
 * exists exactly when the write committed: there is no window in which a write is stored but its
 * key is not. A concurrent request with the same key waits on the key's row lock and then answers
 * the first one's outcome. Only successful answers are kept; a refused request (4xx) or a failure
 * (5xx) changed nothing and is done again on retry. The same key with another method, path or body
 * is {@code 422}. Keys are kept per tenant for a day.
 */
public final class IdempotencyFilter extends OncePerRequestFilter {

  static final String HEADER = "Idempotency-Key";
  static final String REPLAYED = "Idempotent-Replayed";
  private static final Logger log = LoggerFactory.getLogger(IdempotencyFilter.class);
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");
  private static final List<String> KEPT_HEADERS = List.of("Content-Type", "Location", "ETag");
  private static final int MAX_BODY = 1 << 20;

  private final IdempotencyStore keys;
  private final JsonMapper json;

  private IdempotencyFilter(IdempotencyStore keys, JsonMapper json) {
    this.keys = keys;
    this.json = json;
  }

  /**
   * The filter keeping outcomes in {@code keys}, registered after Spring Security (order -100: the
   * key belongs to the caller's tenant) and before the dispatcher.
   */
  public static FilterRegistrationBean<IdempotencyFilter> registration(
      IdempotencyStore keys, JsonMapper json) {
    FilterRegistrationBean<IdempotencyFilter> registration =
        new FilterRegistrationBean<>(new IdempotencyFilter(keys, json));
    registration.setOrder(0);
    return registration;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return request.getHeader(HEADER) == null || !WRITES.contains(request.getMethod());
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String tenant = tenant();
    if (tenant == null) {
      chain.doFilter(request, response); // security answers an anonymous write
      return;
    }
    String key = request.getHeader(HEADER);
    if (!KEY.matcher(key).matches()) {
      problem(
          request,
          response,
          Problems.of(
              HttpStatus.BAD_REQUEST,
              "invalid",
              "The Idempotency-Key header is not usable.",
              List.of(new FieldViolation(HEADER, "must be 1-128 of A-Z a-z 0-9 . _ : -"))));
      return;
    }
    byte[] body = body(request);
    if (body == null) {
      problem(
          request,
          response,
          Problems.of(
              HttpStatus.CONTENT_TOO_LARGE,
              "too-large",
              "A request body sent with an Idempotency-Key may hold at most 1 MB.",
              List.of()));
      return;
    }
    String fingerprint = fingerprint(request, body);
    Optional<IdempotencyStore.Stored> earlier;
    try {
      earlier = keys.find(tenant, key);
    } catch (RuntimeException e) {
      unavailable(
          request, response, "The service's store did not answer; nothing was changed. Retry.");
      return;
    }
    if (earlier.isPresent()) {
      replay(request, response, earlier.get(), fingerprint);
      return;
    }
    ContentCachingResponseWrapper capture = new ContentCachingResponseWrapper(response);
    try {
      keys.execute(
          tenant,
          key,
          fingerprint,
          request.getMethod(),
          () -> {
            chain.doFilter(new BufferedRequest(request, body), capture);
            return capture.getStatus() >= 400
                ? null
                : new IdempotencyStore.Stored(
                    fingerprint,
                    capture.getStatus(),
                    headers(capture),
                    capture.getContentAsByteArray());
          });
    } catch (IdempotencyStore.KeyTakenException e) {
      // the same key recorded meanwhile by a concurrent request: its outcome is the answer
      capture.resetBuffer();
      replay(request, response, keys.find(tenant, key).orElseThrow(() -> e), fingerprint);
      return;
    } catch (IOException | ServletException e) {
      throw e;
    } catch (Exception e) {
      if (e.getCause() instanceof ServletException servlet) {
        throw servlet; // the handler failed on its own: not the store's doing
      }
      log.warn("write with Idempotency-Key {} failed: {}", key, e.getMessage());
      capture.resetBuffer();
      unavailable(
          request,
          response,
          "The store did not confirm the change. Retry with the same Idempotency-Key:"
              + " it is made at most once.");
      return;
    }
    capture.copyBodyToResponse();
  }

  private void unavailable(HttpServletRequest request, HttpServletResponse response, String detail)
      throws IOException {
    response.setHeader("Retry-After", "1");
    problem(
        request,
        response,
        Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "dependency-unavailable", detail, List.of()));
  }

  private void replay(
      HttpServletRequest request,
      HttpServletResponse response,
      IdempotencyStore.Stored stored,
      String fingerprint)
      throws IOException {
    if (!stored.fingerprint().equals(fingerprint)) {
      problem(
          request,
          response,
          Problems.of(
              HttpStatus.UNPROCESSABLE_CONTENT,
              "idempotency-key-reused",
              "This Idempotency-Key was used for another request (method, path or body).",
              List.of(new FieldViolation(HEADER, "belongs to another request"))));
      return;
    }
    if (stored.unrecorded()) {
      problem(
          request,
          response,
          Problems.of(
              HttpStatus.CONFLICT,
              "idempotent-outcome-unrecorded",
              "The write with this Idempotency-Key was made, but its answer was lost (or it is"
                  + " still running). Read the object to see its state.",
              List.of()));
      return;
    }
    response.setStatus(stored.status());
    json.readValue(stored.headers(), new TypeReference<Map<String, String>>() {})
        .forEach(response::setHeader);
    response.setHeader(REPLAYED, "true");
    response.getOutputStream().write(stored.body());
  }

  private String headers(ContentCachingResponseWrapper response) {
    Map<String, String> kept = new TreeMap<>();
    for (String name : KEPT_HEADERS) {
      String value = response.getHeader(name);
      if (value != null) {
        kept.put(name, value);
      }
    }
    if (response.getContentType() != null) {
      kept.put("Content-Type", response.getContentType());
    }
    return json.writeValueAsString(kept);
  }

  private void problem(HttpServletRequest request, HttpServletResponse response, ProblemDetail p)
      throws IOException {
    p.setInstance(
        java.net.URI.create(
            ProblemInstance.of(
                request.getHeader(ProblemInstance.PREFIX_HEADER),
                request.getContextPath(),
                request.getRequestURI())));
    response.setStatus(p.getStatus());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    response.getOutputStream().write(json.writeValueAsBytes(p));
  }

  /** The body, or null when it is larger than the limit. */
  private static byte[] body(HttpServletRequest request) throws IOException {
    try (InputStream in = request.getInputStream()) {
      byte[] body = in.readNBytes(MAX_BODY + 1);
      return body.length > MAX_BODY ? null : body;
    }
  }

  private static String fingerprint(HttpServletRequest request, byte[] body) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(request.getMethod().getBytes(StandardCharsets.UTF_8));
      digest.update((byte) ' ');
      digest.update(request.getRequestURI().getBytes(StandardCharsets.UTF_8));
      digest.update((byte) '?');
      String query = request.getQueryString();
      digest.update((query == null ? "" : query).getBytes(StandardCharsets.UTF_8));
      digest.update((byte) '\n');
      return HexFormat.of().formatHex(digest.digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The caller's tenant from the verified token, or null for an anonymous request. */
  private static String tenant() {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    return authentication instanceof JwtAuthenticationToken ? Caller.current().tenant() : null;
  }
}
