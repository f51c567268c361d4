package io.containercloud.gateway.route;

import io.containercloud.gateway.GatewayProperties;
import io.micrometer.observation.ObservationPredicate;
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
    return (name, context) ->
        !(context instanceof ServerRequestObservationContext request
            && properties.routes(request.getCarrier().getPath().value()));
  }
}
