package io.containercloud.gateway.limit;

import io.containercloud.gateway.web.Caller;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Refuses a routed request with 429 and {@code Retry-After} when its user or tenant is over its
 * limit.
 */
@Component
class RateLimitFilter implements GlobalFilter, Ordered {

  private final RateLimits limits;

  RateLimitFilter(RateLimits limits) {
    this.limits = limits;
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE; // before auditing: a refused request changes nothing
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
    Jwt caller = Caller.of(exchange);
    long wait =
        caller == null
            ? 0
            : limits.request(
                caller.getSubject(), String.valueOf(caller.getClaimAsString("tenant")));
    return wait == 0
        ? chain.filter(exchange)
        : Mono.error(RateLimits.tooManyRequests("Too many requests", wait));
  }
}
