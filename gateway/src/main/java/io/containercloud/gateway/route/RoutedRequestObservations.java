package io.containercloud.gateway.route;

import io.containercloud.gateway.GatewayProperties;
import io.micrometer.observation.ObservationPredicate;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;

/**
 * A routed request is measured once, per route ({@code spring_cloud_gateway_requests_seconds}, with
 * route, status and outcome), not a second time as an {@code http.server.requests} observation:
 * starting and stopping that observation cost about a sixth of the gateway's CPU per routed
 * request. The gateway's own endpoints (login, admin, JWKS) keep it.
 */
@Configuration(proxyBeanMethods = false)
class RoutedRequestObservations {

  @Bean
  ObservationPredicate routedRequestsMeasuredPerRoute(GatewayProperties properties) {
    Set<String> services = Set.copyOf(properties.services().keySet());
    return (name, context) ->
        !(context instanceof ServerRequestObservationContext request
            && routed(request.getCarrier().getPath().value(), services));
  }

  /** {@code /api/<service>/...} for a configured service. */
  static boolean routed(String path, Set<String> services) {
    if (!path.startsWith("/api/")) {
      return false;
    }
    int end = path.indexOf('/', 5);
    return services.contains(end < 0 ? path.substring(5) : path.substring(5, end));
  }
}
