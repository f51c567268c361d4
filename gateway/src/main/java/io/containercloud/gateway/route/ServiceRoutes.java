package io.containercloud.gateway.route;

import io.containercloud.gateway.GatewayProperties;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JConfigBuilder;
import org.springframework.cloud.client.circuitbreaker.Customizer;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code /api/<service>/**} goes to that service with the prefix removed. Identity headers a client
 * might send are dropped: services believe only the token. Each route has a circuit breaker (named
 * after the service) whose fallback answers 503 problem details at once, a timeout, a body-size
 * limit, and retries for safe methods only (GET, HEAD, OPTIONS), so a change is never sent twice.
 */
@Configuration(proxyBeanMethods = false)
class ServiceRoutes {

  static final String[] IDENTITY_HEADERS = {
    "X-User", "X-Tenant", "X-Roles", "X-Forwarded-User", "X-Auth-Request-User"
  };

  @Bean
  RouteLocator serviceRouteLocator(RouteLocatorBuilder builder, GatewayProperties properties) {
    RouteLocatorBuilder.Builder routes = builder.routes();
    for (Map.Entry<String, URI> service : properties.services().entrySet()) {
      String name = service.getKey();
      routes.route(
          name,
          r ->
              r.path("/api/" + name + "/**")
                  .filters(
                      f -> {
                        f.stripPrefix(2);
                        f.setRequestSize(properties.maxRequestSize());
                        f.filter(ServiceRoutes::withoutIdentityHeaders);
                        f.retry(
                            retry ->
                                retry
                                    .setRetries(2)
                                    .setMethods(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS)
                                    .setStatuses(
                                        HttpStatus.BAD_GATEWAY, HttpStatus.GATEWAY_TIMEOUT));
                        f.circuitBreaker(
                            cb -> cb.setName(name).setFallbackUri("forward:/fallback/" + name));
                        return f;
                      })
                  .metadata("response-timeout", properties.routeTimeout().toMillis())
                  .metadata("connect-timeout", 2_000)
                  .uri(service.getValue()));
    }
    return routes.build();
  }

  /** One request copy at most, and none for the usual request that carries no such header. */
  private static Mono<Void> withoutIdentityHeaders(
      ServerWebExchange exchange, GatewayFilterChain chain) {
    HttpHeaders headers = exchange.getRequest().getHeaders();
    if (Arrays.stream(IDENTITY_HEADERS).noneMatch(headers::containsHeader)) {
      return chain.filter(exchange);
    }
    ServerHttpRequest request =
        exchange
            .getRequest()
            .mutate()
            .headers(h -> Arrays.stream(IDENTITY_HEADERS).forEach(h::remove))
            .build();
    return chain.filter(exchange.mutate().request(request).build());
  }

  /** Opens after half of 20 calls failed; the time limit is the route timeout. */
  @Bean
  Customizer<ReactiveResilience4JCircuitBreakerFactory> circuitBreakerDefaults(
      GatewayProperties properties) {
    return factory ->
        factory.configureDefault(
            id ->
                new Resilience4JConfigBuilder(id)
                    .circuitBreakerConfig(
                        CircuitBreakerConfig.custom()
                            .slidingWindowSize(20)
                            .minimumNumberOfCalls(10)
                            .failureRateThreshold(50)
                            .waitDurationInOpenState(Duration.ofSeconds(10))
                            .build())
                    .timeLimiterConfig(
                        TimeLimiterConfig.custom()
                            .timeoutDuration(properties.routeTimeout())
                            .build())
                    .build());
  }
}
