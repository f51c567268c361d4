package io.containercloud.gateway.audit;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.CACHED_REQUEST_BODY_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.CIRCUITBREAKER_EXECUTION_EXCEPTION_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

import io.containercloud.common.event.contract.AuditFacts;
import io.containercloud.gateway.GatewayProperties;
import io.containercloud.gateway.web.Caller;
import io.containercloud.gateway.web.CorrelationIdFilter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Emits an audit event for every change a user makes through the gateway (POST, PUT, PATCH, DELETE
 * on a routed service): who (from the verified token), what (method, route, path, target ids), the
 * outcome (status, latency; {@link RequestOutcome} when no status can tell it), from where (client
 * IP, correlation id), and the body as a digest plus a redacted copy. The event is stored before
 * the exchange completes.
 */
@Component
class AuditGlobalFilter implements GlobalFilter, Ordered {

  private static final Set<HttpMethod> MUTATING =
      Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);

  private final AuditEmitter emitter;
  private final JsonMapper json;
  private final long routeTimeoutMs;

  AuditGlobalFilter(AuditEmitter emitter, JsonMapper json, GatewayProperties properties) {
    this.emitter = emitter;
    this.json = json;
    this.routeTimeoutMs = properties.routeTimeout().toMillis();
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE + 10;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
    if (!MUTATING.contains(exchange.getRequest().getMethod())) {
      return chain.filter(exchange);
    }
    long start = System.nanoTime();
    return ServerWebExchangeUtils.cacheRequestBody(
        exchange,
        request -> {
          byte[] body = bodyOf(exchange);
          ServerWebExchange cached = exchange.mutate().request(request).build();
          return chain
              .filter(cached)
              .then(Mono.defer(() -> record(cached, body, start, null)))
              .onErrorResume(e -> record(cached, body, start, e).then(Mono.error(e)));
        });
  }

  private Mono<Void> record(
      ServerWebExchange exchange, byte[] body, long start, Throwable failure) {
    return emit(exchange, Caller.of(exchange), body, start, failure);
  }

  private Mono<Void> emit(
      ServerWebExchange exchange, Jwt jwt, byte[] body, long start, Throwable failure) {
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
    outcome(exchange, failure).describe(data);
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

  /**
   * What the call to the service came to: the circuit breaker keeps what stopped it (a timeout, a
   * refused or broken connection) before its fallback answers 503.
   */
  private RequestOutcome outcome(ServerWebExchange exchange, Throwable failure) {
    HttpStatusCode status = exchange.getResponse().getStatusCode();
    Throwable stopped = exchange.getAttribute(CIRCUITBREAKER_EXECUTION_EXCEPTION_ATTR);
    return RequestOutcome.of(
        stopped != null ? stopped : failure, status == null ? 0 : status.value(), routeTimeoutMs);
  }

  // /api/dns/records/42 -> [42]: what follows the service and its collection
  private static List<String> targetIds(String path) {
    String[] parts =
        Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
    return parts.length <= 3 ? List.of() : List.of(Arrays.copyOfRange(parts, 3, parts.length));
  }

  private static byte[] bodyOf(ServerWebExchange exchange) {
    DataBuffer buffer = exchange.getAttribute(CACHED_REQUEST_BODY_ATTR);
    if (buffer == null) {
      return new byte[0];
    }
    return buffer
        .toString(buffer.readPosition(), buffer.readableByteCount(), StandardCharsets.UTF_8)
        .getBytes(StandardCharsets.UTF_8);
  }
}
