package io.containercloud.gateway.limit;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
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
    return exchange
        .getPrincipal()
        .map(
            user ->
                user instanceof JwtAuthenticationToken token
                    ? limits.request(
                        token.getName(),
                        String.valueOf(token.getToken().getClaimAsString("tenant")))
                    : 0L)
        .defaultIfEmpty(0L)
        .flatMap(
            wait ->
                wait == 0
                    ? chain.filter(exchange)
                    : Mono.error(RateLimits.tooManyRequests("Too many requests", wait)));
  }
}
