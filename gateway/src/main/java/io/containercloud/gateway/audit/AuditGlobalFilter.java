package io.containercloud.gateway.audit;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.CIRCUITBREAKER_EXECUTION_EXCEPTION_ATTR;

import io.containercloud.gateway.GatewayProperties;
import io.containercloud.gateway.web.Caller;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Emits an audit event for every change a user makes through the gateway (POST, PUT, PATCH, DELETE
 * on a routed service): who (from the verified token), what (method, route, path, target ids), the
 * outcome (status, latency; {@link RequestOutcome} when no status can tell it), from where (client
 * IP, correlation id), and the body as a digest plus a redacted copy. The event is stored before
 * the exchange completes.
 */
@Component
class AuditGlobalFilter implements GlobalFilter, Ordered {

  private final ChangeRecords records;
  private final long routeTimeoutMs;

  AuditGlobalFilter(ChangeRecords records, GatewayProperties properties) {
    this.records = records;
    this.routeTimeoutMs = properties.routeTimeout().toMillis();
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE + 10;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
    if (!ChangeRecords.isChange(exchange)) {
      return chain.filter(exchange);
    }
    long start = System.nanoTime();
    return ServerWebExchangeUtils.cacheRequestBody(
        exchange,
        request -> {
          byte[] body = ChangeRecords.bodyOf(exchange);
          ServerWebExchange cached = exchange.mutate().request(request).build();
          return chain
              .filter(cached)
              .then(Mono.defer(() -> record(cached, body, start, null)))
              .onErrorResume(e -> record(cached, body, start, e).then(Mono.error(e)));
        });
  }

  private Mono<Void> record(
      ServerWebExchange exchange, byte[] body, long start, Throwable failure) {
    return records.emit(exchange, Caller.of(exchange), body, start, outcome(exchange, failure));
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
}
