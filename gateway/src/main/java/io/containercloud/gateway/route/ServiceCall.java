package io.containercloud.gateway.route;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.CIRCUITBREAKER_EXECUTION_EXCEPTION_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.CLIENT_RESPONSE_CONN_ATTR;

import io.containercloud.gateway.web.ServiceUnavailable;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import java.util.Set;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

/**
 * The call from a route to its service: through the service's circuit breaker, whose refusals and
 * the call's failures (refused or broken connection, route timeout) are answered 503 at once
 * ({@link ServiceUnavailable}); and for a read without a body (GET, HEAD, OPTIONS), up to {@link
 * #RETRIES} more attempts when the service answered 502 or 504, so a change is never sent twice.
 * Answers of the service, 5xx included, count as successes for the breaker: only failures to get
 * one open it.
 *
 * <p>Spring Cloud Gateway's retry and circuit-breaker filters do the same with a companion
 * publisher per request for each, a breaker looked up per request, and the route's request body
 * cached in memory for every request, body or not; this costs one breaker operator per call and two
 * more per read.
 */
final class ServiceCall implements GatewayFilter {

  static final int RETRIES = 2;
  private static final Set<HttpMethod> RETRIED =
      Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
  private static final Set<Integer> RETRIED_STATUSES = Set.of(502, 504);

  private final CircuitBreaker breaker;
  private final ServiceUnavailable unavailable;

  /**
   * @param breaker the service's, named after it
   */
  ServiceCall(CircuitBreaker breaker, ServiceUnavailable unavailable) {
    this.breaker = breaker;
    this.unavailable = unavailable;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
    Mono<Void> call = retried(exchange) ? attempt(exchange, chain, 0) : chain.filter(exchange);
    return call.transform(CircuitBreakerOperator.of(breaker))
        .onErrorResume(failure -> failed(exchange, failure));
  }

  private Mono<Void> attempt(ServerWebExchange exchange, GatewayFilterChain chain, int attempt) {
    return chain
        .filter(exchange)
        .then(
            Mono.defer(
                () -> {
                  HttpStatusCode status = exchange.getResponse().getStatusCode();
                  if (attempt == RETRIES
                      || status == null
                      || !RETRIED_STATUSES.contains(status.value())) {
                    return Mono.empty();
                  }
                  forgetAnswer(exchange);
                  return attempt(exchange, chain, attempt + 1);
                }));
  }

  /** What stopped the call stays in the exchange for the audit trail ({@code RequestOutcome}). */
  private Mono<Void> failed(ServerWebExchange exchange, Throwable failure) {
    exchange.getAttributes().put(CIRCUITBREAKER_EXECUTION_EXCEPTION_ATTR, failure);
    forgetAnswer(exchange);
    exchange.getResponse().setStatusCode(null);
    return unavailable.answer(exchange, breaker.getName());
  }

  /** The unread answer's connection is closed, its headers dropped, the exchange routable again. */
  private static void forgetAnswer(ServerWebExchange exchange) {
    Connection connection = exchange.getAttribute(CLIENT_RESPONSE_CONN_ATTR);
    if (connection != null) {
      connection.dispose();
    }
    ServerWebExchangeUtils.reset(exchange);
  }

  /** A read whose request can be sent again: the body, if any, was streamed and is gone. */
  private static boolean retried(ServerWebExchange exchange) {
    HttpHeaders headers = exchange.getRequest().getHeaders();
    return RETRIED.contains(exchange.getRequest().getMethod())
        && headers.getContentLength() <= 0
        && !headers.containsHeader(HttpHeaders.TRANSFER_ENCODING);
  }
}
