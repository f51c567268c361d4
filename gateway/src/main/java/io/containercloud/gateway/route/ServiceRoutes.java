package io.containercloud.gateway.route;

import io.containercloud.gateway.GatewayProperties;
import io.containercloud.gateway.web.ServiceUnavailable;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.NettyPipeline;

/**
 * {@code /api/<service>/**} goes to that service with the prefix removed (what it is sent: {@link
 * ForwardedHeaders}); {@code /hooks/<service>/**}, open to callers without a token, to the path the
 * service's {@code hooks} entry names. Each route has a body-size limit, a timeout (to the
 * service's answer) and its {@link ServiceCall}: a circuit breaker named after the service whose
 * refusals and failures answer 503 problem details at once, and retries for reads only, so a change
 * is never sent twice.
 */
@Configuration(proxyBeanMethods = false)
class ServiceRoutes {

  @Bean
  RouteLocator serviceRouteLocator(
      RouteLocatorBuilder builder,
      GatewayProperties properties,
      CircuitBreakerRegistry breakers,
      ServiceUnavailable unavailable) {
    RouteLocatorBuilder.Builder routes = builder.routes();
    for (Map.Entry<String, URI> service : properties.services().entrySet()) {
      String name = service.getKey();
      ServiceCall call = new ServiceCall(breakers.circuitBreaker(name), unavailable);
      routes.route(
          name,
          r ->
              r.path("/api/" + name + "/**")
                  .filters(
                      f ->
                          f.stripPrefix(2).setRequestSize(properties.maxRequestSize()).filter(call))
                  .uri(service.getValue()));
    }
    for (Map.Entry<String, String> hook : properties.hooks().entrySet()) {
      String name = hook.getKey();
      URI target = properties.services().get(name);
      if (target == null) {
        throw new IllegalStateException(
            "platform.gateway.hooks." + name + " names no service of platform.gateway.services");
      }
      ServiceCall call = new ServiceCall(breakers.circuitBreaker(name), unavailable);
      routes.route(
          "hooks-" + name,
          r ->
              r.path("/hooks/" + name + "/**")
                  .filters(
                      f ->
                          f.rewritePath(
                                  "/hooks/" + name + "/(?<rest>.*)", hook.getValue() + "/${rest}")
                              .setRequestSize(properties.maxRequestSize())
                              .filter(call))
                  .uri(target));
    }
    return routes.build();
  }

  /**
   * A breaker per service, open after half of 20 calls failed, for 10 s. Its state, failure rate
   * and refusals are gauges read when metrics are scraped; no event consumer is registered, so a
   * call costs the breaker's own count and nothing else (resilience4j's Boot integration would
   * publish an event per call, into a buffer and a timer).
   */
  @Bean
  CircuitBreakerRegistry serviceBreakers(MeterRegistry meters) {
    CircuitBreakerRegistry breakers =
        CircuitBreakerRegistry.of(
            CircuitBreakerConfig.custom()
                .slidingWindowSize(20)
                .minimumNumberOfCalls(10)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(10))
                .build());
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
    return breakers;
  }

  /**
   * Connecting gives up after 2 s, and the service has the route timeout to send its answer's
   * headers once the request is sent; a body that streams after them is not cut. Both are set once
   * on the client: a route's {@code connect-timeout} would configure a new client for every
   * request, and its {@code response-timeout} waits on a timer of the parallel scheduler, another
   * thread, where Reactor Netty's read timeout is a task on the connection's own event loop.
   */
  @Bean
  HttpClientCustomizer serviceTimeouts(GatewayProperties properties) {
    return client ->
        client
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2_000)
            .responseTimeout(properties.routeTimeout())
            .doOnResponse(
                (response, connection) ->
                    connection.removeHandler(NettyPipeline.ResponseTimeoutHandler));
  }
}
