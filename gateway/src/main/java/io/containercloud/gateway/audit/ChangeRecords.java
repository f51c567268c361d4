package io.containercloud.gateway.audit;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.CACHED_REQUEST_BODY_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

import io.containercloud.common.event.contract.AuditFacts;
import io.containercloud.gateway.web.CorrelationIdFilter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpMethod;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit record of a change request, routed or the gateway's own: who (from the verified token),
 * what (method, route, path, target ids), the outcome, from where (client IP, correlation id), and
 * the body as a digest plus a redacted copy.
 */
@Component
class ChangeRecords {

  private static final Set<HttpMethod> CHANGES =
      Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);

  private final AuditEmitter emitter;
  private final JsonMapper json;

  ChangeRecords(AuditEmitter emitter, JsonMapper json) {
    this.emitter = emitter;
    this.json = json;
  }

  /** Whether the request may change something: POST, PUT, PATCH or DELETE. */
  static boolean isChange(ServerWebExchange exchange) {
    return CHANGES.contains(exchange.getRequest().getMethod());
  }

  /**
   * Records {@code exchange}, a change by the holder of {@code jwt} ({@code null}: anonymous) with
   * {@code body}, started at {@code start} ({@link System#nanoTime()}), which came to {@code
   * outcome}; completes once the record is stored.
   */
  Mono<Void> emit(
      ServerWebExchange exchange, Jwt jwt, byte[] body, long start, RequestOutcome outcome) {
    String tenant =
        jwt == null || jwt.getClaimAsString("tenant") == null
            ? "platform"
            : jwt.getClaimAsString("tenant");
    Route route = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
    String path = exchange.getRequest().getPath().value();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("user", jwt == null ? "anonymous" : jwt.getSubject());
    data.put("roles", jwt == null ? List.of() : jwt.getClaimAsStringList("roles"));
    data.put("method", exchange.getRequest().getMethod().name());
    data.put("service", route == null ? "gateway" : route.getId());
    data.put("path", path);
    data.put("targetIds", targetIds(path));
    outcome.describe(data);
    data.put("latencyMs", (System.nanoTime() - start) / 1_000_000);
    InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
    data.put("clientIp", remote == null ? "" : remote.getAddress().getHostAddress());
    data.put("correlationId", CorrelationIdFilter.of(exchange));
    data.put("bodySha256", Redaction.digest(body));
    JsonNode copy = Redaction.copy(json, body);
    if (copy != null) {
      data.put("body", copy);
    }
    return emitter.emit(
        AuditFacts.Type.HTTP_REQUEST, tenant, CorrelationIdFilter.of(exchange), data);
  }

  // /api/dns/records/42 -> [42]: what follows the service and its collection
  private static List<String> targetIds(String path) {
    String[] parts =
        Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
    return parts.length <= 3 ? List.of() : List.of(Arrays.copyOfRange(parts, 3, parts.length));
  }

  /** The body cached by {@code ServerWebExchangeUtils.cacheRequestBody}, none if not cached. */
  static byte[] bodyOf(ServerWebExchange exchange) {
    DataBuffer buffer = exchange.getAttribute(CACHED_REQUEST_BODY_ATTR);
    if (buffer == null) {
      return new byte[0];
    }
    return buffer
        .toString(buffer.readPosition(), buffer.readableByteCount(), StandardCharsets.UTF_8)
        .getBytes(StandardCharsets.UTF_8);
  }
}
