package io.containercloud.gateway.web;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ORIGINAL_REQUEST_URL_ATTR;

import io.containercloud.common.error.FieldViolation;
import io.containercloud.common.error.Problems;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** Writes problem details straight to a reactive response (used outside any controller). */
@Component
class ProblemWriter {

  private final JsonMapper mapper;

  ProblemWriter(JsonMapper mapper) {
    this.mapper = mapper;
  }

  Mono<Void> write(
      ServerWebExchange exchange,
      HttpStatusCode status,
      String detail,
      List<FieldViolation> violations) {
    return write(exchange, status, Problems.codeFor(status), detail, violations);
  }

  Mono<Void> write(
      ServerWebExchange exchange,
      HttpStatusCode status,
      String code,
      String detail,
      List<FieldViolation> violations) {
    return write(exchange, status, code, detail, violations, Map.of());
  }

  /**
   * @param extra members added after the standard ones (for example {@code retryAfterSeconds})
   */
  Mono<Void> write(
      ServerWebExchange exchange,
      HttpStatusCode status,
      String code,
      String detail,
      List<FieldViolation> violations,
      Map<String, Object> extra) {
    return write(exchange, status, code, detail, violations, extra, callerPath(exchange));
  }

  /**
   * @param instance the caller's path, or {@code null} when the request had none worth naming
   */
  Mono<Void> write(
      ServerWebExchange exchange,
      HttpStatusCode status,
      String code,
      String detail,
      List<FieldViolation> violations,
      Map<String, Object> extra,
      String instance) {
    ServerHttpResponse response = exchange.getResponse();
    if (response.isCommitted()) {
      return Mono.empty();
    }
    byte[] body = body(status, code, detail, violations, extra, instance);
    response.setStatusCode(status);
    response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    DataBuffer buffer = response.bufferFactory().wrap(body);
    return response.writeWith(Mono.just(buffer));
  }

  /** The JSON of one problem; {@code instance} is left out when {@code null}. */
  private byte[] body(
      HttpStatusCode status,
      String code,
      String detail,
      List<FieldViolation> violations,
      Map<String, Object> extra,
      String instance) {
    ProblemDetail problem = Problems.of(status, code, detail, violations);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", problem.getType().toString());
    body.put("title", problem.getTitle());
    body.put("status", problem.getStatus());
    body.put("detail", problem.getDetail());
    if (instance != null) {
      body.put("instance", instance);
    }
    body.putAll(problem.getProperties());
    body.putAll(extra);
    return mapper.writeValueAsBytes(body);
  }

  /**
   * The path the caller used: a routed request's path has lost its {@code /api/<service>} by the
   * time it fails; the gateway keeps the original.
   */
  static String callerPath(ServerWebExchange exchange) {
    Set<URI> originals = exchange.getAttribute(GATEWAY_ORIGINAL_REQUEST_URL_ATTR);
    String path =
        originals != null && !originals.isEmpty()
            ? originals.iterator().next().getRawPath()
            : exchange.getRequest().getPath().value();
    return path == null || path.isEmpty() ? null : asUriPath(path);
  }

  /**
   * {@code path} as a valid URI path: what may stand in one stays (valid {@code %XX} escapes too),
   * everything else is percent-encoded byte by byte, and a query is left out. Paths that reached
   * Spring are unchanged but for raw non-ASCII bytes.
   */
  static String asUriPath(String target) {
    int query = target.indexOf('?');
    String path = query < 0 ? target : target.substring(0, query);
    StringBuilder encoded = new StringBuilder(path.length() + 16);
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '%'
          && i + 2 < path.length()
          && isHex(path.charAt(i + 1))
          && isHex(path.charAt(i + 2))) {
        encoded.append(c);
      } else if (c != '%' && PATH_CHARS.indexOf(c) >= 0) {
        encoded.append(c);
      } else {
        // the request line is read byte for byte, so a char below 256 is one byte
        byte[] bytes =
            c < 0x100 ? new byte[] {(byte) c} : String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
          encoded.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
        }
      }
    }
    return encoded.toString();
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  // RFC 3986 pchar but '%' (handled above), and '/'
  private static final String PATH_CHARS =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/";
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();
}
